package io.consentkit.s3;

import org.gaul.s3proxy.BlobStores;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;

/**
 * A real S3 API on 127.0.0.1: s3proxy 4.1.0 in-process over the in-memory ("transient") store,
 * made atomic for conditional writes, with server-side fault injection. One per test class.
 */
final class LocalS3 implements AutoCloseable {
    static final String ACCESS = "access";
    static final String SECRET = "secret";

    final FaultBlobStore faults;
    final URI endpoint;
    final RequestCounter counter = new RequestCounter();
    private final S3Proxy proxy;
    private final List<S3Client> clients = new ArrayList<>();
    private final S3Client admin;

    private LocalS3() throws Exception {
        faults = new FaultBlobStore(new AtomicConditionalBlobStore(BlobStores.create("transient", new Properties())));
        proxy = S3Proxy.builder().blobStore(faults).endpoint(URI.create("http://127.0.0.1:0"))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS, SECRET).build();
        proxy.start();
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!"STARTED".equals(proxy.getState())) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("s3proxy did not start: " + proxy.getState());
            }
            Thread.onSpinWait();
        }
        endpoint = URI.create("http://127.0.0.1:" + proxy.getPort());
        admin = newClient(endpoint, null);
        clients.add(admin);
    }

    static LocalS3 start() {
        try {
            return new LocalS3();
        } catch (Exception e) {
            throw new IllegalStateException("cannot start s3proxy", e);
        }
    }

    /** A client whose requests are counted; the SDK's own retries are off so counts are exact. */
    S3Client client() {
        S3Client c = newClient(endpoint, counter);
        clients.add(c);
        return c;
    }

    /**
     * A counted client whose requests also pass through {@code interceptor} before they are
     * signed and sent (to emulate a server or proxy that drops headers).
     */
    S3Client client(ExecutionInterceptor interceptor) {
        S3Client c = newClient(endpoint, counter, interceptor);
        clients.add(c);
        return c;
    }

    /** A client with nothing counted, for setup and checks. */
    S3Client admin() {
        return admin;
    }

    static S3Client newClient(URI endpoint, RequestCounter counter) {
        return newClient(endpoint, counter, null);
    }

    private static S3Client newClient(URI endpoint, RequestCounter counter, ExecutionInterceptor extra) {
        return S3Client.builder().endpointOverride(endpoint).region(Region.US_EAST_1).forcePathStyle(true)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS, SECRET)))
                .overrideConfiguration(o -> {
                    o.retryStrategy(AwsRetryStrategy.doNotRetry());
                    if (extra != null) {
                        o.addExecutionInterceptor(extra);
                    }
                    if (counter != null) {
                        o.addExecutionInterceptor(counter);
                    }
                })
                .build();
    }

    /** A new, empty bucket. */
    String newBucket() {
        String name = "b-" + UUID.randomUUID().toString().substring(0, 18);
        admin.createBucket(b -> b.bucket(name));
        return name;
    }

    /** Every key under {@code prefix}, sorted. */
    List<String> keys(String bucket, String prefix) {
        List<String> out = new ArrayList<>();
        admin.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(prefix)).contents().forEach(o -> out.add(o.key()));
        return out;
    }

    @Override
    public void close() {
        for (S3Client c : clients) {
            c.close();
        }
        try {
            proxy.stop();
        } catch (Exception e) {
            throw new IllegalStateException("cannot stop s3proxy", e);
        }
    }
}
