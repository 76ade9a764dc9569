package io.skiff.store.linearizability;

import io.skiff.store.linearizability.CheckResult.Verdict;
import io.skiff.store.linearizability.Operation.Kind;
import io.skiff.store.linearizability.Operation.Outcome;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Randomized histories: simulated concurrent clients on a real register, corrupted ones, and a brute-force oracle. */
class RandomizedHistoryTest {
    private static final List<String> KEYS = List.of("a", "b", "c");
    private static final int SEEDS = 40;

    private final LinearizabilityChecker checker = new LinearizabilityChecker();

    private static List<Operation> simulate(long seed) {
        return new SimulatedHistory(seed, 6, KEYS, 0.05, 0.05).run(400);
    }

    @Test
    void historiesOfARealRegisterAreLinearizable() {
        for (long seed = 0; seed < SEEDS; seed++) {
            CheckResult result = checker.check(simulate(seed));
            assertEquals(Verdict.LINEARIZABLE, result.verdict(), "seed " + seed + ": " + result);
        }
    }

    @Test
    void aReadOfANeverWrittenValueIsDetected() {
        for (long seed = 0; seed < SEEDS; seed++) {
            List<Operation> corrupted =
                    Corruptions.readOfNeverWrittenValue(simulate(seed), new Random(seed)).orElseThrow();
            CheckResult result = checker.check(corrupted);
            assertEquals(Verdict.NOT_LINEARIZABLE, result.verdict(), "seed " + seed + ": " + result);
            assertTrue(result.explanation().contains("\"never-written\""), result::toString);
        }
    }

    @Test
    void aStaleReadIsDetected() {
        int corruptedSeeds = 0;
        for (long seed = 0; seed < SEEDS; seed++) {
            Optional<List<Operation>> corrupted = Corruptions.staleRead(simulate(seed), new Random(seed));
            if (corrupted.isEmpty()) {
                continue;
            }
            corruptedSeeds++;
            CheckResult result = checker.check(corrupted.get());
            assertEquals(Verdict.NOT_LINEARIZABLE, result.verdict(), "seed " + seed + ": " + result);
        }
        assertTrue(corruptedSeeds > SEEDS / 2, "too few histories had a read to corrupt: " + corruptedSeeds);
    }

    /** Small random histories, mostly not linearizable, against an exhaustive search with no memoisation. */
    @Test
    void agreesWithBruteForceOnTinyHistories() {
        Random random = new Random(42);
        int linearizable = 0;
        for (int round = 0; round < 20_000; round++) {
            List<Operation> ops = tinyRandomHistory(random);
            boolean expected = bruteForceLinearizable(ops);
            CheckResult result = checker.check(ops);
            assertEquals(expected ? Verdict.LINEARIZABLE : Verdict.NOT_LINEARIZABLE, result.verdict(),
                    () -> "history " + ops + "\n" + result);
            linearizable += expected ? 1 : 0;
        }
        assertTrue(linearizable > 2_000 && linearizable < 18_000, "unbalanced sample: " + linearizable);
    }

    /** Reads and CAS expectations use fewer values than writes, so some written values are never observed. */
    private static List<Operation> tinyRandomHistory(Random random) {
        String[] observable = {null, "x", "y"};
        String[] writable = {null, "x", "y", "z", "w"};
        Outcome[] outcomes = {Outcome.OK, Outcome.OK, Outcome.OK, Outcome.UNKNOWN, Outcome.UNKNOWN, Outcome.FAILED};
        int size = 1 + random.nextInt(8);
        List<Operation> ops = new ArrayList<>();
        for (int id = 0; id < size; id++) {
            long invoke = random.nextInt(20);
            long complete = invoke + random.nextInt(8);
            Kind kind = Kind.values()[random.nextInt(3)];
            String value = kind == Kind.READ ? null : writable[random.nextInt(writable.length)];
            String expected = kind == Kind.COMPARE_AND_SET ? observable[random.nextInt(observable.length)] : null;
            String observed = kind == Kind.READ ? observable[random.nextInt(observable.length)] : null;
            ops.add(new Operation(id, id, "k", kind, expected, value, observed, random.nextBoolean(), invoke, complete,
                    outcomes[random.nextInt(outcomes.length)]));
        }
        return ops;
    }

    /** Tries every order of every subset of operations that includes all OK ones. */
    private static boolean bruteForceLinearizable(List<Operation> ops) {
        List<Operation> relevant = ops.stream()
                .filter(op -> op.outcome() == Outcome.OK || (op.outcome() == Outcome.UNKNOWN && op.kind() != Kind.READ))
                .toList();
        return extend(relevant, new boolean[relevant.size()], null);
    }

    private static boolean extend(List<Operation> ops, boolean[] placed, String value) {
        boolean allOkPlaced = true;
        for (int i = 0; i < ops.size(); i++) {
            allOkPlaced &= placed[i] || ops.get(i).outcome() != Outcome.OK;
        }
        if (allOkPlaced) {
            return true;
        }
        for (int i = 0; i < ops.size(); i++) {
            if (placed[i] || !mayGoNext(ops, placed, i)) {
                continue;
            }
            Operation op = ops.get(i);
            boolean holdsExpected = Objects.equals(value, op.expected());
            boolean swaps = op.outcome() == Outcome.UNKNOWN || op.swapped();
            String after = switch (op.kind()) {
                case READ -> Objects.equals(value, op.observed()) ? value : "<invalid>";
                case WRITE -> op.value();
                case COMPARE_AND_SET -> swaps == holdsExpected ? (swaps ? op.value() : value) : "<invalid>";
            };
            if ("<invalid>".equals(after)) {
                continue;
            }
            placed[i] = true;
            boolean found = extend(ops, placed, after);
            placed[i] = false;
            if (found) {
                return true;
            }
        }
        return false;
    }

    /** No unplaced OK operation completed before {@code i} was invoked (equal times are concurrent). */
    private static boolean mayGoNext(List<Operation> ops, boolean[] placed, int i) {
        for (int j = 0; j < ops.size(); j++) {
            if (j != i && !placed[j] && ops.get(j).outcome() == Outcome.OK
                    && ops.get(j).completeNanos() < ops.get(i).invokeNanos()) {
                return false;
            }
        }
        return true;
    }
}
