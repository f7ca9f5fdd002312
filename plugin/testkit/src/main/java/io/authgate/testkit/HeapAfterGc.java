package io.authgate.testkit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * What another JVM's heap holds after a full collection, read with the JDK's own tools: {@code jcmd
 * <pid> GC.run}, then {@code jstat -gc <pid>} (the used survivor, eden and old-generation columns, in
 * KiB). A live set, not a momentary peak: what a cache keeps, not the garbage a flood makes.
 */
public final class HeapAfterGc {
    private static final List<String> USED_COLUMNS = List.of("S0U", "S1U", "EU", "OU");

    private HeapAfterGc() {
    }

    /** Bytes in use right after a full GC of the JVM with this pid. */
    public static long liveBytes(long pid) throws IOException, InterruptedException {
        run(tool("jcmd"), Long.toString(pid), "GC.run");
        String out = run(tool("jstat"), "-gc", Long.toString(pid));
        String[] lines = out.strip().split("\n");
        String[] names = lines[0].trim().split("\\s+");
        String[] values = lines[lines.length - 1].trim().split("\\s+");
        double kib = 0;
        for (int i = 0; i < names.length; i++) {
            if (USED_COLUMNS.contains(names[i])) {
                kib += Double.parseDouble(values[i]);
            }
        }
        return (long) (kib * 1024);
    }

    private static String tool(String name) {
        return Path.of(System.getProperty("java.home"), "bin", name).toString();
    }

    private static String run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " failed: " + new String(out, StandardCharsets.UTF_8));
        }
        return new String(out, StandardCharsets.UTF_8);
    }
}
