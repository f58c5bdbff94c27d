package io.consentkit.checks;

import com.tngtech.archunit.core.domain.Dependency;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaCodeUnit;
import com.tngtech.archunit.core.domain.JavaField;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.domain.JavaType;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.jar.JarFile;
import java.io.File;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.stream.Collectors;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static org.assertj.core.api.Assertions.assertThat;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The house rules, checked on every module's compiled main classes (docs/architecture.md explains
 * them): no package cycles; consent-core's floors import only the floors below them and no vendor
 * SDK; Twilio and AWS types stay in their adapter modules; no module imports another module's
 * {@code internal} package; API packages expose no internal type in a public signature.
 */
class ArchitectureTest {
    /** Each module's classes, found through one class the module holds (a jar or target/classes). */
    static final Map<String, JavaClasses> MODULES = new LinkedHashMap<>();

    static {
        module("consent-core", io.consentkit.ConsentKitException.class);
        module("consent-testkit", io.consentkit.testkit.SettableClock.class);
        module("consent-twilio", io.consentkit.twilio.TwilioSmsGateway.class);
        module("consent-s3", io.consentkit.s3.S3ConsentStore.class);
        module("consent-jdbc", io.consentkit.jdbc.JdbcConsentStore.class);
        module("consent-cli", io.consentkit.cli.ConsentCli.class);
        module("consent-web", io.consentkit.web.Html.class);
    }

    private static final String ROOT = "io.consentkit";

    /**
     * consent-core's floors, bottom up: each package and the ConsentKit packages it may import
     * (besides itself). A package missing here fails {@link #everyCorePackageHasAFloor()}.
     */
    static final Map<String, Set<String>> CORE_FLOORS = new LinkedHashMap<>();

    static {
        floor("io.consentkit");
        floor("io.consentkit.support", "io.consentkit");
        floor("io.consentkit.internal", "io.consentkit", "io.consentkit.support");
        floor("io.consentkit.phone", "io.consentkit", "io.consentkit.support", "io.consentkit.internal");
        floor("io.consentkit.journal", "io.consentkit", "io.consentkit.support", "io.consentkit.internal",
                "io.consentkit.phone");
        floor("io.consentkit.store", "io.consentkit", "io.consentkit.support", "io.consentkit.internal",
                "io.consentkit.phone", "io.consentkit.journal");
        floor("io.consentkit.consent.internal", "io.consentkit", "io.consentkit.support",
                "io.consentkit.internal", "io.consentkit.phone", "io.consentkit.journal");
        floor("io.consentkit.consent", "io.consentkit", "io.consentkit.support", "io.consentkit.internal",
                "io.consentkit.phone", "io.consentkit.journal", "io.consentkit.consent.internal");
        floor("io.consentkit.message.internal", "io.consentkit", "io.consentkit.support", "io.consentkit.internal");
        floor("io.consentkit.message", "io.consentkit", "io.consentkit.support", "io.consentkit.internal",
                "io.consentkit.phone", "io.consentkit.message.internal");
        floor("io.consentkit.inbound.internal", "io.consentkit", "io.consentkit.support", "io.consentkit.internal");
        floor("io.consentkit.send.internal", "io.consentkit", "io.consentkit.support", "io.consentkit.internal");
        floor("io.consentkit.revocation", "io.consentkit", "io.consentkit.support", "io.consentkit.internal",
                "io.consentkit.phone", "io.consentkit.journal", "io.consentkit.consent");
        floor("io.consentkit.send", "io.consentkit", "io.consentkit.support", "io.consentkit.internal",
                "io.consentkit.phone", "io.consentkit.journal", "io.consentkit.consent", "io.consentkit.message",
                "io.consentkit.send.internal", "io.consentkit.revocation");
        // above send: Confirmations.ask sends its question through the GuardedSender
        floor("io.consentkit.inbound", "io.consentkit", "io.consentkit.support", "io.consentkit.internal",
                "io.consentkit.phone", "io.consentkit.journal", "io.consentkit.consent",
                "io.consentkit.inbound.internal", "io.consentkit.send");
        // above send: the evidence pack reads the send log and counts segments
        floor("io.consentkit.evidence", "io.consentkit", "io.consentkit.support", "io.consentkit.internal",
                "io.consentkit.phone", "io.consentkit.journal", "io.consentkit.consent", "io.consentkit.message",
                "io.consentkit.send");
        // above send and store: retention reads the send log; erasure compacts the CSV journal and send log
        floor("io.consentkit.retention", "io.consentkit", "io.consentkit.support", "io.consentkit.internal",
                "io.consentkit.phone", "io.consentkit.journal", "io.consentkit.store", "io.consentkit.consent",
                "io.consentkit.send");
        floor("io.consentkit.config", "io.consentkit", "io.consentkit.support", "io.consentkit.internal",
                "io.consentkit.phone", "io.consentkit.journal", "io.consentkit.consent", "io.consentkit.message",
                "io.consentkit.revocation", "io.consentkit.send");
    }

