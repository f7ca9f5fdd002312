package io.authgate.testkit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * What a JVM's heap holds after a full collection: a live set, not a momentary peak; what a cache
 * keeps, not the garbage a flood makes. Another JVM's is read with the JDK's own {@code jcmd}.
 */
public final class HeapAfterGc {
    private HeapAfterGc() {
    }

    /**
     * Bytes in use in this JVM's heap right after full collections (several, until two agree within
     * 1%: one collection may leave what a finalizer or a reference queue frees only in the next).
     */
    public static long liveBytesHere() throws InterruptedException {
        java.lang.management.MemoryMXBean memory = java.lang.management.ManagementFactory.getMemoryMXBean();
        long previous = Long.MAX_VALUE;
        for (int i = 0; i < 10; i++) {
            System.gc();
            Thread.sleep(50);
            long used = memory.getHeapMemoryUsage().getUsed();
            if (Math.abs(previous - used) < used / 100) {
                return used;
            }
            previous = used;
        }
        return previous;
    }

    /**
     * Bytes of live objects in the JVM with this pid: {@code jcmd <pid> GC.class_histogram} collects
     * fully and counts what survived in the same pause, so allocation that goes on meanwhile (a flood
     * still running) does not inflate the figure. The histogram's last line is the total.
     */
    public static long liveBytes(long pid) throws IOException, InterruptedException {
        String out = run(tool("jcmd"), Long.toString(pid), "GC.class_histogram");
        String[] lines = out.strip().split("\n");
        String[] total = lines[lines.length - 1].trim().split("\\s+");
        if (!total[0].equals("Total")) {
            throw new IOException("no Total line in the class histogram of " + pid + ": " + lines[lines.length - 1]);
        }
        return Long.parseLong(total[2]);
    }

    /** A JVM size option's value ({@code 256m}, {@code 1g}, {@code 512k}) in bytes. */
    public static long jvmSize(String value) {
        char unit = Character.toLowerCase(value.charAt(value.length() - 1));
        long n = Long.parseLong(value.substring(0, value.length() - 1));
        return switch (unit) {
            case 'g' -> n << 30;
            case 'm' -> n << 20;
            case 'k' -> n << 10;
            default -> throw new IllegalArgumentException("a JVM size such as 256m: " + value);
        };
    }

    /** For reports: bytes in MiB, one decimal. */
    public static String mib(long bytes) {
        return String.format(java.util.Locale.ROOT, "%.1f MiB", bytes / 1048576.0);
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
