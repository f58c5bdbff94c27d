package io.consentkit.s3;

import io.consentkit.journal.ConsentStore;
import io.consentkit.testkit.ConsentStoreContract;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import software.amazon.awssdk.services.s3.S3Client;

import java.util.UUID;

/** The store contract (ConsentStoreContract from consent-testkit) against a real local S3 server. */
class S3ConsentStoreContractTest extends ConsentStoreContract {
    private static LocalS3 server;
    private static S3Client s3;
    private static String bucket;
    private String prefix;

    @BeforeAll
    static void startServer() {
        server = LocalS3.start();
        s3 = server.client();
        bucket = server.newBucket();
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    private ConsentStore open() {
        return S3ConsentStore.builder(s3).bucket(bucket).prefix(prefix).build();
    }

    /** 8 threads x 25 appends: each append is an HTTP PUT; the heavier races are in S3MultiWriterTest. */
    @Override
    protected int appendsPerThread() {
        return 25;
    }

    @Override
    protected ConsentStore newStore() {
        prefix = "contract/" + UUID.randomUUID();
        return open();
    }

    @Override
    protected ConsentStore reopen(ConsentStore store) {
        store.close();
        return open();
    }
}
