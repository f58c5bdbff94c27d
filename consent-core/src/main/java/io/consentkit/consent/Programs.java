package io.consentkit.consent;

import io.consentkit.InvalidInputException;
import io.consentkit.consent.internal.ScopeTable;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The tracker's consent scopes: its {@link Program programs}, their brands and senders, the default
 * program, and the revocation policy. Built with {@link #builder()}, handed to the tracker with
 * {@link ConsentTracker.Builder#programs(Programs)}; without it a tracker has the one program
 * {@code default} of the brand {@code default} ({@link #defaults()}), which is what a legacy journal's
 * rows belong to. Brand names here are identifiers; the brand's display name in consent texts is
 * {@link ConsentTexts}' (e.g. {@code ConsentTracker.Builder.brand("Basin Climbing")}). Immutable and
 * thread-safe.
 *
 * <pre>{@code
 * Programs programs = Programs.builder()
 *         .defaultProgram("marketing", "basin")
 *         .program("marketing", "basin", "+15125550100")
 *         .program("alerts", "basin", "+15125550199", "MG0123456789abcdef0123456789abcdef")
 *         .policy(RevocationPolicy.SENDER)
 *         .build();
 * }</pre>
 *
 * <p><b>Journal rows.</b> A consent row in the default program of the default brand has an empty
 * program and brand (so a legacy 14-column journal keeps accepting it); a program of the default
 * brand has an empty brand. A suppression names its scope explicitly: an empty program and brand is
 * everything, an empty program with a brand is every program of that brand, both set is that program.
 */
public final class Programs {
    /** The name of the default program and brand when none is configured. */
    public static final String DEFAULT_NAME = "default";

    /**
     * When the FCC's "revoke-all" rule (47 CFR 64.1200(a)(10): a revocation in reply to one kind of
     * message covers all unrelated messages from that sender) takes effect by default: 2027-01-31 at
     * midnight US Eastern time (CGB order DA 26-12; the FNPRM of Oct 2025 may change it again).
     */
    public static final Instant FCC_REVOKE_ALL_DATE = Instant.parse("2027-01-31T05:00:00Z");

    private static final Programs DEFAULTS = builder().build();

    private final List<Program> programs; // by ordinal: the default program first
    private final Map<String, Integer> ordinals;
    private final Map<String, List<Program>> bySender;
    private final Map<String, List<Program>> byBrand;
    private final RevocationPolicy policy;
    private final Instant revokeAllFrom; // null: off
    private final ScopeTable table;

    private Programs(Program def, java.util.Collection<Program> others, RevocationPolicy policy, Instant revokeAllFrom) {
        List<Program> all = new ArrayList<>();
        all.add(def);
        others.stream().filter(p -> p != def).forEach(all::add);
        this.programs = List.copyOf(all);
        Map<String, Integer> ord = new HashMap<>();
        Map<String, List<Program>> senders = new HashMap<>();
        Map<String, List<Program>> brands = new LinkedHashMap<>();
        List<String> names = new ArrayList<>();
        List<String> brandNames = new ArrayList<>();
        for (Program p : programs) {
            ord.put(p.name(), ord.size());
            names.add(p.name());
            brandNames.add(p.brand());
            brands.computeIfAbsent(p.brand(), k -> new ArrayList<>()).add(p);
            p.senders().forEach(s -> senders.computeIfAbsent(s, k -> new ArrayList<>()).add(p));
        }
        this.ordinals = Map.copyOf(ord);
        senders.replaceAll((k, v) -> List.copyOf(v));
        brands.replaceAll((k, v) -> List.copyOf(v));
        this.bySender = Map.copyOf(senders);
        this.byBrand = java.util.Collections.unmodifiableMap(brands);
        this.policy = policy;
        this.revokeAllFrom = revokeAllFrom;
        this.table = new ScopeTable(names, brandNames);
    }

    /** One program, {@code default}, of the brand {@code default}; policy {@link RevocationPolicy#ALL}. */
    public static Programs defaults() {
        return DEFAULTS;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The program a consent belongs to when none is named, and a legacy row's. */
    public Program defaultProgram() {
        return programs.get(0);
    }

    /** The default program's brand: a row's empty brand. */
    public String defaultBrand() {
        return programs.get(0).brand();
    }

    /**
     * True if journal row {@code r} bears on the program named {@code program}: a consent of it (an
     * empty program column is the default program), or a row with no opt-in method (a suppression)
     * of it, of its brand or of everything: the rows {@code isActive(phone, program)} reads.
     *
     * @throws UnknownScopeException (field {@code program}) if there is no such program
     */
    public boolean covers(io.consentkit.journal.ConsentRecord r, String program) {
        Program p = program(program);
        boolean suppression = r.optInMethod().isEmpty();
        if (!r.program().isEmpty()) {
            return r.program().equals(p.name());
        }
        if (!suppression) {
            return defaultProgram().name().equals(p.name());
        }
        return r.brand().isEmpty() || r.brand().equals(p.brand());
    }

    /** Every program, the default one first, then in the order they were added. */
    public List<Program> all() {
        return programs;
    }

    /** The brands of the programs, in order of first appearance. */
    public Set<String> brands() {
        return byBrand.keySet();
    }

    /**
     * The program named {@code name}.
     *
     * @throws UnknownScopeException (field {@code program}) if there is none
     */
    public Program program(String name) {
        return programs.get(ordinal(name));
    }

    /** The program named {@code name}, if configured. */
    public Optional<Program> find(String name) {
        Integer o = name == null ? null : ordinals.get(name);
        return o == null ? Optional.empty() : Optional.of(programs.get(o));
    }

    /**
     * The programs of {@code brand}.
     *
     * @throws UnknownScopeException (field {@code brand}) if no program has that brand
     */
    public List<Program> programsOf(String brand) {
        List<Program> p = brand == null ? null : byBrand.get(brand);
        if (p == null) {
            throw new UnknownScopeException("brand", String.valueOf(brand));
        }
        return p;
    }

    /**
     * The programs texting from sender {@code to} (an inbound message's {@code To}: a number, short code
     * or Messaging Service SID, a channel prefix allowed). A sender no program lists, or one that is not
     * a sender address at all, gives the default program: what an unscoped deployment's STOP and START
     * are about. Never empty.
     */
    public List<Program> programsForSender(String to) {
        String s = Program.sender(to);
        List<Program> p = s == null ? null : bySender.get(s);
        return p == null ? List.of(defaultProgram()) : p;
    }

    public RevocationPolicy policy() {
        return policy;
    }

    /** When the FCC revoke-all rule applies from; empty if switched off. */
    public Optional<Instant> revokeAllFrom() {
        return Optional.ofNullable(revokeAllFrom);
    }

    /** True if the revoke-all rule applies at {@code at}. */
    public boolean revokeAllInForce(Instant at) {
        return revokeAllFrom != null && !at.isBefore(revokeAllFrom);
    }

    /**
     * What a STOP-type reply to sender {@code to} at {@code at} revokes (the table in the architecture
     * document): {@code stopAll} (STOPALL, "stop all") gives {@link RevocationScope#all()}; else under
     * {@link RevocationPolicy#ALL}, or from the revoke-all date, every program of the brands of
     * {@link #programsForSender(String) the sender's programs}; else ({@link RevocationPolicy#SENDER}
     * before the date) just those programs. An unknown sender is the default program's: all the default
     * brand's programs under ALL, the default program under SENDER.
     */
    public RevocationScope resolve(String to, boolean stopAll, Instant at) {
        Objects.requireNonNull(at, "at");
        if (stopAll) {
            return RevocationScope.all();
        }
        List<Program> sender = programsForSender(to);
        if (policy == RevocationPolicy.ALL || revokeAllInForce(at)) {
            return new RevocationScope(RevocationScope.Kind.BRANDS,
                    sender.stream().map(Program::brand).collect(java.util.stream.Collectors.toSet()));
        }
        return new RevocationScope(RevocationScope.Kind.PROGRAMS,
                sender.stream().map(Program::name).collect(java.util.stream.Collectors.toSet()));
    }

    /**
     * The program's ordinal (its place in {@link #all()}).
     *
     * @throws UnknownScopeException (field {@code program}) if there is none
     */
    int ordinal(String name) {
        Integer o = name == null ? null : ordinals.get(name);
        if (o == null) {
            throw new UnknownScopeException("program", String.valueOf(name));
        }
        return o;
    }

    /** Checks that every name of {@code scope} is a configured program or brand. */
    void check(RevocationScope scope) {
        for (String n : scope.names()) {
            if (scope.kind() == RevocationScope.Kind.BRANDS) {
                programsOf(n);
            } else {
                ordinal(n);
            }
        }
    }

    ScopeTable table() {
        return table;
    }

    @Override
    public String toString() {
        return "Programs[" + programs.stream().map(p -> p.brand() + "/" + p.name()).toList() + ", default "
                + defaultProgram().name() + ", policy " + policy + ", revoke-all "
                + (revokeAllFrom == null ? "off" : revokeAllFrom.toString()) + "]";
    }

    /**
     * Collects programs and the policy; setters validate at once, naming the field. Not thread-safe.
     */
    public static final class Builder {
        private final LinkedHashMap<String, Program> programs = new LinkedHashMap<>();
        private String defaultProgram = DEFAULT_NAME;
        private String defaultBrand = DEFAULT_NAME;
        private RevocationPolicy policy = RevocationPolicy.ALL;
        private Instant revokeAllFrom = FCC_REVOKE_ALL_DATE;

        private Builder() {
        }

        /**
         * The default program: what a consent recorded without a program, and every row of a legacy
         * journal, belongs to. Default: {@code default} of brand {@code default}. If no program of that
         * name is {@linkplain #program added}, it is added with no senders.
         */
        public Builder defaultProgram(String name, String brand) {
            this.defaultProgram = Program.identifier("program", name);
            this.defaultBrand = Program.identifier("brand", brand);
            return this;
        }

        /** Adds a program; see {@link Program}. */
        public Builder program(String name, String brand, String... senders) {
            return add(Program.of(name, brand, senders));
        }

        /**
         * Adds a program.
         *
         * @throws InvalidInputException (field {@code program}) if a program of that name was added already
         */
        public Builder add(Program program) {
            Objects.requireNonNull(program, "program");
            if (programs.containsKey(program.name())) {
                throw new InvalidInputException("program", "'" + program.name() + "' is added twice");
            }
            if (programs.size() >= ScopeTable.MAX_PROGRAMS - 1) {
                throw new InvalidInputException("program", "more than " + ScopeTable.MAX_PROGRAMS + " programs");
            }
            programs.put(program.name(), program);
            return this;
        }

        /** What a STOP to one sender revokes. Default: {@link RevocationPolicy#ALL}. */
        public Builder policy(RevocationPolicy policy) {
            this.policy = Objects.requireNonNull(policy, "policy");
            return this;
        }

        /**
         * From when a revocation to one sender covers every program of the brand whatever the policy
         * (the FCC revoke-all rule). Default: {@link #FCC_REVOKE_ALL_DATE}; compared with the tracker's
         * clock.
         */
        public Builder revokeAllFrom(Instant from) {
            this.revokeAllFrom = Objects.requireNonNull(from, "revokeAllFrom");
            return this;
        }

        /** Never widens a {@link RevocationPolicy#SENDER} revocation by date (e.g. if the rule is withdrawn). */
        public Builder revokeAllOff() {
            this.revokeAllFrom = null;
            return this;
        }

        /**
         * Builds the settings.
         *
         * @throws InvalidInputException (field {@code brand}) if the default program was added with
         *                               another brand than {@link #defaultProgram} gave
         */
        public Programs build() {
            Program def = programs.get(defaultProgram);
            if (def == null) {
                def = new Program(defaultProgram, defaultBrand, Set.of());
            } else if (!def.brand().equals(defaultBrand)) {
                throw new InvalidInputException("brand", "of the default program '" + defaultProgram + "' is '"
                        + def.brand() + "', but defaultProgram gave '" + defaultBrand + "'");
            }
            return new Programs(def, List.copyOf(programs.values()), policy, revokeAllFrom);
        }
    }
}
