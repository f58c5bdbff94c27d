package io.consentkit.benchmarks;

import io.consentkit.journal.ConsentRecord;
import io.consentkit.s3.S3ConsentStore;
import org.gaul.s3proxy.BlobStores;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntToLongFunction;

/**
 * A timed run (not JMH: one server, blocks interleaved so every figure shares the same machine
 * state) of {@link S3ConsentStore#append} against s3proxy in-process on 127.0.0.1 over its in-memory
 * ("transient") store, the server the consent-s3 tests use, next to a bare loop of conditional
 * PutObject calls ({@code If-None-Match: *} on a new key, the same content type) through the same
 * {@link S3Client} on the same server, in the same run. The bare loop PUTs the very bytes of journal
 * objects the store wrote in the warm-up, so both write objects of the same sizes. Both on 1 thread
 * and on 8 threads (one store instance shared by the 8, as an application's request threads share
 * it), in alternating blocks whose order flips every round; the totals are compared.
 *
 * <p>Usage: {@code java -cp benchmarks.jar io.consentkit.benchmarks.S3AppendTiming [appendsPerThread]
 * [rounds]} (defaults: 100 appends per thread per block, 5 rounds). One row per append (the tracker's
 * usual call). Not thread-safe (a main program).
 */
public final class S3AppendTiming {
    private static final int THREADS = 8;
    private static final String CSV = "text/csv; charset=utf-8";

    private S3AppendTiming() {
    }

    public static void main(String[] args) throws Exception {
        int block = args.length > 0 ? Integer.parseInt(args[0]) : 100;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        S3Proxy proxy = S3Proxy.builder().blobStore(BlobStores.create("transient", new Properties()))
                .endpoint(URI.create("http://127.0.0.1:0"))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, "access", "secret").build();
        proxy.start();
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (!"STARTED".equals(proxy.getState())) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("s3proxy did not start: " + proxy.getState());
            }
            Thread.onSpinWait();
        }
        try (S3Client s3 = S3Client.builder().endpointOverride(URI.create("http://127.0.0.1:" + proxy.getPort()))
                .region(Region.US_EAST_1).forcePathStyle(true)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("access", "secret")))
                .build()) {
            s3.createBucket(b -> b.bucket("bench"));
            run(s3, block, rounds);
        } finally {
            proxy.stop();
        }
    }

    private static void run(S3Client s3, int block, int rounds) throws Exception {
        List<ConsentRecord> rows = JournalGenerator.rows(THREADS * block * (rounds + 3), 9);
        AtomicLong nextRow = new AtomicLong();
        try (S3ConsentStore store = S3ConsentStore.builder(s3).bucket("bench").prefix("store").build()) {
            IntToLongFunction storeLoop = n -> {
                long t0 = System.nanoTime();
                for (int i = 0; i < n; i++) {
                    store.append(List.of(rows.get((int) (nextRow.getAndIncrement() % rows.size()))));
                }
                return System.nanoTime() - t0;
            };
            // warm-up: JIT (of the server too), connections; its objects are the bodies of the bare loop
            for (int w = 0; w < 3; w++) {
                storeLoop.applyAsLong(block);
                threaded(storeLoop, block);
            }
            List<byte[]> bodies = new ArrayList<>();
            long storeBytes = 0;
            for (S3Object o : s3.listObjectsV2Paginator(b -> b.bucket("bench").prefix("store/")).contents()) {
                if (o.key().contains("/journal/")) {
                    bodies.add(s3.getObjectAsBytes(b -> b.bucket("bench").key(o.key())).asByteArray());
                    storeBytes += o.size();
                }
            }
            if (bodies.isEmpty()) {
                throw new IllegalStateException("the store wrote no journal object under store/");
            }
            AtomicLong nextKey = new AtomicLong();
            IntToLongFunction bareLoop = n -> {
                long t0 = System.nanoTime();
                for (int i = 0; i < n; i++) {
                    long k = nextKey.getAndIncrement();
                    s3.putObject(b -> b.bucket("bench").key("bare/" + k).ifNoneMatch("*").contentType(CSV),
                            RequestBody.fromBytes(bodies.get((int) (k % bodies.size()))));
                }
                return System.nanoTime() - t0;
            };
            for (int w = 0; w < 3; w++) {
                bareLoop.applyAsLong(block);
                threaded(bareLoop, block);
            }
            long[] t = new long[4];
            System.out.println("round  load  store 1T/s  bare 1T/s  ratio  store 8T/s  bare 8T/s  ratio");
            for (int r = 0; r < rounds; r++) {
                long[] b = new long[4];
                if (r % 2 == 0) {
                    b[0] = storeLoop.applyAsLong(block);
                    b[1] = bareLoop.applyAsLong(block);
                    b[2] = threaded(storeLoop, block);
                    b[3] = threaded(bareLoop, block);
                } else {
                    b[3] = threaded(bareLoop, block);
                    b[2] = threaded(storeLoop, block);
                    b[1] = bareLoop.applyAsLong(block);
                    b[0] = storeLoop.applyAsLong(block);
                }
                System.out.printf(Locale.ROOT, "%5d %5.1f %11.0f %10.0f %6.2f %11.0f %10.0f %6.2f%n", r + 1,
                        java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(),
                        rate(block, b[0]), rate(block, b[1]), (double) b[1] / b[0],
                        rate(THREADS * block, b[2]), rate(THREADS * block, b[3]), (double) b[3] / b[2]);
                for (int i = 0; i < 4; i++) {
                    t[i] += b[i];
                }
            }
            int n = block * rounds;
            double s1 = rate(n, t[0]);
            double b1 = rate(n, t[1]);
            double s8 = rate(THREADS * n, t[2]);
            double b8 = rate(THREADS * n, t[3]);
            System.out.printf(Locale.ROOT, "one row per append, %d alternating blocks; journal objects of %.0f bytes on"
                    + " average (the bare loop PUTs the same bodies)%n", rounds, (double) storeBytes / bodies.size());
            System.out.printf(Locale.ROOT, "  1 thread:  S3ConsentStore.append            %7.0f appends/s = %.2fx bare%n",
                    s1, s1 / b1);
            System.out.printf(Locale.ROOT, "  1 thread:  bare PutObject If-None-Match *  %7.0f PUTs/s%n", b1);
            System.out.printf(Locale.ROOT, "  %d threads: S3ConsentStore.append            %7.0f appends/s = %.2fx bare, "
                    + "%.2fx the store on 1 thread%n", THREADS, s8, s8 / b8, s8 / s1);
            System.out.printf(Locale.ROOT, "  %d threads: bare PutObject If-None-Match *  %7.0f PUTs/s = %.2fx bare 1 thread%n",
                    THREADS, b8, b8 / b1);
        }
    }

    private static double rate(long ops, long nanos) {
        return ops * 1e9 / nanos;
    }

    /** Wall-clock nanoseconds of {@link #THREADS} threads each running {@code loop} for {@code n} operations. */
    private static long threaded(IntToLongFunction loop, int n) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<?>> fs = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                fs.add(pool.submit(() -> {
                    start.await();
                    return loop.applyAsLong(n);
                }));
            }
            long t0 = System.nanoTime();
            start.countDown();
            for (Future<?> f : fs) {
                f.get();
            }
            return System.nanoTime() - t0;
        } finally {
            pool.shutdown();
        }
    }
}
