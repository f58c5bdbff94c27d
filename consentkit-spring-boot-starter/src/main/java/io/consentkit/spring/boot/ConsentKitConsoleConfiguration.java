package io.consentkit.spring.boot;

import io.consentkit.consent.ConsentTracker;
import io.consentkit.consent.Programs;
import io.consentkit.inbound.Confirmations;
import io.consentkit.journal.ConsentStore;
import io.consentkit.revocation.RevocationQueue;
import io.consentkit.send.GuardedSender;
import io.consentkit.send.SendLog;
import io.consentkit.web.OperatorAccess;
import io.consentkit.web.console.ConsoleAudit;
import io.consentkit.web.console.ConsoleQueries;
import io.consentkit.web.console.ConsoleSendLog;
import io.consentkit.web.console.ConsoleServlet;
import io.consentkit.web.console.ConsoleStats;
import io.consentkit.web.frontdesk.FrontDeskPage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.time.ZoneOffset;

/**
 * Mounts consent-web's pages behind the operator login, the operator console ({@code /console/*}) and the front
 * desk ({@code /frontdesk}), when consent-web is on the class path and {@code consentkit.console.enabled=true},
 * with the login and the CSRF check delegated to Spring Security ({@link SpringSecurityOperatorAccess}: the
 * operator is the authenticated user, the forms carry Spring Security's CSRF token). Without Spring Security on
 * the class path nothing is mounted and one line says why. The console's counters: {@link ConsoleStats} is a
 * {@code ConsentListener} bean, so the starter's tracker tells it of each row beside the other listeners (the
 * metrics), and it is loaded once from the store; the app's {@link SendLog} bean is wrapped in a
 * {@link ConsoleSendLog} that the starter's sender writes through.
 */
@AutoConfiguration(after = {ConsentKitTwilioAutoConfiguration.class, ConsentKitOptInConfiguration.class})
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass(name = {"io.consentkit.web.console.ConsoleServlet", "org.springframework.boot.web.servlet.ServletRegistrationBean"})
@ConditionalOnProperty(name = "consentkit.console.enabled", havingValue = "true")
public class ConsentKitConsoleConfiguration {
    static final String SPRING_SECURITY_CLASS = "org.springframework.security.web.csrf.CsrfToken";
    private static final Logger LOG = LoggerFactory.getLogger(ConsentKitConsoleConfiguration.class);

    /** The pages, behind Spring Security. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = SPRING_SECURITY_CLASS)
    @ConditionalOnBean(ConsentTracker.class)
    static class Mounted {
        /** The dashboard's opt-in and opt-out counters: a listener of the starter's tracker. */
        @Bean
        @ConditionalOnMissingBean(name = "consentKitConsoleStats")
        ConsoleStats consentKitConsoleStats() {
            return ConsoleStats.create(ZoneOffset.UTC, Programs.defaults().defaultProgram().name());
        }

        /** Wraps the app's send log for the console's send counters. */
        @Bean
        ConsoleSendLogs consentKitConsoleSendLogs() {
            return new ConsoleSendLogs();
        }

        /** Spring Security's user as the operator, its CSRF token in the forms. */
        @Bean
        @ConditionalOnMissingBean(OperatorAccess.class)
        OperatorAccess consentKitOperatorAccess() {
            return new SpringSecurityOperatorAccess("/logout");
        }

        @Bean
        @ConditionalOnMissingBean
        ConsoleQueries consentKitConsoleQueries(ConsentTracker tracker, ObjectProvider<ConsentStore> store,
                                                ConsoleStats consentKitConsoleStats, ConsoleSendLogs sends,
                                                ObjectProvider<GuardedSender> sender,
                                                ObjectProvider<RevocationQueue> revocations,
                                                ObjectProvider<Confirmations> confirmations) {
            ConsoleStats stats = consentKitConsoleStats;
            if (!stats.isLoaded()) { // once, now that the tracker tells it of every row it writes
                ConsentStore s = store.getIfAvailable();
                stats.load(s == null ? sink -> { } : s::replay);
            }
            sender.getIfAvailable(); // the starter's sender wraps the send log as it is built
            ConsoleQueries.Builder b = ConsoleQueries.builder(tracker, stats);
            if (sends.wrapped() != null) {
                b.sendLog(sends.wrapped());
            }
            revocations.ifUnique(b::revocations);
            confirmations.ifUnique(b::confirmations);
            return b.build();
        }

        @Bean
        @ConditionalOnMissingBean(name = "consentKitConsole")
        ServletRegistrationBean<ConsoleServlet> consentKitConsole(ConsoleQueries queries, OperatorAccess access) {
            ServletRegistrationBean<ConsoleServlet> r = new ServletRegistrationBean<>(
                    new ConsoleServlet(queries, access, ConsoleAudit.LOG), "/console/*");
            r.setName("consentkit-console");
            return r;
        }

        @Bean
        @ConditionalOnMissingBean(name = "consentKitFrontDesk")
        ServletRegistrationBean<FrontDeskPage> consentKitFrontDesk(ConsentTracker tracker, OperatorAccess access) {
            ServletRegistrationBean<FrontDeskPage> r = new ServletRegistrationBean<>(
                    FrontDeskPage.builder(access, tracker).location("Front desk").build(), "/frontdesk");
            r.setName("consentkit-frontdesk");
            return r;
        }
    }

    /** No Spring Security: no page behind a login, and the log says why. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnMissingClass(SPRING_SECURITY_CLASS)
    static class NotMounted {
        @Bean
        SmartInitializingSingleton consentKitConsoleNotMounted() {
            return () -> LOG.warn("consentkit.console.enabled is true but Spring Security is not on the class path: "
                    + "the operator console and the front desk are not mounted (add spring-boot-starter-security)");
        }
    }

    /** Remembers the {@link ConsoleSendLog} the starter's sender writes through. Thread-safe. */
    static final class ConsoleSendLogs implements SendLogWrapper {
        private volatile ConsoleSendLog wrapped;

        @Override
        public SendLog wrap(SendLog log) {
            ConsoleSendLog w = ConsoleSendLog.wrap(log, ZoneOffset.UTC);
            wrapped = w;
            return w;
        }

        /** The wrapped log, or null when the starter's sender has none (no {@code SendLog} bean, or the app's own sender). */
        ConsoleSendLog wrapped() {
            return wrapped;
        }
    }
}
