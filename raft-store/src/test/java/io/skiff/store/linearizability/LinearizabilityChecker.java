package io.skiff.store.linearizability;

import io.skiff.store.linearizability.Operation.Kind;
import io.skiff.store.linearizability.Operation.Outcome;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Checks that a history of register operations is linearizable.
 *
 * <p>Keys are independent registers, and linearizability is compositional (P-compositionality): the history is
 * linearizable iff each key's sub-history is, so each key is searched separately ({@link KeySearch}), which keeps
 * the exponential part of the search small. FAILED operations (they took no effect) and reads with an unknown
 * outcome (they returned nothing) are left out before searching.
 *
 * <p>The search has a budget: a wall-clock timeout for the whole check, and a limit on the configurations
 * memoised per key, which bounds memory (a few hundred bytes each). Running out gives an
 * {@link CheckResult.Verdict#UNKNOWN} verdict instead of hanging.
 */
public final class LinearizabilityChecker {
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);
    public static final long DEFAULT_MAX_CONFIGURATIONS_PER_KEY = 1_000_000;

    private final Duration timeout;
    private final long maxConfigurationsPerKey;

    /** A checker with the default budget: {@value #DEFAULT_MAX_CONFIGURATIONS_PER_KEY} configurations, 10 s. */
    public LinearizabilityChecker() {
        this(DEFAULT_TIMEOUT, DEFAULT_MAX_CONFIGURATIONS_PER_KEY);
    }

    public LinearizabilityChecker(Duration timeout, long maxConfigurationsPerKey) {
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        this.maxConfigurationsPerKey = maxConfigurationsPerKey;
    }

    public CheckResult check(History history) {
        return check(history.operations());
    }

    /**
     * Checks {@code operations}, in any order, all timed by one clock. Returns the first non-linearizable key
     * (in key order) if any, else UNKNOWN if some key's search ran out of budget, else LINEARIZABLE.
     */
    public CheckResult check(Collection<Operation> operations) {
        long deadline = System.nanoTime() + timeout.toNanos();
        long timeOrigin = operations.stream().mapToLong(Operation::invokeNanos).min().orElse(0);
        Map<String, List<Operation>> byKey = new TreeMap<>();
        for (Operation op : operations) {
            if (matters(op)) {
                byKey.computeIfAbsent(op.key(), k -> new ArrayList<>()).add(op);
            }
        }
        CheckResult firstUndecided = null;
        int checked = 0;
        for (Map.Entry<String, List<Operation>> entry : byKey.entrySet()) {
            List<Operation> ops = entry.getValue();
            CheckResult result = new KeySearch(entry.getKey(), ops, timeOrigin).run(maxConfigurationsPerKey, deadline);
            checked += ops.size();
            if (result.verdict() == CheckResult.Verdict.NOT_LINEARIZABLE) {
                return result;
            }
            if (result.verdict() == CheckResult.Verdict.UNKNOWN && firstUndecided == null) {
                firstUndecided = result;
            }
        }
        if (firstUndecided != null) {
            return firstUndecided;
        }
        return CheckResult.linearizable(checked + " operations on " + byKey.size() + " keys are linearizable");
    }

    private static boolean matters(Operation op) {
        return op.outcome() == Outcome.OK || (op.outcome() == Outcome.UNKNOWN && op.kind() != Kind.READ);
    }
}
