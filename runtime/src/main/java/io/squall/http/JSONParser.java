package io.squall.http;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A strict recursive-descent JSON parser (RFC 8259) behind {@link JSON#decode(String)}: no comments, no
 * trailing commas, no single quotes, no NaN, no leading zeros, no raw control characters in strings,
 * no duplicate keys in an object (two parsers that disagree on which duplicate wins is a known source
 * of security bugs), at most {@link #MAX_DEPTH} levels of nesting (a deeper document is refused before
 * it can exhaust the stack).
 */
final class JSONParser {
    static final int MAX_DEPTH = 512;

    private final String s;
    private int pos;
    private int depth;

    private JSONParser(String s) {
        this.s = s;
    }

    static Object parse(String text) {
        JSONParser p = new JSONParser(text);
        p.skipSpace();
        if (p.pos == text.length()) {
            throw p.error("Empty JSON document");
        }
        Object v = p.value();
        p.skipSpace();
        if (p.pos != text.length()) {
            throw p.error("Unexpected " + p.describeHere() + " after the JSON value");
        }
        return v;
    }

    private Object value() {
        if (pos >= s.length()) {
            throw error("Unexpected end of JSON, expected a value");
        }
        char c = s.charAt(pos);
        switch (c) {
            case '{': return object();
            case '[': return array();
            case '"': return string();
            case 't': return literal("true", Boolean.TRUE);
            case 'f': return literal("false", Boolean.FALSE);
            case 'n': return literal("null", null);
            default:
                if (c == '-' || (c >= '0' && c <= '9')) {
                    return number();
                }
                throw error("Unexpected " + describeHere() + ", expected a value");
        }
    }

    private Map<String, Object> object() {
        enter();
        pos++;
        Map<String, Object> out = new LinkedHashMap<>();
        skipSpace();
        if (peek() == '}') {
            pos++;
            depth--;
            return out;
        }
        while (true) {
            skipSpace();
            if (peek() != '"') {
                throw error("Unexpected " + describeHere() + ", expected a string key");
            }
            int keyStart = pos;
            String key = string();
            skipSpace();
            expect(':');
            skipSpace();
            Object v = value();
            if (out.containsKey(key)) {
                pos = keyStart;
                throw error("Duplicate key \"" + key + "\"");
            }
            out.put(key, v);
            skipSpace();
            char c = peek();
            pos++;
            if (c == '}') {
                depth--;
                return out;
            }
            if (c != ',') {
                pos--;
                throw error("Unexpected " + describeHere() + ", expected ',' or '}'");
            }
        }
    }

    private List<Object> array() {
        enter();
        pos++;
        List<Object> out = new ArrayList<>();
        skipSpace();
        if (peek() == ']') {
            pos++;
            depth--;
            return out;
        }
        while (true) {
            skipSpace();
            out.add(value());
            skipSpace();
            char c = peek();
            pos++;
            if (c == ']') {
                depth--;
                return out;
            }
            if (c != ',') {
                pos--;
                throw error("Unexpected " + describeHere() + ", expected ',' or ']'");
            }
        }
    }

    private void enter() {
        if (++depth > MAX_DEPTH) {
            throw error("JSON nested deeper than " + MAX_DEPTH + " levels");
        }
    }

    private String string() {
        pos++; // opening quote
        StringBuilder b = null;
        int start = pos;
        while (true) {
            if (pos >= s.length()) {
                throw error("Unterminated string");
            }
            char c = s.charAt(pos);
            if (c == '"') {
                String out = b == null ? s.substring(start, pos) : b.append(s, start, pos).toString();
                pos++;
                return out;
            }
            if (c < 0x20) {
                throw error("Control character U+" + String.format("%04X", (int) c) + " in a string (escape it)");
            }
            if (c == '\\') {
                if (b == null) {
                    b = new StringBuilder();
                }
                b.append(s, start, pos);
                pos++;
                if (pos >= s.length()) {
                    throw error("Unterminated string");
                }
                char e = s.charAt(pos);
                switch (e) {
                    case '"': b.append('"'); break;
                    case '\\': b.append('\\'); break;
                    case '/': b.append('/'); break;
                    case 'b': b.append('\b'); break;
                    case 'f': b.append('\f'); break;
                    case 'n': b.append('\n'); break;
                    case 'r': b.append('\r'); break;
                    case 't': b.append('\t'); break;
                    case 'u':
                        if (pos + 4 >= s.length()) {
                            throw error("Unterminated \\u escape");
                        }
                        int v = 0;
                        for (int i = 1; i <= 4; i++) {
                            char h = s.charAt(pos + i);
                            int d = h < 128 ? Character.digit(h, 16) : -1;
                            if (d < 0) {
                                pos += i;
                                throw error("Invalid hex digit in \\u escape");
                            }
                            v = v * 16 + d;
                        }
                        b.append((char) v);
                        pos += 4;
                        break;
                    default:
                        throw error("Invalid escape \\" + e);
                }
                pos++;
                start = pos;
                continue;
            }
            pos++;
        }
    }

    private Object number() {
        int start = pos;
        if (peek() == '-') {
            pos++;
        }
        if (peek() == '0') {
            pos++;
            if (isDigit(peek())) {
                throw error("Leading zero in a number");
            }
        } else if (isDigit(peek())) {
            while (isDigit(peek())) {
                pos++;
            }
        } else {
            throw error("Unexpected " + describeHere() + " in a number, expected a digit");
        }
        boolean integral = true;
        if (peek() == '.') {
            integral = false;
            pos++;
            if (!isDigit(peek())) {
                throw error("Expected a digit after the decimal point");
            }
            while (isDigit(peek())) {
                pos++;
            }
        }
        if (peek() == 'e' || peek() == 'E') {
            integral = false;
            pos++;
            if (peek() == '+' || peek() == '-') {
                pos++;
            }
            if (!isDigit(peek())) {
                throw error("Expected a digit in the exponent");
            }
            while (isDigit(peek())) {
                pos++;
            }
        }
        String text = s.substring(start, pos);
        if (integral) {
            if (text.length() <= 18) {
                return Long.parseLong(text);
            }
            BigInteger big = new BigInteger(text);
            return big.bitLength() < 64 ? (Object) big.longValue() : big;
        }
        double d = Double.parseDouble(text);
        if (Double.isInfinite(d)) {
            return new BigDecimal(text);
        }
        return d;
    }

    private Object literal(String word, Object value) {
        if (!s.startsWith(word, pos)) {
            throw error("Unexpected " + describeHere() + ", expected a value");
        }
        pos += word.length();
        return value;
    }

    private void expect(char c) {
        if (peek() != c) {
            throw error("Unexpected " + describeHere() + ", expected '" + c + "'");
        }
        pos++;
    }

    private char peek() {
        return pos < s.length() ? s.charAt(pos) : '\0';
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private void skipSpace() {
        while (pos < s.length()) {
            char c = s.charAt(pos);
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
                return;
            }
            pos++;
        }
    }

    private String describeHere() {
        if (pos >= s.length()) {
            return "end of JSON";
        }
        char c = s.charAt(pos);
        return c >= 0x20 && c < 0x7f ? "'" + c + "'" : String.format("U+%04X", (int) c);
    }

    private JSONDecodeError error(String message) {
        int line = 1;
        int col = 1;
        for (int i = 0; i < pos && i < s.length(); i++) {
            if (s.charAt(i) == '\n') {
                line++;
                col = 1;
            } else {
                col++;
            }
        }
        return new JSONDecodeError(message, line, col);
    }
}
