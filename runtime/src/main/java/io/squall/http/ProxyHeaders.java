package io.squall.http;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Reads the headers a reverse proxy adds (X-Forwarded-For, X-Real-Ip, X-Forwarded-Proto, X-Scheme) for
 * {@link HTTPServer#xheaders(boolean)}, trusting them only from the proxies named by
 * {@link HTTPServer#trustedDownstream(String...)}.
 *
 * <p>The client address is found by walking the chain {@code X-Forwarded-For entries..., socket peer} from
 * the right: each hop that is a trusted proxy is skipped, and the first one that is not is the client (as
 * Tornado 6's {@code trusted_downstream} and nginx's {@code real_ip_recursive}). With no trusted list the
 * socket peer is taken to be the proxy and the rightmost X-Forwarded-For entry is the client (Tornado's
 * default). With a list, a socket peer outside it is the client itself: its proxy headers are ignored, so a
 * client that reaches the server directly cannot spoof its address or scheme. X-Real-Ip, from a trusted
 * peer, wins over X-Forwarded-For; X-Scheme over X-Forwarded-Proto, whose last value counts and must be
 * {@code http} or {@code https}. Values that are not IP literals or schemes are ignored. Immutable and
 * thread-safe.
 */
final class ProxyHeaders {
    /** Nothing is trusted but the socket peer (Tornado's default). */
    static final ProxyHeaders DEFAULT = new ProxyHeaders(List.of());

    private final List<byte[]> networks;
    private final List<Integer> prefixes;
    private final List<String> described;

    private ProxyHeaders(List<String> specs) {
        networks = new ArrayList<>();
        prefixes = new ArrayList<>();
        described = List.copyOf(specs);
        for (String spec : specs) {
            String s = spec.trim();
            int slash = s.indexOf('/');
            byte[] addr = parseIp(slash < 0 ? s : s.substring(0, slash));
            if (addr == null) {
                throw new IllegalArgumentException("trustedDownstream takes IP addresses or CIDR ranges"
                        + " (127.0.0.1, 10.0.0.0/8, fd00::/8), not '" + spec + "'");
            }
            int bits = addr.length * 8;
            if (slash >= 0) {
                try {
                    bits = Integer.parseInt(s.substring(slash + 1));
                } catch (NumberFormatException e) {
                    bits = -1;
                }
                if (bits < 0 || bits > addr.length * 8) {
                    throw new IllegalArgumentException("Bad prefix length in trustedDownstream range '" + spec
                            + "': it must be 0.." + addr.length * 8);
                }
            }
            networks.add(addr);
            prefixes.add(bits);
        }
    }

    /**
     * Parses the trusted proxies.
     *
     * @param specs IP addresses ("10.0.0.7", "::1") and CIDR ranges ("10.0.0.0/8", "fd00::/8")
     * @return the list
     * @throws IllegalArgumentException for a host name or a malformed address or range
     */
    static ProxyHeaders of(String... specs) {
        return new ProxyHeaders(List.of(specs));
    }

    /** @return the addresses and ranges as given */
    List<String> specs() {
        return described;
    }

    /** @return true if {@code ip} (a valid literal) is one of the trusted proxies */
    boolean trusts(String ip) {
        byte[] a = parseIp(ip);
        if (a == null) {
            return false;
        }
        for (int i = 0; i < networks.size(); i++) {
            if (matches(networks.get(i), prefixes.get(i), a)) {
                return true;
            }
        }
        return false;
    }

    private static boolean matches(byte[] net, int bits, byte[] a) {
        if (net.length != a.length) {
            return false;
        }
        int full = bits / 8;
        for (int i = 0; i < full; i++) {
            if (net[i] != a[i]) {
                return false;
            }
        }
        int rest = bits % 8;
        if (rest == 0) {
            return true;
        }
        int mask = (0xff << (8 - rest)) & 0xff;
        return (net[full] & mask) == (a[full] & mask);
    }

    /**
     * Works out the client's address and scheme of {@code headers} received from {@code peerIp}.
     *
     * @param headers the request headers
     * @param peerIp the socket peer's address, or null if unknown
     * @return {client ip or null to keep the peer's, scheme or null to keep the connection's}
     */
    String[] resolve(HTTPHeaders headers, String peerIp) {
        boolean peerTrusted = networks.isEmpty() || (peerIp != null && trusts(peerIp));
        if (!peerTrusted) {
            return new String[] {null, null};
        }
        String ip = null;
        List<String> hops = new ArrayList<>();
        for (String value : headers.getAll("X-Forwarded-For")) {
            for (String hop : value.split(",")) {
                hops.add(hop.trim());
            }
        }
        if (!hops.isEmpty()) {
            if (networks.isEmpty()) {
                ip = hops.get(hops.size() - 1);
            } else {
                for (int i = hops.size() - 1; i >= 0; i--) {
                    ip = hops.get(i);
                    if (!trusts(ip)) {
                        break; // the first hop from the right that no trusted proxy vouches for
                    }
                }
            }
        }
        String real = headers.get("X-Real-Ip");
        if (real != null) {
            ip = real.trim();
        }
        if (ip != null && parseIp(ip) == null) {
            ip = null;
        }
        String scheme = headers.get("X-Scheme");
        if (scheme == null) {
            scheme = headers.get("X-Forwarded-Proto");
        }
        if (scheme != null) {
            scheme = scheme.substring(scheme.lastIndexOf(',') + 1).trim().toLowerCase(Locale.ROOT);
            if (!scheme.equals("http") && !scheme.equals("https")) {
                scheme = null;
            }
        }
        return new String[] {ip, scheme};
    }

    /**
     * Parses an IPv4 or IPv6 literal without any name lookup.
     *
     * @return the address bytes (4 or 16; IPv4-mapped IPv6 gives 4), or null if {@code s} is not a literal
     */
    static byte[] parseIp(String s) {
        if (s == null || s.isEmpty() || s.length() > 45) {
            return null;
        }
        boolean colon = false;
        boolean onlyDigitsAndDots = true;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == ':') {
                colon = true;
                onlyDigitsAndDots = false;
            } else if (Character.digit(c, 16) < 0 && c != '.' || c > 'f') {
                return null;
            } else if (c != '.' && (c < '0' || c > '9')) {
                onlyDigitsAndDots = false;
            }
        }
        if (!colon) {
            if (!onlyDigitsAndDots) {
                return null;
            }
            String[] parts = s.split("\\.", -1);
            if (parts.length != 4) {
                return null;
            }
            byte[] b = new byte[4];
            for (int i = 0; i < 4; i++) {
                if (parts[i].isEmpty() || parts[i].length() > 3 || (parts[i].length() > 1 && parts[i].charAt(0) == '0')) {
                    return null;
                }
                int v = Integer.parseInt(parts[i]);
                if (v > 255) {
                    return null;
                }
                b[i] = (byte) v;
            }
            return b;
        }
        try {
            // Only hex digits, colons and dots: the JDK parses this as an IPv6 literal and never asks DNS.
            return InetAddress.getByName(s).getAddress();
        } catch (UnknownHostException e) {
            return null;
        }
    }
}
