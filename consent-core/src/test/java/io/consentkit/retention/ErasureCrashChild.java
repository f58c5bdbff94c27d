package io.consentkit.retention;

import io.consentkit.internal.AtomicFiles;
import io.consentkit.journal.ErasureKey;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HexFormat;

/**
 * The child JVM of {@link ErasureCrashTest}: over and over, puts the pristine journal back (atomically)
 * and erases one number from it, printing {@code ROUND n} before each erasure and {@code ERASED n}
 * after, until it is killed. Args: journal, pristine copy, erasure instant, key hex, number.
 */
public final class ErasureCrashChild {
    private ErasureCrashChild() {
    }

    public static void main(String[] args) throws Exception {
        Path journal = Path.of(args[0]);
        byte[] pristine = Files.readAllBytes(Path.of(args[1]));
        Clock clock = Clock.fixed(Instant.parse(args[2]), ZoneOffset.UTC);
        ErasureKey key = ErasureKey.of(HexFormat.of().parseHex(args[3]));
        Erasure erasure = Erasure.builder(journal).key(key).clock(clock).build();
        for (int round = 0; ; round++) {
            AtomicFiles.deleteStale(journal, "prep");
            AtomicFiles.replace(journal, "prep", out -> out.write(pristine));
            System.out.println("ROUND " + round);
            System.out.flush();
            erasure.erase(args[4], "crash test");
            System.out.println("ERASED " + round);
            System.out.flush();
        }
    }
}
