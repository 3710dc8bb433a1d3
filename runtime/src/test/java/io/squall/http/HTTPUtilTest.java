package io.squall.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** Headers, JSON, URL decoding and query parsing, the Date cache. */
class HTTPUtilTest {

    @Test
    void headersAreCaseInsensitiveOrderedMultiMaps() {
        HTTPHeaders h = new HTTPHeaders().add("Set-Cookie", "a=1").add("X-A", "x").add("set-cookie", "b=2");
        assertEquals(List.of("a=1", "b=2"), h.getAll("SET-COOKIE"));
        assertEquals("a=1", h.get("Set-Cookie"));
        assertEquals(3, h.size());
        h.set("SET-COOKIE", "c=3");
        assertEquals(List.of("c=3"), h.getAll("Set-Cookie"));
        assertEquals("SET-COOKIE: c=3\nX-A: x\n", h.toString());
        assertTrue(h.remove("x-a"));
        assertFalse(h.contains("X-A"));
        h.add("Connection", "Keep-Alive, Upgrade");
        assertTrue(h.containsToken("connection", "upgrade"));
        assertFalse(h.containsToken("connection", "close"));
    }

    @Test
    void headerInjectionIsRefused() {
        HTTPHeaders h = new HTTPHeaders();
        assertThrows(IllegalArgumentException.class, () -> h.add("X", "a\r\nSet-Cookie: evil=1"));
        assertThrows(IllegalArgumentException.class, () -> h.set("X", "a\nb"));
        assertThrows(IllegalArgumentException.class, () -> h.set("X", "a\rb"));
        assertThrows(IllegalArgumentException.class, () -> h.set("X\r\nY", "v"));
        assertThrows(IllegalArgumentException.class, () -> h.set("X Y", "v"));
        assertThrows(IllegalArgumentException.class, () -> h.set("", "v"));
        assertThrows(IllegalArgumentException.class, () -> h.set("X", "\u0100"));
        h.set("X", "tab\tis fine, and so is caf\u00e9");
        assertEquals(0, h.getAll("Y").size());
    }

    @Test
    void jsonEncodesNestedValues() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("s", "q\"b\\n\n\t\u0001</script>\u2028");
        m.put("i", 42);
        m.put("l", -7L);
        m.put("d", 1.5);
        m.put("whole", 2.0);
        m.put("big", new BigDecimal("12345678901234567890.5"));
        m.put("t", true);
        m.put("n", null);
        m.put("list", List.of(1, "two", List.of()));
        m.put("map", Map.of("k", false));
        m.put("arr", new int[] {1, 2});
        m.put("c", 'x');
        assertEquals("{\"s\":\"q\\\"b\\\\n\\n\\t\\u0001<\\/script>\\u2028\",\"i\":42,\"l\":-7,\"d\":1.5,\"whole\":2.0,"
                + "\"big\":12345678901234567890.5,\"t\":true,\"n\":null,\"list\":[1,\"two\",[]],\"map\":{\"k\":false},"
                + "\"arr\":[1,2],\"c\":\"x\"}", JSON.encode(m));
        assertEquals("{}", JSON.encode(new HashMap<>()));
        assertEquals("\"\u00e9\"", JSON.encode("\u00e9"));
    }

    @Test
    void jsonRefusesWhatItCannotRepresent() {
        assertThrows(IllegalArgumentException.class, () -> JSON.encode(Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> JSON.encode(Map.of("x", Double.POSITIVE_INFINITY)));
        assertThrows(IllegalArgumentException.class, () -> JSON.encode(new Object()));
        List<Object> self = new ArrayList<>();
        self.add(self);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> JSON.encode(self));
        assertTrue(e.getMessage().contains("contain itself"), e.getMessage());
    }

    @Test
    void urlDecoding() {
        assertEquals("a b+c", HTTPUtil.urlDecode("a%20b+c", false));
        assertEquals("a b c", HTTPUtil.urlDecode("a%20b+c", true));
        assertEquals("caf\u00e9/\u20ac", HTTPUtil.urlDecode("caf%C3%A9%2F%e2%82%ac", false));
        assertEquals("100%", HTTPUtil.urlDecode("100%", false));
        assertEquals("%zz%4", HTTPUtil.urlDecode("%zz%4", false));
        assertEquals("a b", HTTPUtil.urlDecode(HTTPUtil.urlEncode("a b"), true));
        assertEquals("x%3D1%26y", HTTPUtil.urlEncode("x=1&y"));
    }

    @Test
    void queryStrings() {
        Map<String, List<String>> q = HTTPUtil.parseQueryString("a=1&b=x+y&a=%32&&flag&e=");
        assertEquals(List.of("1", "2"), q.get("a"));
        assertEquals(List.of("x y"), q.get("b"));
        assertEquals(List.of(""), q.get("flag"));
        assertEquals(List.of(""), q.get("e"));
        assertEquals(4, q.size());
        Map<String, Object> args = new LinkedHashMap<>();
        args.put("k", "v w");
        args.put("list", List.of("1", "2"));
        assertEquals("k=v+w&list=1&list=2", HTTPUtil.encodeQueryString(args));
    }

    @Test
    void dateHeaderIsImfFixdate() {
        assertEquals("Sun, 06 Nov 1994 08:49:37 GMT", HTTPDate.format(784111777L));
        assertEquals("Thu, 01 Jan 1970 00:00:00 GMT", HTTPDate.format(0));
        for (int attempt = 0; attempt < 5; attempt++) {
            long before = System.currentTimeMillis() / 1000;
            String a = HTTPDate.now();
            String b = HTTPDate.now();
            if (System.currentTimeMillis() / 1000 == before) {
                assertTrue(a == b, "formatted once per second, then shared");
                break;
            }
        }
        String now = HTTPDate.now();
        assertTrue(now.matches("[A-Z][a-z]{2}, \\d{2} [A-Z][a-z]{2} \\d{4} \\d{2}:\\d{2}:\\d{2} GMT"), now);
    }

    @Test
    void requestSplitsTargetAndParsesArguments() {
        HTTPHeaders h = new HTTPHeaders().set("Content-Type", "application/x-www-form-urlencoded; charset=UTF-8");
        HTTPServerRequest r = new HTTPServerRequest("POST", "/p/a%20b?x=1&y=2#frag", "HTTP/1.1", h,
                "x=3&z=%C3%A9".getBytes(java.nio.charset.StandardCharsets.US_ASCII), null, null);
        assertEquals("/p/a%20b", r.path());
        assertEquals("x=1&y=2", r.query());
        assertEquals(List.of("1", "3"), r.arguments().get("x"));
        assertEquals(List.of("\u00e9"), r.bodyArguments().get("z"));
        assertEquals(List.of("1"), r.queryArguments().get("x"));
        HTTPServerRequest abs = new HTTPServerRequest("GET", "http://example.com/q?a=b", "HTTP/1.1", null, null, null,
                null);
        assertEquals("/q", abs.path());
    }
}
