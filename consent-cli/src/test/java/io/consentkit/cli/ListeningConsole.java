package io.consentkit.cli;

import java.io.StringWriter;
import java.util.concurrent.CountDownLatch;

/** Standard output of a {@code consent serve} run in a test: opens a latch once the server printed its address. */
final class ListeningConsole extends StringWriter {
    final CountDownLatch listening = new CountDownLatch(1);

    @Override
    public void flush() {
        super.flush();
        if (toString().contains("\"listening\"")) {
            listening.countDown();
        }
    }
}
