package io.authgate.forwardauth;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The one thread that checks and applies webhook events, off the event loops (a signature is a MAC
 * over up to 64 KiB; applying an event scans the resolver cache for the user). Its queue is bounded:
 * past {@link #QUEUE} events waiting, a new one is refused (503) and Authgear may deliver it again.
 */
final class WebhookWork implements Executor, AutoCloseable {
    static final int QUEUE = 256;

    private final ThreadPoolExecutor pool = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, new ArrayBlockingQueue<>(QUEUE), r -> {
        Thread t = new Thread(r, "authgate-webhooks");
        t.setDaemon(true);
        return t;
    }, new ThreadPoolExecutor.AbortPolicy());

    @Override
    public void execute(Runnable command) {
        pool.execute(command);
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }
}
