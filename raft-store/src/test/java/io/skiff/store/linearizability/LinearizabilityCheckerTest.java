package io.skiff.store.linearizability;

import io.skiff.store.linearizability.CheckResult.Verdict;
import io.skiff.store.linearizability.Operation.Kind;
import io.skiff.store.linearizability.Operation.Outcome;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Hand-written histories with known verdicts. Times are small integers; equal times count as concurrent. */
class LinearizabilityCheckerTest {
    private final LinearizabilityChecker checker = new LinearizabilityChecker();

    static Stream<Arguments> linearizableHistories() {
        return Stream.of(
                Arguments.of("empty history", new H()),
                Arguments.of("read of the initial absent value", new H().read(1, null, 0, 10)),
                Arguments.of("write then read", new H().write(1, "a", 0, 10).read(2, "a", 20, 30)),
                Arguments.of("overlapping writes, first-invoked one wins",
                        new H().write(1, "a", 0, 10).write(2, "b", 5, 15).read(3, "a", 20, 30)),
                Arguments.of("overlapping writes, second-invoked one wins",
                        new H().write(1, "a", 0, 10).write(2, "b", 5, 15).read(3, "b", 20, 30)),
                Arguments.of("read concurrent with a write sees the old value",
                        new H().write(1, "a", 0, 10).write(2, "b", 20, 40).read(3, "a", 25, 30)),
                Arguments.of("read concurrent with a write sees the new value",
                        new H().write(1, "a", 0, 10).write(2, "b", 20, 40).read(3, "b", 25, 30)),
                Arguments.of("reads may see a concurrent write take effect between them",
                        new H().write(1, "a", 0, 10).write(2, "b", 20, 60)
                                .read(3, "a", 25, 30).read(3, "b", 35, 40).read(4, "b", 45, 50)),
                Arguments.of("CAS chain from absent",
                        new H().cas(1, null, "1", true, 0, 10).cas(2, "1", "2", true, 20, 30)
                                .cas(1, "2", "3", true, 40, 50).read(3, "3", 60, 70)),
                Arguments.of("concurrent CAS from the same value: one wins, one loses",
                        new H().write(1, "0", 0, 10).cas(2, "0", "1", false, 20, 30)
                                .cas(3, "0", "2", true, 22, 28).read(1, "2", 40, 50)),
                Arguments.of("CAS fails when the value differs",
                        new H().write(1, "a", 0, 10).cas(2, "b", "c", false, 20, 30).read(3, "a", 40, 50)),
                Arguments.of("CAS expecting absent fails once written",
                        new H().write(1, "a", 0, 10).cas(2, null, "c", false, 20, 30)),
                Arguments.of("delete then read absent",
                        new H().write(1, "a", 0, 10).delete(2, 20, 30).read(3, null, 40, 50)),
                Arguments.of("unknown write that took effect",
                        new H().write(1, "a", 0, 10).unknownWrite(2, "b", 20).read(3, "b", 100, 110)),
                Arguments.of("unknown write that never took effect",
                        new H().write(1, "a", 0, 10).unknownWrite(2, "b", 20).read(3, "a", 100, 110)
                                .read(1, "a", 200, 210)),
                Arguments.of("unknown write taking effect long after it was given up",
                        new H().write(1, "a", 0, 10).unknownWrite(2, "b", 20)
                                .read(3, "a", 30, 40).read(3, "b", 50, 60)),
                Arguments.of("unknown CAS that took effect",
                        new H().write(1, "1", 0, 10).unknownCas(2, "1", "2", 20).read(3, "2", 40, 50)),
                Arguments.of("unknown CAS that did not take effect",
                        new H().write(1, "1", 0, 10).unknownCas(2, "1", "2", 20).read(3, "1", 40, 50)),
                Arguments.of("failed write is ignored",
                        new H().write(1, "a", 0, 10).failedWrite(2, "b", 20, 30).read(3, "a", 40, 50)),
                Arguments.of("unknown read is ignored",
                        new H().write(1, "a", 0, 10).unknownRead(2, 20).read(3, "a", 40, 50)),
                Arguments.of("a read invoked at the same instant a write completes may miss it",
                        new H().write(1, "a", 0, 10).read(2, null, 10, 20)),
                Arguments.of("keys are independent registers",
                        new H().on("x").write(1, "a", 0, 10).on("y").write(2, "b", 5, 15)
                                .on("x").read(3, "a", 20, 30).on("y").read(1, "b", 20, 30)));
    }