    /** Third-party packages consent-core may use: the JDK, SLF4J, commons-csv, libphonenumber. */
    static final String[] CORE_MAY_USE = {"java..", "javax.annotation..", "javax.crypto..", "org.slf4j..", "org.apache.commons.csv..",
            "com.google.i18n.phonenumbers..", ROOT + ".."};

    @Test
    void noModuleHasAPackageCycle() {
        MODULES.forEach((module, classes) -> slices().matching("io.consentkit.(**)").namingSlices("$1")
                .as(module + ": packages are free of cycles")
                .should().beFreeOfCycles()
                .check(classes));
    }

    /** The web pages are servlets over consent-core: no Twilio, no HTTP server, no other adapter in their main code. */
    @Test
    void webPagesUseCoreAndTheServletApiOnly() {
        noClasses().should().dependOnClassesThat().resideInAnyPackage("io.consentkit.twilio..", "io.consentkit.s3..",
                        "io.consentkit.jdbc..", "io.consentkit.cli..", "org.eclipse.jetty..", "com.twilio..")
                .as("consent-web uses consent-core, the servlet API and the JDK only").check(MODULES.get("consent-web"));
    }

    @Test
    void everyCorePackageHasAFloor() {
        Set<String> packages = MODULES.get("consent-core").stream().map(JavaClass::getPackageName)
                .collect(Collectors.toCollection(TreeSet::new));
        assertThat(CORE_FLOORS.keySet())
                .as("every consent-core package is placed on a floor in ArchitectureTest and docs/architecture.md")
                .containsAll(packages);
    }

    @Test
    void coreFloorsImportOnlyTheFloorsBelow() {
        classes().should(importOnlyTheirFloors()).as("consent-core packages import only the floors below them")
                .check(MODULES.get("consent-core"));
    }

    @Test
    void coreImportsNoVendorSdk() {
        classes().should().onlyDependOnClassesThat().resideInAnyPackage(CORE_MAY_USE)
                .as("consent-core depends only on the JDK (javax.crypto for the send log's HMAC), SLF4J, commons-csv and libphonenumber")
                .check(MODULES.get("consent-core"));
    }

    @Test
    void vendorTypesStayInTheirAdapter() {
        MODULES.forEach((module, classes) -> {
            if (!module.equals("consent-twilio")) {
                noClasses().should().dependOnClassesThat().resideInAnyPackage("com.twilio..")
                        .as(module + " uses no com.twilio type (only consent-twilio does)").check(classes);
            }
            if (!module.equals("consent-s3")) {
                noClasses().should().dependOnClassesThat().resideInAnyPackage("software.amazon..")
                        .as(module + " uses no AWS SDK type (only consent-s3 does)").check(classes);
            }
        });
    }

    @Test
    void noModuleImportsAnotherModulesInternals() {
        MODULES.forEach((module, classes) -> {
            Set<String> own = classes.stream().map(JavaClass::getName).collect(Collectors.toSet());
            classes().should(new ArchCondition<JavaClass>("import no other module's internal package") {
                @Override
                public void check(JavaClass item, ConditionEvents events) {
                    for (Dependency d : item.getDirectDependenciesFromSelf()) {
                        JavaClass target = d.getTargetClass().getBaseComponentType();
                        if (target.getPackageName().startsWith(ROOT) && isInternal(target.getPackageName())
                                && !own.contains(target.getName())) {
                            events.add(SimpleConditionEvent.violated(item, module + ": " + d.getDescription()));
                        }
                    }
                }
            }).as(module + " imports no other module's internal package").check(classes);
        });
    }

    @Test
    void apiPackagesExposeNoInternalType() {
        MODULES.forEach((module, classes) -> classes().that().arePublic()
                .and().resideOutsideOfPackages("..internal..")
                .should(exposeNoInternalType())
                .as(module + ": public signatures of API packages name no internal type")
                .check(classes));
    }

