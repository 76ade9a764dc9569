package io.skiff.store.linearizability;

import io.skiff.store.linearizability.Operation.Kind;
import io.skiff.store.linearizability.Operation.Outcome;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Sequential specification of one register (one key), specialised to a fixed list of operations.
 *
 * <p>Values are interned to ints, so a model state is a single int: cheap to hash, compare and memoise. All
 * values that no read returns and no CAS expects share one state, {@link #UNOBSERVED}: no operation can tell them
 * apart, and merging them lets the search's memo recognise more configurations as equal. Operations are referred
 * to by their index in the list given to the constructor.
 */
final class RegisterModel {
    static final int ABSENT = 0;
    static final int UNOBSERVED = 1;
    /** Returned by {@link #step} when the operation cannot take effect in that state with its recorded result. */
    static final int REJECTED = -1;

    private final List<Operation> ops;
    private final Set<String> observable = new HashSet<>();
    private final Map<String, Integer> ids = new HashMap<>();
    private final int[] expected;
    private final int[] written;
    private final int[] observed;

    RegisterModel(List<Operation> ops) {
        this.ops = ops;
        for (Operation op : ops) {
            if (op.kind() == Kind.READ) {
                observable.add(op.observed());
            } else if (op.kind() == Kind.COMPARE_AND_SET) {
                observable.add(op.expected());
            }
        }
        expected = new int[ops.size()];
        written = new int[ops.size()];
        observed = new int[ops.size()];
        for (int i = 0; i < ops.size(); i++) {
            Operation op = ops.get(i);
            expected[i] = intern(op.expected());
            written[i] = intern(op.value());
            observed[i] = intern(op.observed());
        }
    }

    private int intern(String value) {
        if (value == null) {
            return ABSENT;
        }
        if (!observable.contains(value)) {
            return UNOBSERVED;
        }
        return ids.computeIfAbsent(value, v -> ids.size() + 2);
    }

    int initialState() {
        return ABSENT;
    }

    /** The state after operation {@code op} takes effect in {@code state}, or {@link #REJECTED}. */
    int step(int state, int op) {
        Operation o = ops.get(op);
        switch (o.kind()) {
            case READ:
                return observed[op] == state ? state : REJECTED;
            case WRITE:
                return written[op];
            case COMPARE_AND_SET:
                // An UNKNOWN CAS that took effect must have swapped; one that did not swap is the same as left out.
                boolean swapped = o.outcome() == Outcome.UNKNOWN || o.swapped();
                if (swapped) {
                    return expected[op] == state ? written[op] : REJECTED;
                }
                return expected[op] != state ? state : REJECTED;
            default:
                throw new IllegalStateException(o.kind().name());
        }
    }

    /** True if {@code op} never changes the state: a read, or a CAS that reported it did not swap. */
    boolean isPure(int op) {
        Operation o = ops.get(op);
        return o.kind() == Kind.READ || (o.kind() == Kind.COMPARE_AND_SET && o.outcome() == Outcome.OK && !o.swapped());
    }

    /**
     * Operations of one class can stand in for one another: UNKNOWN writes of unobserved values (class 0), and
     * UNKNOWN CASes to unobserved values expecting the same value (one class per expected value). Within a class
     * all have the same precondition and move the register to {@link #UNOBSERVED}. Returns -1 for the others.
     */
    int interchangeClass(int op) {
        Operation o = ops.get(op);
        if (o.outcome() != Outcome.UNKNOWN || o.kind() == Kind.READ || written[op] != UNOBSERVED) {
            return -1;
        }
        return o.kind() == Kind.WRITE ? 0 : 1 + expected[op];
    }

    /**
     * Why {@code op} cannot take effect when the register holds {@code value} (whose state is {@code state}), or
     * {@code null} if it can.
     */
    String whyRejected(int state, String value, int op) {
        if (step(state, op) != REJECTED) {
            return null;
        }
        Operation o = ops.get(op);
        String holds = "the register holds " + Operation.show(value);
        return switch (o.kind()) {
            case READ -> "read " + Operation.show(o.observed()) + " but " + holds;
            case COMPARE_AND_SET -> o.outcome() == Outcome.OK && !o.swapped()
                    ? "did not swap, yet " + holds + " (its expected value)"
                    : "swapping needs " + Operation.show(o.expected()) + " but " + holds;
            case WRITE -> throw new IllegalStateException("a write is never rejected");
        };
    }
}
