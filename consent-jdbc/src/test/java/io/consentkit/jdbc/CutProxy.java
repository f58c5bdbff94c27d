package io.consentkit.jdbc;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A TCP proxy on 127.0.0.1 in front of the test server that, once {@link #arm armed}, passes the next
 * {@code COMMIT} a client sends to the server and then cuts that connection instead of passing the
 * server's answer back: the transaction committed, and the client cannot know (an unknown commit
 * outcome, as when the network fails during COMMIT). Thread-safe.
 */
final class CutProxy implements AutoCloseable {
    private static final byte[] COMMIT = "COMMIT".getBytes(StandardCharsets.US_ASCII);

    private final ServerSocket listener;
    private final int target;
    private final AtomicBoolean armed = new AtomicBoolean();
    private final CountDownLatch cut = new CountDownLatch(1);

    CutProxy(int targetPort) throws IOException {
        this.target = targetPort;
        this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread t = new Thread(this::acceptLoop, "cut-proxy-accept");
        t.setDaemon(true);
        t.start();
    }

    int port() {
        return listener.getLocalPort();
    }

    /** Cuts the next connection that sends COMMIT, after the server has received it. */
    void arm() {
        armed.set(true);
    }

    /** Waits until a connection was cut at its commit. */
    boolean awaitCut(long seconds) throws InterruptedException {
        return cut.await(seconds, TimeUnit.SECONDS);
    }

    private void acceptLoop() {
        while (!listener.isClosed()) {
            try {
                Socket client = listener.accept();
                Socket server = new Socket(InetAddress.getLoopbackAddress(), target);
                AtomicBoolean cutHere = new AtomicBoolean();
                pump("c2s", client, server, () -> { }, buf -> {
                    if (contains(buf) && armed.compareAndSet(true, false)) {
                        cutHere.set(true); // set before the COMMIT is passed on: its answer is the next read
                    }
                });
                pump("s2c", server, client, () -> {
                    if (cutHere.get()) {
                        closeQuietly(client);
                        closeQuietly(server);
                        cut.countDown();
                        throw new IllegalStateException("cut");
                    }
                }, buf -> { });
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private interface Chunk {
        void seen(byte[] chunk);
    }

    private static void pump(String name, Socket from, Socket to, Runnable beforeForward, Chunk onChunk) {
        Thread t = new Thread(() -> {
            byte[] buf = new byte[8192];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buf)) > 0) {
                    byte[] chunk = java.util.Arrays.copyOf(buf, n);
                    onChunk.seen(chunk);
                    beforeForward.run();
                    out.write(chunk);
                    out.flush();
                }
            } catch (IOException | IllegalStateException e) {
                // the connection ended or was cut
            } finally {
                closeQuietly(from);
                closeQuietly(to);
            }
        }, "cut-proxy-" + name);
        t.setDaemon(true);
        t.start();
    }

    private static boolean contains(byte[] buf) {
        outer:
        for (int i = 0; i + COMMIT.length <= buf.length; i++) {
            for (int j = 0; j < COMMIT.length; j++) {
                if (buf[i + j] != COMMIT[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // already closed
        }
    }

    @Override
    public void close() throws IOException {
        listener.close();
    }
}