    /**
     * The same rules on the source's import lines, which also catch an import used only by Javadoc
     * (bytecode does not record those): every module's main sources import no other module's
     * {@code internal} package, and consent-core's sources import only their floors.
     */
    @Test
    void sourceImportsKeepTheRules() throws IOException {
        Path root = Docs.root();
        Map<String, String> internalOwner = new HashMap<>();
        Map<Path, String> moduleOf = new LinkedHashMap<>();
        for (String module : MODULES.keySet()) {
            Path src = root.resolve(module).resolve("src/main/java");
            try (Stream<Path> files = Files.walk(src)) {
                for (Path f : files.filter(x -> x.toString().endsWith(".java")).toList()) {
                    moduleOf.put(f, module);
                    String pkg = src.relativize(f.getParent()).toString().replace(File.separatorChar, '.');
                    if (isInternal(pkg)) {
                        internalOwner.put(pkg, module);
                    }
                }
            }
        }
        Pattern importLine = Pattern.compile(
                "^import\\s+(?:static\\s+)?(io\\.consentkit[\\w.]*?)\\.[A-Z][\\w.]*;", Pattern.MULTILINE);
        List<String> broken = new ArrayList<>();
        for (Map.Entry<Path, String> e : moduleOf.entrySet()) {
            String text = Files.readString(e.getKey());
            Matcher pm = Pattern.compile("^package\\s+([\\w.]+);", Pattern.MULTILINE)
                    .matcher(text);
            String from = pm.find() ? pm.group(1) : "";
            Matcher m = importLine.matcher(text);
            while (m.find()) {
                String to = m.group(1);
                String owner = internalOwner.get(to);
                if (isInternal(to) && !e.getValue().equals(owner)) {
                    broken.add(root.relativize(e.getKey()) + " imports " + to + " (internal to " + owner + ")");
                }
                if (e.getValue().equals("consent-core") && !to.equals(from)
                        && !CORE_FLOORS.getOrDefault(from, Set.of()).contains(to)) {
                    broken.add(root.relativize(e.getKey()) + ": " + from + " may not import " + to);
                }
            }
        }
        assertThat(moduleOf).as("main sources found").isNotEmpty();
        assertThat(broken).as("imports that break the layering").isEmpty();
    }

    /** The rules must see classes: an empty import would make every rule pass vacuously. */
    @Test
    void everyModuleWasImported() {
        MODULES.forEach((module, classes) -> assertThat(classes.size())
                .as(module + " classes imported").isPositive());
    }

    private static ArchCondition<JavaClass> importOnlyTheirFloors() {
        return new ArchCondition<>("import only the floors below them") {
            @Override
            public void check(JavaClass item, ConditionEvents events) {
                String from = item.getPackageName();
                Set<String> allowed = CORE_FLOORS.getOrDefault(from, Set.of());
                for (Dependency d : item.getDirectDependenciesFromSelf()) {
                    String to = d.getTargetClass().getBaseComponentType().getPackageName();
                    if ((to.equals(ROOT) || to.startsWith(ROOT + ".")) && !to.equals(from) && !allowed.contains(to)) {
                        events.add(SimpleConditionEvent.violated(item, from + " may not import " + to + ": "
                                + d.getDescription()));
                    }
                }
            }
        };
    }

    private static ArchCondition<JavaClass> exposeNoInternalType() {
        return new ArchCondition<>("expose no internal type") {
            @Override
            public void check(JavaClass item, ConditionEvents events) {
                item.getRawSuperclass().ifPresent(s -> flag(item, "extends", s, events));
                for (JavaClass i : item.getRawInterfaces()) {
                    flag(item, "implements", i, events);
                }
                for (JavaField f : item.getFields()) {
                    if (visible(f.getModifiers())) {
                        flagAll(item, "field " + f.getName(), f.getType(), events);
                    }
                }
                for (JavaCodeUnit m : item.getCodeUnits()) {
                    if (!visible(m.getModifiers()) || m.getName().startsWith("lambda$")) {
                        continue;
                    }
                    flagAll(item, m.getName() + " returns", m.getReturnType(), events);
                    for (JavaType p : m.getParameterTypes()) {
                        flagAll(item, m.getName() + " takes", p, events);
                    }
                }
            }
        };
    }

    private static boolean visible(Set<JavaModifier> modifiers) {
        return modifiers.contains(JavaModifier.PUBLIC) || modifiers.contains(JavaModifier.PROTECTED);
    }

    private static void flagAll(JavaClass owner, String where, JavaType type, ConditionEvents events) {
        for (JavaClass c : type.getAllInvolvedRawTypes()) {
            flag(owner, where, c, events);
        }
    }

    private static void flag(JavaClass owner, String where, JavaClass type, ConditionEvents events) {
        String pkg = type.getBaseComponentType().getPackageName();
        if (pkg.startsWith(ROOT) && isInternal(pkg)) {
            events.add(SimpleConditionEvent.violated(owner, owner.getName() + " " + where + " " + type.getName()));
        }
    }

    static boolean isInternal(String pkg) {
        return pkg.endsWith(".internal") || pkg.contains(".internal.");
    }

    private static void floor(String pkg, String... below) {
        CORE_FLOORS.put(pkg, Set.of(below));
    }

    private static void module(String name, Class<?> anchor) {
        try {
            Path where = Path.of(anchor.getProtectionDomain().getCodeSource().getLocation().toURI());
            ClassFileImporter importer = new ClassFileImporter();
            JavaClasses classes;
            if (Files.isDirectory(where)) {
                classes = importer.importPath(where);
            } else {
                try (JarFile jar = new JarFile(where.toFile())) {
                    classes = importer.importJar(jar);
                }
            }
            MODULES.put(name, classes);
        } catch (URISyntaxException | IOException e) {
            throw new IllegalStateException("cannot import the classes of " + name, e);
        }
    }
}
