package io.squall.http;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * The value of the {@code Date} header, formatted at most once a second (RFC 9110 IMF-fixdate) and
 * shared by every connection and loop; reading it costs one clock read and one volatile read.
 */
final class HTTPDate {
    private static final DateTimeFormatter FORMAT = DateTimeFormatter.RFC_1123_DATE_TIME.withZone(ZoneOffset.UTC);

    /** The second the cached text is for, and the text. Replaced as a unit. */
    private static final class Cached {
        final long second;
        final String text;

        Cached(long second, String text) {
            this.second = second;
            this.text = text;
        }
    }

    private static volatile Cached cached = new Cached(Long.MIN_VALUE, "");

    private HTTPDate() {
        throw new AssertionError("no instances");
    }

    /** Returns the current date as "Sun, 06 Nov 1994 08:49:37 GMT". */
    static String now() {
        long second = Math.floorDiv(System.currentTimeMillis(), 1000);
        Cached c = cached;
        if (c.second != second) {
            c = new Cached(second, format(second));
            cached = c;
        }
        return c.text;
    }

    /** Formats the epoch second {@code second} as an IMF-fixdate. */
    static String format(long second) {
        // RFC_1123_DATE_TIME omits the leading zero of the day; IMF-fixdate requires two digits.
        String s = FORMAT.format(Instant.ofEpochSecond(second));
        int comma = s.indexOf(", ");
        if (comma >= 0 && s.charAt(comma + 3) == ' ') {
            s = s.substring(0, comma + 2) + "0" + s.substring(comma + 2);
        }
        return s;
    }
}
