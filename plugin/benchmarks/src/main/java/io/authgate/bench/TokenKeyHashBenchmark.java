package io.authgate.bench;

import io.authgate.testkit.TokenMinter;
import io.authgate.testkit.TokenRecipe;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * The cache key's hash of a fresh token String: {@link String#hashCode()} (one serial multiply chain
 * over ~1 KiB), a four-lane hash of the whole string (an earlier design of the core), and what the
 * core does now: the length and the signature's last {@value #SUFFIX} characters (mirrors
 * {@code io.authgate.core.jwt.TokenKey.hash}, package-private there; keep the two in step). The
 * String must be new per call, or String would return its cached hash. {@link #newStringOnly} is
 * that construction alone.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 4, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class TokenKeyHashBenchmark {
    static final int SUFFIX = 64;

    private byte[] token;

    @Setup
    public void setUp() {
        // A real Authgear-shaped access token (~1.2 KiB), so length and alphabet are realistic.
        String t = new TokenMinter("https://bench.authgear.cloud").mint(TokenRecipe.VALID, System.currentTimeMillis() / 1000);
        token = t.getBytes(StandardCharsets.ISO_8859_1);
        String s = new String(token, StandardCharsets.ISO_8859_1);
        if (s.length() < 1024 || fourLaneHash(s) == 0) {
            throw new IllegalStateException("unexpected token: length " + s.length());
        }
    }

    @Benchmark
    public String newStringOnly() {
        return new String(token, StandardCharsets.ISO_8859_1);
    }

    @Benchmark
    public int stringHashCode() {
        return new String(token, StandardCharsets.ISO_8859_1).hashCode();
    }

    @Benchmark
    public int fourLaneHash() {
        return fourLaneHash(new String(token, StandardCharsets.ISO_8859_1));
    }

    /** The core's: the length and the last {@value #SUFFIX} characters (signature bytes) only. */
    @Benchmark
    public int tokenKeyHash() {
        return suffixHash(new String(token, StandardCharsets.ISO_8859_1));
    }

    /**
     * A cache key's hash need not read the whole token, as equality still compares the whole string:
     * the end of a compact JWS is its signature, which for a verified (hence cached) token nobody but
     * the issuer can choose, so it spreads as well as the whole string would.
     */
    static int suffixHash(String s) {
        int n = s.length();
        int h = n;
        for (int i = Math.max(0, n - SUFFIX); i < n; i++) {
            h = 31 * h + s.charAt(i);
        }
        return h ^ (h >>> 16);
    }

    /** The earlier design: four independent multiply chains over the whole string. */
    static int fourLaneHash(String s) {
        int n = s.length();
        int h0 = 0;
        int h1 = 0;
        int h2 = 0;
        int h3 = 0;
        int i = 0;
        for (; i + 3 < n; i += 4) {
            h0 = 31 * h0 + s.charAt(i);
            h1 = 31 * h1 + s.charAt(i + 1);
            h2 = 31 * h2 + s.charAt(i + 2);
            h3 = 31 * h3 + s.charAt(i + 3);
        }
        for (; i < n; i++) {
            h0 = 31 * h0 + s.charAt(i);
        }
        int h = ((h0 * 31 + h1) * 31 + h2) * 31 + h3;
        return h ^ (h >>> 16) ^ n;
    }
}
