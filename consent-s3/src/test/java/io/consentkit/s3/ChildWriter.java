package io.consentkit.s3;

import io.consentkit.consent.ConsentTracker;
import software.amazon.awssdk.services.s3.S3Client;

import java.net.URI;
import java.time.Duration;

/**
 * A separate writer process for S3MultiWriterTest: opens its own tracker over the same bucket and
 * prefix and writes events. Args: endpoint bucket prefix writerIndex from count [lateWriteWindowMillis].
 */
public final class ChildWriter {
    private ChildWriter() {
    }

    public static void main(String[] args) {
        URI endpoint = URI.create(args[0]);
        int writer = Integer.parseInt(args[3]);
        int from = Integer.parseInt(args[4]);
        int n = Integer.parseInt(args[5]);
        try (S3Client s3 = LocalS3.newClient(endpoint, null);
             ConsentTracker tracker = ConsentTracker.builder(
                     S3ConsentStore.builder(s3).bucket(args[1]).prefix(args[2]).writerId("proc" + writer)
                             .lateWriteWindow(args.length > 6 ? Duration.ofMillis(Long.parseLong(args[6]))
                                     : S3ConsentStore.DEFAULT_LATE_WRITE_WINDOW)
                             .build())
                     .brand("Child " + writer).build()) {
            int rows = Events.write(tracker, writer, from, n);
            System.out.println("CHILD-DONE " + rows);
        }
    }
}
