package io.squall.tests.shapes;

import static io.squall.Async.await;

import java.util.concurrent.TimeUnit;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import io.squall.Future;
import io.squall.annotations.Coroutine;

/**
 * Switch on int (dense tableswitch and sparse lookupswitch), String, enum, switch expressions (arrow form and
 * yield), awaits in the selector and in the cases, fall-through, default.
 */
class SwitchShapesTest extends ShapeTest {

    enum Color { RED, GREEN, BLUE, CYAN }

    // ---- classic switch on int: dense (tableswitch) and sparse (lookupswitch), fall-through

    static final class IntSwitchShape {
        @Coroutine
        static Future<String> intSwitch(Src s, int n) {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < n; i++) {
                switch (await(s.of(i))) {
                    case 0:
                        sb.append(await(s.of("zero")));
                        break;
                    case 1:
                        sb.append("one");
                        // fall through
                    case 2:
                        sb.append(await(s.of("two")));
                        break;
                    case 3:
                    case 4:
                        sb.append(await(s.of(i * 11)));
                        break;
                    default:
                        sb.append('d').append(await(s.of(i)));
                }
                switch (i * 1000) {
                    case 1000:
                        sb.append("[k").append(await(s.of(1))).append(']');
                        break;
                    case 5000:
                        sb.append("[5k]");
                        break;
                    case -7:
                        sb.append("never");
                        break;
                    default:
                        break;
                }
                sb.append(',');
            }
            return Future.of(sb.toString());
        }
    }

    static String intSwitchPlain(int n) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            switch (i) {
                case 0:
                    sb.append("zero");
                    break;
                case 1:
                    sb.append("one");
                    // fall through
                case 2:
                    sb.append("two");
                    break;
                case 3:
                case 4:
                    sb.append(i * 11);
                    break;
                default:
                    sb.append('d').append(i);
            }
            switch (i * 1000) {
                case 1000:
                    sb.append("[k").append(1).append(']');
                    break;
                case 5000:
                    sb.append("[5k]");
                    break;
                case -7:
                    sb.append("never");
                    break;
                default:
                    break;
            }
            sb.append(',');
        }
        return sb.toString();
    }

    @ParameterizedTest
    @EnumSource(Src.Mode.class)
    void switchOnInt(Src.Mode mode) {
        check(mode, s -> IntSwitchShape.intSwitch(s, 7), () -> intSwitchPlain(7));
    }

    // ---- switch on String (hashCode lookupswitch + equals, colliding hashes "Aa"/"BB")

    static final class StringSwitchShape {
        @Coroutine
        static Future<Integer> stringSwitch(Src s, String[] keys) {
            int total = 0;
            for (String k : keys) {
                switch (await(s.of(k))) {
                    case "Aa":
                        total += await(s.of(1));
                        break;
                    case "BB":
                        total += await(s.of(20));
                        break;
                    case "squall":
                        total += 300;
                        // fall through
                    case "gale":
                        total += await(s.of(4000));
                        break;
                    default:
                        total -= await(s.of(k.length()));
                }
            }
            return Future.of(total);
        }
    }

    static int stringSwitchPlain(String[] keys) {
        int total = 0;
        for (String k : keys) {
            switch (k) {
                case "Aa":
                    total += 1;
                    break;
                case "BB":
                    total += 20;
                    break;
                case "squall":
                    total += 300;
                    // fall through
                case "gale":
                    total += 4000;
                    break;
                default:
                    total -= k.length();
            }
        }
        return total;
    }

    @ParameterizedTest
    @EnumSource(Src.Mode.class)
    void switchOnString(Src.Mode mode) {
        String[] keys = {"Aa", "BB", "squall", "gale", "other", "Aa"};
        check(mode, s -> StringSwitchShape.stringSwitch(s, keys), () -> stringSwitchPlain(keys));
    }

    // ---- switch on an enum (synthetic $SwitchMap class) and on a JDK enum

    static final class EnumSwitchShape {
        @Coroutine
        static Future<String> enumSwitch(Src s) {
            StringBuilder sb = new StringBuilder();
            for (Color c : Color.values()) {
                switch (await(s.of(c))) {
                    case RED:
                        sb.append(await(s.of("r")));
                        break;
                    case GREEN:
                    case BLUE:
                        sb.append(await(s.of(c.name().toLowerCase())));
                        break;
                    default:
                        sb.append('?');
                }
            }
            switch (await(s.of(TimeUnit.SECONDS))) {
                case SECONDS:
                    sb.append(":sec");
                    break;
                default:
                    sb.append(":other");
            }
            return Future.of(sb.toString());
        }
    }

    @ParameterizedTest
    @EnumSource(Src.Mode.class)
    void switchOnEnum(Src.Mode mode) {
        check(mode, EnumSwitchShape::enumSwitch, () -> "rgreenblue?:sec");
    }

    // ---- switch expressions: arrow form with awaits in the selector and the arms, yield from blocks

    static final class SwitchExpressionsShape {
        @Coroutine
        static Future<String> switchExpressions(Src s, int n) {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < n; i++) {
                int i2 = i;
                String word = switch (await(s.of(i % 4))) {
                    case 0 -> await(s.of("zero"));
                    case 1, 2 -> "small" + await(s.of(i2));
                    default -> {
                        String t = await(s.of("big"));
                        if (i2 > 5) {
                            yield t.toUpperCase();
                        }
                        yield t + await(s.of(i2 * 2));
                    }
                };
                long weight = switch (Color.values()[i % 4]) {
                    case RED -> 1L;
                    case GREEN -> await(s.of(2L << 40));
                    case BLUE -> {
                        long w = await(s.of(3L));
                        yield w * w;
                    }
                    case CYAN -> -await(s.of((long) i));
                };
                double ratio = switch (word) {
                    case "zero" -> 0.0;
                    case "BIG" -> await(s.of(0.25)) * 4;
                    default -> word.length() / await(s.of(2.0));
                };
                sb.append(word).append('/').append(weight).append('/').append(ratio).append(';');
            }
            return Future.of(sb.toString());
        }
    }

    static String switchExpressionsPlain(int n) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            int i2 = i;
            String word = switch (i % 4) {
                case 0 -> "zero";
                case 1, 2 -> "small" + i2;
                default -> {
                    String t = "big";
                    if (i2 > 5) {
                        yield t.toUpperCase();
                    }
                    yield t + i2 * 2;
                }
            };
            long weight = switch (Color.values()[i % 4]) {
                case RED -> 1L;
                case GREEN -> 2L << 40;
                case BLUE -> {
                    long w = 3L;
                    yield w * w;
                }
                case CYAN -> -(long) i;
            };
            double ratio = switch (word) {
                case "zero" -> 0.0;
                case "BIG" -> 0.25 * 4;
                default -> word.length() / 2.0;
            };
            sb.append(word).append('/').append(weight).append('/').append(ratio).append(';');
        }
        return sb.toString();
    }

    @ParameterizedTest
    @EnumSource(Src.Mode.class)
    void switchExpressionsArrowAndYield(Src.Mode mode) {
        check(mode, s -> SwitchExpressionsShape.switchExpressions(s, 9), () -> switchExpressionsPlain(9));
    }

    // ---- switch expression as an operand in the middle of an expression (values pending on the stack)

    static final class SwitchInExpressionShape {
        @Coroutine
        static Future<Long> switchInExpression(Src s, int k) {
            long r = 7L * k + switch (k) {
                case 1 -> await(s.of(10));
                case 2 -> {
                    int a = await(s.of(5));
                    yield a + await(s.of(6));
                }
                default -> 0;
            } * 3L;
            return Future.of(r + await(s.of(1L)));
        }
    }

    @ParameterizedTest
    @EnumSource(Src.Mode.class)
    void switchExpressionInsideExpression(Src.Mode mode) {
        check(mode, s -> SwitchInExpressionShape.switchInExpression(s, 1), () -> 7L + 30L + 1L);
        check(mode, s -> SwitchInExpressionShape.switchInExpression(s, 2), () -> 14L + 33L + 1L);
        check(mode, s -> SwitchInExpressionShape.switchInExpression(s, 3), () -> 21L + 1L);
    }

    // ---- switch whose default throws after an await; exception fails the coroutine

    static final class SwitchThrowsShape {
        @Coroutine
        static Future<String> switchThrows(Src s, String key) {
            switch (await(s.of(key))) {
                case "ok":
                    return Future.of("fine");
                default:
                    throw new IllegalArgumentException("unknown key " + await(s.of(key)));
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Src.Mode.class)
    void switchDefaultThrows(Src.Mode mode) {
        check(mode, s -> SwitchThrowsShape.switchThrows(s, "ok"), () -> "fine");
        check(mode, s -> SwitchThrowsShape.switchThrows(s, "nope"), () -> raise(new IllegalArgumentException("unknown key nope")));
    }
}
