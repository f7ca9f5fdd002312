package io.authgate.core.memory;

import java.util.List;

/**
 * What objects take on the heap, estimated as JOL would lay them out on a 64-bit HotSpot JVM with
 * compressed class pointers: 12-byte object headers, 16-byte array headers, 8-byte alignment, and
 * 4-byte references below a 32 GiB heap (compressed oops), 8 above. The caches' weighers add these
 * up; {@code CacheWeightTest} checks their sums against the heap measured after filling a cache.
 */
public final class HeapSize {
    /**
     * What one entry of a bounded Caffeine cache takes besides its key and value, for a cache bounded
     * by weight with per-entry expiry: Caffeine's node (key, value, weight, expiry time and four links,
     * 64 bytes), the hash map's node (32), and its shares of the table and of the frequency sketch
     * (~8 each). Checked with the rest of each weigher against the heap in {@code CacheWeightTest}.
     */
    public static final long CAFFEINE_ENTRY = 112;

    private static final int HEADER = 12;
    private static final int ARRAY_HEADER = 16;
    private static final int REFERENCE = Runtime.getRuntime().maxMemory() < (32L << 30) ? 4 : 8;
    /** A String: header, value reference, hash, coder, hashIsZero. */
    private static final long STRING = object(1, 6);
    /** List.of with one or two elements (List12): two references. */
    private static final long LIST12 = object(2, 0);
    /** List.of with more (ListN): the array reference and allowNulls. */
    private static final long LISTN = object(1, 1);

    private HeapSize() {
    }

    /** An object with this many reference fields and bytes of primitive fields. */
    public static long object(int references, int primitiveBytes) {
        return align(HEADER + (long) references * REFERENCE + primitiveBytes);
    }

    /** A reference held in an array or a table. */
    public static int reference() {
        return REFERENCE;
    }

    public static long bytes(byte[] array) {
        return align(ARRAY_HEADER + (long) array.length);
    }

    public static long referenceArray(int length) {
        return align(ARRAY_HEADER + (long) length * REFERENCE);
    }

    /** A String and its array: one byte a character when every character is Latin-1, two otherwise. */
    public static long string(String s) {
        if (s == null) {
            return 0;
        }
        int n = s.length();
        int perChar = 1;
        for (int i = 0; i < n; i++) {
            if (s.charAt(i) > 0xff) {
                perChar = 2;
                break;
            }
        }
        return STRING + align(ARRAY_HEADER + (long) n * perChar);
    }

    /** An immutable list of strings as {@code List.of}/{@code List.copyOf} make it, with its strings. */
    public static long stringList(List<String> list) {
        if (list == null || list.isEmpty()) {
            return 0; // the shared empty list
        }
        long size = list.size() <= 2 ? LIST12 : LISTN + referenceArray(list.size());
        for (String s : list) {
            size += string(s);
        }
        return size;
    }

    private static long align(long n) {
        return (n + 7) & ~7L;
    }
}
