package io.authgate.bench;

import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.CommandLineOptionException;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.ProfilerConfig;
import org.openjdk.jmh.runner.options.TimeValue;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Runs the benchmarks with defaults for a small (2-core) machine and prints a table with the
 * targets: {@code java -jar plugin/benchmarks/target/benchmarks.jar [--quick] [JMH options]}.
 *
 * <p>Defaults: 1 fork, 4 warmup iterations of 2 s, 5 measurement iterations of 2 s, every benchmark
 * in {@code io.authgate.bench}, with the GC profiler (allocation per operation). {@code --quick}: 1
 * warmup and 3 measurement iterations of 1 s (a smoke run; the figures are rough). {@code --no-gc}
 * leaves the GC profiler out. System properties {@code bench.forks}, {@code bench.wi},
 * {@code bench.w} (seconds), {@code bench.i}, {@code bench.r} (seconds) and {@code bench.include}
 * (regex) override the defaults; JMH's own options ({@code -f}, {@code -wi}, {@code -w}, {@code -i},
 * {@code -r}, {@code -prof stack}, a benchmark regex, ...) override those. The exit code is 0
 * whether targets are met or missed (this is a benchmark, not a test); it is 1 only when a benchmark
 * failed to run (e.g. its setup refused a broken configuration) or the options were invalid.
 */
public final class BenchMain {
    static final String RESOLVE = ResolveBenchmark.class.getName();
    static final String REVOCATION = RevocationBenchmark.class.getName();
    static final double COLD_OVER_RAW_TARGET = 1.3;
    static final double CACHED_TARGET_US = 0.4;

    private BenchMain() {
    }

    public static void main(String[] args) throws IOException {
        boolean quick = false;
        boolean gc = !"false".equals(System.getProperty("bench.gc"));
        List<String> jmhArgs = new ArrayList<>();
        for (String arg : args) {
            switch (arg) {
                case "--quick" -> quick = true;
                case "--no-gc" -> gc = false;
                default -> jmhArgs.add(arg);
            }
        }
        CommandLineOptions cli;
        try {
            cli = new CommandLineOptions(jmhArgs.toArray(String[]::new));
        } catch (CommandLineOptionException e) {
            System.err.println("Invalid options: " + e.getMessage() + " (--help for help)");
            System.exit(1);
            return;
        }
        if (cli.shouldHelp()) {
            System.out.println("BenchMain options: --quick (smoke run), --no-gc (no GC profiler); "
                    + "-Dbench.forks/wi/w/i/r/include/gc; then any JMH option:");
            cli.showHelp();
            return;
        }
        if (cli.shouldList() || cli.shouldListWithParams() || cli.shouldListProfilers() || cli.shouldListResultFormats()) {
            org.openjdk.jmh.Main.main(jmhArgs.toArray(String[]::new));
            return;
        }

        ChainedOptionsBuilder options = new OptionsBuilder().parent(cli);
        // A value given as a JMH option wins (the builder's own values would override the parent's,
        // so defaults are only set where the command line has none).
        if (!cli.getForkCount().hasValue()) {
            options.forks(intProperty("bench.forks", 1));
        }
        if (!cli.getWarmupIterations().hasValue()) {
            options.warmupIterations(intProperty("bench.wi", quick ? 1 : 4));
        }
        if (!cli.getWarmupTime().hasValue()) {
            options.warmupTime(TimeValue.seconds(intProperty("bench.w", quick ? 1 : 2)));
        }
        if (!cli.getMeasurementIterations().hasValue()) {
            options.measurementIterations(intProperty("bench.i", quick ? 3 : 5)); // JMH gives no error below 3
        }
        if (!cli.getMeasurementTime().hasValue()) {
            options.measurementTime(TimeValue.seconds(intProperty("bench.r", quick ? 1 : 2)));
        }
        if (cli.getIncludes().isEmpty()) {
            options.include(System.getProperty("bench.include", BenchMain.class.getPackageName() + "\\..*"));
        }
        if (gc && cli.getProfilers().stream().noneMatch(BenchMain::isGcProfiler)) {
            options.addProfiler(GCProfiler.class);
        }

        Options built = options.build();
        double loadBefore = loadAverage();
        Collection<RunResult> results;
        try {
            results = new Runner(built).run();
        } catch (RunnerException e) {
            System.err.println("Benchmark run failed: " + e.getMessage());
            e.printStackTrace();
            System.exit(1);
            return;
        }
        String settings = String.format(Locale.ROOT, "%s fork(s), %s x %s warmup, %s x %s measurement%s",
                built.getForkCount().orElse(1), built.getWarmupIterations().orElse(-1), built.getWarmupTime().orElse(null),
                built.getMeasurementIterations().orElse(-1), built.getMeasurementTime().orElse(null), quick ? " (--quick)" : "")
                // Other processes on a 2-core machine (a build, tests) inflate and scatter the figures.
                + String.format(Locale.ROOT, "; load average %.2f before, %.2f after", loadBefore, loadAverage());
        boolean complete = printSummary(results, settings,
                cli.getIncludes().isEmpty() && System.getProperty("bench.include") == null);
        System.out.flush();
        System.exit(complete ? 0 : 1);
    }

    private static double loadAverage() {
        return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }

    private static boolean isGcProfiler(ProfilerConfig p) {
        return p.getKlass().equals("gc") || p.getKlass().equals(GCProfiler.class.getName());
    }