    static Stream<Arguments> nonLinearizableHistories() {
        return Stream.of(
                Arguments.of("stale read after a completed write",
                        new H().write(1, "a", 0, 10).write(2, "b", 20, 30).read(3, "a", 40, 50)),
                Arguments.of("read of a value never written", new H().write(1, "a", 0, 10).read(2, "zz", 20, 30)),
                Arguments.of("read of a value before it was written",
                        new H().read(1, "a", 0, 10).write(2, "a", 20, 30)),
                Arguments.of("two successful CAS from the same expected value",
                        new H().write(1, "0", 0, 10).cas(2, "0", "1", true, 20, 30).cas(3, "0", "2", true, 22, 28)),
                Arguments.of("lost write: an acknowledged write is not seen",
                        new H().write(1, "a", 0, 10).read(2, null, 20, 30)),
                Arguments.of("new-old inversion: a later read sees an older value",
                        new H().write(1, "a", 0, 10).write(2, "b", 20, 60).read(3, "b", 25, 30).read(4, "a", 35, 40)),
                Arguments.of("CAS reports no swap although the value was the expected one",
                        new H().write(1, "a", 0, 10).cas(2, "a", "b", false, 20, 30)),
                Arguments.of("CAS chain broken: a swap from a value that was overwritten",
                        new H().cas(1, null, "1", true, 0, 10).cas(2, "1", "2", true, 20, 30)
                                .cas(3, "1", "3", true, 40, 50)),
                Arguments.of("unknown write cannot explain a read before its invocation",
                        new H().write(1, "a", 0, 10).read(2, "b", 20, 30).unknownWrite(3, "b", 40)),
                Arguments.of("failed write is seen",
                        new H().write(1, "a", 0, 10).failedWrite(2, "b", 20, 30).read(3, "b", 40, 50)),
                Arguments.of("delete is lost",
                        new H().write(1, "a", 0, 10).delete(2, 20, 30).read(3, "a", 40, 50)),
                Arguments.of("a write on one key is not seen on another",
                        new H().on("x").write(1, "a", 0, 10).on("y").read(2, "a", 20, 30)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("linearizableHistories")
    void acceptsLinearizableHistory(String name, H history) {
        CheckResult result = checker.check(history.ops);
        assertEquals(Verdict.LINEARIZABLE, result.verdict(), result::toString);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("nonLinearizableHistories")
    void rejectsNonLinearizableHistory(String name, H history) {
        CheckResult result = checker.check(history.ops);
        assertEquals(Verdict.NOT_LINEARIZABLE, result.verdict(), result::toString);
    }

    @Test
    void explanationNamesKeyPrefixAndTheOperationThatCannotBePlaced() {
        H history = new H().on("other").write(9, "z", 0, 5)
                .on("k").write(1, "a", 0, 10).write(2, "b", 20, 30).read(3, "a", 40, 50);

        CheckResult result = checker.check(history.ops);

        assertEquals(Verdict.NOT_LINEARIZABLE, result.verdict());
        assertEquals("k", result.key());
        String text = result.explanation();
        assertTrue(text.contains("Longest linearizable prefix: 2 operations"), text);
        assertTrue(text.contains("#2 c2 write(k, \"b\") [20..30]  => \"b\""), text);
        assertTrue(text.contains("#3 c3 read(k) -> \"a\" [40..50]  -- read \"a\" but the register holds \"b\""), text);
        assertTrue(text.contains("#3 had to take effect before it completed"), text);
    }

    @Test
    void stepBudgetGivesUnknownInsteadOfAVerdict() {
        List<Operation> ops = new SimulatedHistory(1, 5, List.of("k"), 0, 0).run(500);
        LinearizabilityChecker tiny = new LinearizabilityChecker(Duration.ofSeconds(10), 10);

        CheckResult result = tiny.check(ops);

        assertEquals(Verdict.UNKNOWN, result.verdict(), result::toString);
        assertEquals("k", result.key());
    }

    @Test
    void nonLinearizableKeyWinsOverAnUndecidedOne() {
        List<Operation> ops = new ArrayList<>(new SimulatedHistory(1, 5, List.of("big"), 0, 0).run(500));
        ops.addAll(new H().on("small").write(1, "a", 0, 10).read(2, null, 20, 30).ops);
        LinearizabilityChecker tiny = new LinearizabilityChecker(Duration.ofSeconds(10), 100);

        CheckResult result = tiny.check(ops);

        assertEquals(Verdict.NOT_LINEARIZABLE, result.verdict(), result::toString);
        assertEquals("small", result.key());
    }

    /** Builder of hand-written histories; {@code on(key)} switches the key of the following operations. */
    static final class H {
        final List<Operation> ops = new ArrayList<>();
        private String key = "k";

        H on(String newKey) {
            key = newKey;
            return this;
        }

        H read(int client, String observed, long invoke, long complete) {
            return add(Operation.read(ops.size(), client, key, observed, invoke, complete));
        }

        H write(int client, String value, long invoke, long complete) {
            return add(Operation.write(ops.size(), client, key, value, invoke, complete));
        }

        H delete(int client, long invoke, long complete) {
            return add(Operation.delete(ops.size(), client, key, invoke, complete));
        }

        H cas(int client, String expected, String newValue, boolean swapped, long invoke, long complete) {
            return add(Operation.compareAndSet(ops.size(), client, key, expected, newValue, swapped, invoke,
                    complete));
        }

        H unknownWrite(int client, String value, long invoke) {
            return add(Operation.write(ops.size(), client, key, value, invoke, invoke + 5)
                    .withOutcome(Outcome.UNKNOWN));
        }

        H unknownCas(int client, String expected, String newValue, long invoke) {
            return add(Operation.compareAndSet(ops.size(), client, key, expected, newValue, false, invoke,
                    invoke + 5).withOutcome(Outcome.UNKNOWN));
        }

        H unknownRead(int client, long invoke) {
            return add(new Operation(ops.size(), client, key, Kind.READ, null, null, "garbage", false, invoke,
                    invoke + 5, Outcome.UNKNOWN));
        }

        H failedWrite(int client, String value, long invoke, long complete) {
            return add(Operation.write(ops.size(), client, key, value, invoke, complete).withOutcome(Outcome.FAILED));
        }

        private H add(Operation op) {
            ops.add(op);
            return this;
        }

        @Override
        public String toString() {
            return ops.toString();
        }
    }
}
