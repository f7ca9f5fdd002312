package io.authgate.forwardauth;

import io.authgate.core.config.ConfigException;
import io.authgate.forwardauth.log.AdapterLog;
import sun.misc.Signal;
import sun.misc.SignalHandler;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * {@code SIGHUP} re-reads the configuration file and, when it is valid, replaces the running
 * configuration ({@link ForwardAuth#reload}); otherwise the refusal is logged with the key and the
 * reason and the running configuration keeps serving. Either way the process goes on: the JVM's
 * default for {@code SIGHUP} is to exit (status 129) without a drain.
 *
 * <p>{@code sun.misc.Signal} (module {@code jdk.unsupported}, which every JDK since 9 ships and
 * exports) is what the adapter already uses for {@code SIGTERM}; the JDK has no supported API for
 * signals. Reloads run on one thread of their own, never on an event loop or the signal thread: at
 * most one runs and one more waits, so a burst of signals reads the file at most twice more, and the
 * second read sees the latest file.
 */
final class ReloadOnHangup {
    private final ConfigSource file;
    private final ForwardAuth app;
    private final AdapterLog log;
    private final ThreadPoolExecutor worker = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS,
            new ArrayBlockingQueue<>(1), ReloadOnHangup::daemon, new ThreadPoolExecutor.DiscardPolicy());

    ReloadOnHangup(ConfigSource file, ForwardAuth app, AdapterLog log) {
        this.file = file;
        this.app = app;
        this.log = log;
    }

    private static Thread daemon(Runnable task) {
        Thread t = new Thread(task, "authgate-reload");
        t.setDaemon(true);
        return t;
    }

    /** Reloads on every {@code SIGHUP} from now on. */
    static ReloadOnHangup install(ConfigSource file, ForwardAuth app, AdapterLog log) {
        ReloadOnHangup reloads = new ReloadOnHangup(file, app, log);
        // A signal ignored when the JVM started (nohup) gets no handler: HotSpot leaves it ignored and
        // returns SIG_IGN. Said once at start, or an operator's SIGHUP would change nothing, silently.
        if (Signal.handle(new Signal("HUP"), s -> reloads.request()) == SignalHandler.SIG_IGN) {
            log.hangupIgnored();
        }
        return reloads;
    }

    /** A reload soon, on the reload thread (coalesced with one already waiting). */
    void request() {
        worker.execute(this::reloadNow);
    }

    /** Reads the file and applies it, or logs why not; true when the new configuration serves. */
    boolean reloadNow() {
        Path path = file.path();
        if (Files.exists(path) && !Files.isRegularFile(path) && !Files.isDirectory(path)) {
            // A named pipe: opening it waits for a writer, for ever, and this one thread with it (no
            // later SIGHUP would change anything). A pipe or a device is read once, at start.
            log.reloadRefused(path, "(document)", path + " is not a regular file (a pipe is read once, at start): restart to read it again");
            return false;
        }
        try {
            AdapterConfig next = file.read();
            int previousRules = app.config().rules().size();
            app.reload(next);
            log.configReloaded(file.path(), next.rules().size(), previousRules);
            return true;
        } catch (ConfigException e) {
            log.reloadRefused(file.path(), e.key(), e.reason());
            return false;
        } catch (RuntimeException e) {
            // Not a configuration error but still no reason to end a process that serves (and an
            // uncaught exception would: Fatal). No stack trace: one line, as for every refusal.
            log.reloadRefused(file.path(), "(document)", "could not be applied: " + e.getClass().getSimpleName() + ": " + e.getMessage());
            return false;
        }
    }
}