    private static int intProperty(String name, int fallback) {
        String v = System.getProperty(name);
        return v == null ? fallback : Integer.parseInt(v.trim());
    }

    /** @return false when an expected benchmark has no result */
    static boolean printSummary(Collection<RunResult> results, String settings, boolean expectAll) {
        Map<String, Row> rows = new LinkedHashMap<>();
        for (RunResult r : results) {
            String name = r.getParams().getBenchmark();
            Result<?> primary = r.getPrimaryResult();
            double perUs = microsPer(primary.getScoreUnit());
            Result<?> alloc = r.getSecondaryResults().get("gc.alloc.rate.norm");
            rows.put(name, new Row(shortName(name), primary.getScore() * perUs, primary.getScoreError() * perUs,
                    alloc == null ? Double.NaN : alloc.getScore()));
        }

        System.out.println();
        System.out.println("==== authgate benchmarks: " + Runtime.getRuntime().availableProcessors() + " CPUs, Java "
                + System.getProperty("java.version") + ", " + settings);
        String line = "%-42s %10s %2s %-9s %11s%n";
        System.out.printf(Locale.ROOT, line, "Benchmark", "us/op", "", "error", "alloc B/op");
        for (Row row : rows.values()) {
            System.out.printf(Locale.ROOT, line, row.name, fmt(row.us), "±", fmt(row.errorUs),
                    Double.isNaN(row.bytes) ? "n/a" : String.format(Locale.ROOT, "%.0f", row.bytes));
        }
        System.out.println("(error: 99.9% confidence half-width; alloc: gc.alloc.rate.norm, n/a without the GC profiler)");

        Row cached = rows.get(RESOLVE + ".cachedToken");
        Row cold = rows.get(RESOLVE + ".coldToken");
        Row raw = rows.get(RESOLVE + ".rawJdkVerify");
        Row newString = rows.get(RESOLVE + ".newStringOnly");
        System.out.println();
        System.out.println("Targets:");
        String target = "  %-36s %10s   %-20s %s%n";
        if (cold != null && raw != null) {
            double ratio = cold.us / raw.us;
            System.out.printf(Locale.ROOT, target, "coldToken / rawJdkVerify", String.format(Locale.ROOT, "%.2f x", ratio),
                    "(target <= " + COLD_OVER_RAW_TARGET + " x)", ratio <= COLD_OVER_RAW_TARGET ? "PASS" : "MISS");
        } else {
            System.out.printf(Locale.ROOT, target, "coldToken / rawJdkVerify", "n/a", "(not run)", "");
        }
        if (cached != null) {
            System.out.printf(Locale.ROOT, target, "cachedToken", String.format(Locale.ROOT, "%.3f us", cached.us),
                    "(target <= " + CACHED_TARGET_US + " us)", cached.us <= CACHED_TARGET_US ? "PASS" : "MISS");
            if (newString != null) {
                System.out.printf(Locale.ROOT, target, "cachedToken - newStringOnly",
                        String.format(Locale.ROOT, "%.3f us", cached.us - newString.us), "(information only)", "");
            }
        } else {
            System.out.printf(Locale.ROOT, target, "cachedToken", "n/a", "(not run)", "");
        }

        Row noMarks = rows.get(REVOCATION + ".cachedTokenNoWatermarks");
        Row tenK = rows.get(REVOCATION + ".cachedTokenWatermarks10k");
        if (noMarks != null && tenK != null) {
            System.out.printf(Locale.ROOT, target, "cachedToken, 10,000 watermarks", String.format(Locale.ROOT, "%.3f us", tenK.us),
                    "(target <= " + CACHED_TARGET_US + " us)", tenK.us <= CACHED_TARGET_US ? "PASS" : "MISS");
            System.out.printf(Locale.ROOT, target, "  / with none", String.format(Locale.ROOT, "%.2f x", tenK.us / noMarks.us),
                    String.format(Locale.ROOT, "(+%.3f us)", tenK.us - noMarks.us), "");
        }

        boolean complete = true;
        if (expectAll) {
            for (String b : List.of("newStringOnly", "cachedToken", "coldToken", "rawJdkVerify")) {
                if (!rows.containsKey(RESOLVE + "." + b)) {
                    System.out.println("ERROR: " + b + " produced no result (see the JMH log above)");
                    complete = false;
                }
            }
        }
        return complete;
    }

    private record Row(String name, double us, double errorUs, double bytes) {
    }

    private static String shortName(String benchmark) {
        String prefix = BenchMain.class.getPackageName() + ".";
        return benchmark.startsWith(prefix) ? benchmark.substring(prefix.length()) : benchmark;
    }

    /** Factor from a JMH score unit (average-time modes: "ns/op", "us/op", ...) to microseconds. */
    private static double microsPer(String unit) {
        String time = unit.endsWith("/op") ? unit.substring(0, unit.length() - 3) : unit;
        return switch (time) {
            case "ns" -> 1e-3;
            case "us" -> 1.0;
            case "ms" -> 1e3;
            case "s" -> 1e6;
            case "min" -> 60e6;
            default -> throw new IllegalStateException("not a time-per-operation unit: " + unit
                    + " (BenchMain's table expects an average-time mode)");
        };
    }

    private static String fmt(double us) {
        if (Double.isNaN(us)) {
            return "n/a";
        }
        return String.format(Locale.ROOT, us < 10 ? "%.4f" : "%.2f", us);
    }
}
