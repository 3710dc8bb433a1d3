package io.squall.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

/** Seeded random pipelines split at random points, and mutated input: same results, only HTTPInputException. */
class HTTP1ParserFuzzTest {

    private static String describe(HTTP1Parser p) {
        return p.method() + " " + p.target() + " " + p.version() + "\n" + p.headers() + "body="
                + new String(p.body(), StandardCharsets.ISO_8859_1);
    }

    /** Parses {@code in} in pieces whose sizes {@code random} picks (all of it at once if null). */
    private static List<String> parse(byte[] in, Random random) throws HTTPInputException {
        HTTP1Parser p = new HTTP1Parser(true, 8192, 65536, 1 << 20);
        List<String> out = new ArrayList<>();
        int pos = 0;
        while (pos < in.length) {
            int end = random == null ? in.length : Math.min(in.length, pos + 1 + random.nextInt(40));
            while (pos < end) {
                pos += p.feed(in, pos, end - pos);
                if (p.isHeadComplete()) {
                    p.beginRequestBody();
                }
                if (p.isMessageComplete()) {
                    out.add(describe(p));
                    p.reset();
                }
            }
        }
        return out;
    }

    private static byte[] randomPipeline(Random r, int requests) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        String[] methods = {"GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "X-CUSTOM"};
        for (int i = 0; i < requests; i++) {
            StringBuilder head = new StringBuilder();
            head.append(methods[r.nextInt(methods.length)]).append(" /p").append(r.nextInt(1000))
                    .append(r.nextBoolean() ? "?q=" + r.nextInt(99) : "").append(r.nextBoolean() ? " HTTP/1.1" : " HTTP/1.0")
                    .append(r.nextBoolean() ? "\r\n" : "\n");
            boolean http11 = head.indexOf("HTTP/1.1") > 0;
            int headers = r.nextInt(5);
            for (int h = 0; h < headers; h++) {
                head.append("X-H").append(h).append(":").append(" ".repeat(r.nextInt(3))).append("v").append(r.nextInt(1000))
                        .append(" ".repeat(r.nextInt(2))).append("\r\n");
            }
            byte[] body = new byte[r.nextInt(3) == 0 ? 0 : r.nextInt(300)];
            r.nextBytes(body);
            boolean chunked = http11 && body.length > 0 && r.nextBoolean();
            if (chunked) {
                head.append("Transfer-Encoding: chunked\r\n\r\n");
                out.writeBytes(head.toString().getBytes(StandardCharsets.ISO_8859_1));
                int pos = 0;
                while (pos < body.length) {
                    int n = Math.min(body.length - pos, 1 + r.nextInt(100));
                    out.writeBytes((Integer.toHexString(n) + (r.nextBoolean() ? ";ext=1" : "") + "\r\n")
                            .getBytes(StandardCharsets.ISO_8859_1));
                    out.write(body, pos, n);
                    out.writeBytes("\r\n".getBytes(StandardCharsets.ISO_8859_1));
                    pos += n;
                }
                out.writeBytes("0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            } else {
                if (body.length > 0 || r.nextBoolean()) {
                    head.append("Content-Length: ").append(body.length).append("\r\n");
                }
                head.append("\r\n");
                out.writeBytes(head.toString().getBytes(StandardCharsets.ISO_8859_1));
                out.writeBytes(body);
            }
        }
        return out.toByteArray();
    }

    @Test
    void randomSplitsGiveTheSameMessages() throws HTTPInputException {
        Random r = new Random(20261122);
        for (int round = 0; round < 200; round++) {
            byte[] in = randomPipeline(r, 1 + r.nextInt(6));
            List<String> whole = parse(in, null);
            assertEquals(whole, parse(in, r), "round " + round);
        }
    }

    @Test
    void mutatedInputOnlyEverFailsWithHTTPInputException() {
        Random r = new Random(42);
        int rejected = 0;
        for (int round = 0; round < 3000; round++) {
            byte[] in = randomPipeline(r, 1 + r.nextInt(3));
            int mutations = 1 + r.nextInt(4);
            for (int m = 0; m < mutations; m++) {
                int at = r.nextInt(in.length);
                switch (r.nextInt(3)) {
                    case 0:
                        in[at] = (byte) r.nextInt(256);
                        break;
                    case 1:
                        in[at] = (byte) "\r\n :;0aZ\t".charAt(r.nextInt(9));
                        break;
                    default:
                        in = java.util.Arrays.copyOf(in, at + 1);
                }
            }
            try {
                parse(in, r);
            } catch (HTTPInputException expected) {
                rejected++;
                if (expected.status() != 400 && expected.status() != 505 && expected.status() != 413
                        && expected.status() != 414 && expected.status() != 431) {
                    fail("unexpected status " + expected.status());
                }
            } catch (RuntimeException e) {
                throw new AssertionError("round " + round + ": parser broke on mutated input: " + e, e);
            }
        }
        if (rejected == 0) {
            fail("no mutated input was rejected: the mutations are not reaching the parser");
        }
    }
}
