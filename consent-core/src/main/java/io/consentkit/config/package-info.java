/**
 * One configuration vocabulary for the library, the {@code consent} command and the Spring Boot
 * starter: the {@code consentkit.*} keys ({@link io.consentkit.config.ConfigKeys}), read from a
 * properties file, environment variables and explicit overrides with a fixed precedence
 * ({@link io.consentkit.config.ConsentKitConfig.Loader}), and applied to the tracker and sender
 * builders ({@link io.consentkit.config.ConsentKitConfig}). The table of keys is docs/configuration.md,
 * generated from {@link io.consentkit.config.ConfigKeys#ALL} and checked by the build.
 *
 * <p>Framework-free: no YAML parser and no reflection. A YAML file is read by the CLI and by Spring,
 * which hand the flattened keys to {@link io.consentkit.config.ConsentKitConfig.Loader#values}.
 * Nothing here is null unless a method says so.
 */
package io.consentkit.config;
