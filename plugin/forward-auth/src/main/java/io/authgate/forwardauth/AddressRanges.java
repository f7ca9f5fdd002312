package io.authgate.forwardauth;

import io.authgate.core.config.ConfigException;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A set of IP addresses written as addresses or CIDR ranges ({@code 10.0.0.5}, {@code 10.1.0.0/16},
 * {@code ::1}, {@code fd00::/8}); IPv4 and IPv6 are never mixed up (an IPv4-mapped IPv6 address is
 * read as its IPv4 address, as Java reports one).
 */
public final class AddressRanges {
    /** Literal addresses only: a host name here would be looked up, and a typo would mean "nobody". */
    private static final Pattern LITERAL = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}|[0-9a-fA-F:.]*:[0-9a-fA-F:.]*");

    private record Range(byte[] network, int prefixBits) {
        boolean contains(byte[] address) {
            if (address.length != network.length) {
                return false;
            }
            int full = prefixBits / 8;
            for (int i = 0; i < full; i++) {
                if (address[i] != network[i]) {
                    return false;
                }
            }
            int rest = prefixBits % 8;
            if (rest == 0) {
                return true;
            }
            int mask = (0xff << (8 - rest)) & 0xff;
            return (address[full] & mask) == (network[full] & mask);
        }

        // By content: a reload compares the running gateway_sources with the new ones.
        @Override
        public boolean equals(Object o) {
            return o instanceof Range r && prefixBits == r.prefixBits && Arrays.equals(network, r.network);
        }

        @Override
        public int hashCode() {
            return 31 * Arrays.hashCode(network) + prefixBits;
        }
    }

    private final List<Range> ranges;

    private AddressRanges(List<Range> ranges) {
        this.ranges = List.copyOf(ranges);
    }

    /** @param key the configuration key, named in any error */
    static AddressRanges parse(List<String> entries, String key) {
        List<Range> out = new ArrayList<>();
        for (String entry : entries) {
            out.add(range(entry, key));
        }
        return new AddressRanges(out);
    }

    boolean contains(InetAddress address) {
        byte[] bytes = address.getAddress();
        for (int i = 0; i < ranges.size(); i++) {
            if (ranges.get(i).contains(bytes)) {
                return true;
            }
        }
        return false;
    }

    boolean isEmpty() {
        return ranges.isEmpty();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AddressRanges other && ranges.equals(other.ranges);
    }

    @Override
    public int hashCode() {
        return ranges.hashCode();
    }

    private static Range range(String entry, String key) {
        int slash = entry.indexOf('/');
        String host = slash < 0 ? entry : entry.substring(0, slash);
        if (!LITERAL.matcher(host).matches()) {
            throw new ConfigException(key, "\"" + entry + "\" is not an IP address or CIDR range, e.g. 10.0.0.5 or 10.0.0.0/24");
        }
        byte[] network;
        try {
            network = InetAddress.getByName(host).getAddress();
        } catch (UnknownHostException e) {
            throw new ConfigException(key, "\"" + entry + "\" is not an IP address or CIDR range, e.g. 10.0.0.5 or 10.0.0.0/24");
        }
        int max = network.length * 8;
        int bits = max;
        if (slash >= 0) {
            try {
                bits = Integer.parseInt(entry.substring(slash + 1));
            } catch (NumberFormatException e) {
                bits = -1;
            }
            if (bits < 0 || bits > max) {
                throw new ConfigException(key, "\"" + entry + "\" has a prefix length outside 0-" + max);
            }
        }
        return new Range(network, bits);
    }
}
