package io.skiff.store.linearizability;

import io.skiff.store.linearizability.CheckResult.Verdict;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Sanity check that realistic single-key histories are decided within the default budget (the budget is the
 * time limit; a slow checker shows up as an UNKNOWN verdict, not as a flaky timing assertion).
 */
class CheckerPerformanceTest {
    private final LinearizabilityChecker checker = new LinearizabilityChecker();

    @Test
    void decidesTwoThousandOperationsOnOneKeyWithTenClients() {
        List<Operation> ops = new SimulatedHistory(7, 10, List.of("k"), 0.02, 0.02).run(2_000);

        CheckResult result = checker.check(ops);

        assertEquals(Verdict.LINEARIZABLE, result.verdict(), result::toString);
    }

    @Test
    void findsAStaleReadInTwoThousandOperationsOnOneKeyWithTenClients() {
        List<Operation> ops = new SimulatedHistory(8, 10, List.of("k"), 0.02, 0.02).run(2_000);
        List<Operation> corrupted = Corruptions.staleRead(ops, new Random(8)).orElseThrow();

        CheckResult result = checker.check(corrupted);

        assertEquals(Verdict.NOT_LINEARIZABLE, result.verdict(), result::toString);
    }

    @Test
    void decidesFiveThousandOperationsOnOneKeyWithTwentyClients() {
        List<Operation> ops = new SimulatedHistory(9, 20, List.of("k"), 0.01, 0.02).run(5_000);

        CheckResult result = checker.check(ops);

        assertEquals(Verdict.LINEARIZABLE, result.verdict(), result::toString);
    }
}
