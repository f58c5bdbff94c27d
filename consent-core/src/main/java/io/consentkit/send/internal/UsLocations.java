package io.consentkit.send.internal;

import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Where in the US a recipient is, from the tables in {@code io/consentkit/send/rules/} (each file
 * names its source in its header): NANP area code to state ({@code us-area-codes.csv}, from
 * libphonenumber's geocoding data), state to time zones ({@code us-state-zones.csv}, from
 * libphonenumber's time-zone data) and 3-digit ZIP prefix to state ({@code us-zip3.csv}, the USPS
 * prefix assignments). States are USPS codes ("TX"). Loaded once; immutable and thread-safe.
 */
public final class UsLocations {
    private static final String DIR = "/io/consentkit/send/rules/";
    private static final String[] BY_AREA_CODE = new String[1000];
    private static final String[] BY_ZIP3 = new String[1000];
    private static final Map<String, List<ZoneId>> ZONES = new HashMap<>();

    static {
        read("us-area-codes.csv", r -> BY_AREA_CODE[Integer.parseInt(r.get("area_code"))] = r.get("state").intern());
        read("us-zip3.csv", r -> {
            for (int p = Integer.parseInt(r.get("from")), to = Integer.parseInt(r.get("to")); p <= to; p++) {
                BY_ZIP3[p] = r.get("state").intern();
            }
        });
        read("us-state-zones.csv", r -> {
            List<ZoneId> zones = new ArrayList<>();
            for (String id : r.get("zones").trim().split(" +")) {
                zones.add(ZoneId.of(id));
            }
            ZONES.put(r.get("state"), List.copyOf(zones));
        });
    }

    private UsLocations() {
    }

    /** The state of a NANP area code ("305" is "FL"), or "" if the tables place it in no US state. */
    public static String stateOfAreaCode(int areaCode) {
        String s = areaCode >= 0 && areaCode < 1000 ? BY_AREA_CODE[areaCode] : null;
        return s == null ? "" : s;
    }

    /**
     * The state of a ZIP code (5 digits, or ZIP+4 as {@code 12345-6789}), or "" if its prefix is
     * not assigned to a state or territory; the caller checks the form.
     */
    public static String stateOfZip(String zip) {
        if (zip.length() < 3) {
            return "";
        }
        int p = (zip.charAt(0) - '0') * 100 + (zip.charAt(1) - '0') * 10 + (zip.charAt(2) - '0');
        String s = p >= 0 && p < 1000 ? BY_ZIP3[p] : null;
        return s == null ? "" : s;
    }

    /** The time zones of a state or territory, or an empty list for a code the tables do not know. */
    public static List<ZoneId> zonesOf(String state) {
        List<ZoneId> z = ZONES.get(state);
        return z == null ? List.of() : z;
    }

    /** True for the USPS code of a state, DC or a territory with zones in the tables. */
    public static boolean isKnownState(String state) {
        return ZONES.containsKey(state);
    }

    private static void read(String file, Consumer<CSVRecord> row) {
        try (InputStream in = UsLocations.class.getResourceAsStream(DIR + file)) {
            if (in == null) {
                throw new IllegalStateException("resource " + DIR + file + " is missing from the jar");
            }
            try (Reader reader = new InputStreamReader(in, StandardCharsets.UTF_8)) {
                CSVFormat format = CSVFormat.DEFAULT.builder().setCommentMarker('#').setHeader()
                        .setSkipHeaderRecord(true).setIgnoreSurroundingSpaces(true).get();
                for (CSVRecord r : format.parse(reader)) {
                    row.accept(r);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not read " + DIR + file, e);
        }
    }
}
