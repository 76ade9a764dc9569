package io.skiff.store.linearizability;

import io.skiff.store.linearizability.Operation.Kind;
import io.skiff.store.linearizability.Operation.Outcome;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Random;

/**
 * Turns a history from {@link SimulatedHistory} (unique written values) into one that is provably not
 * linearizable by changing what one read returned.
 */
final class Corruptions {
    private Corruptions() {
    }

    /** A read that returns a value nobody wrote. */
    static Optional<List<Operation>> readOfNeverWrittenValue(List<Operation> ops, Random random) {
        List<Integer> reads = okReads(ops);
        if (reads.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(replace(ops, reads.get(random.nextInt(reads.size())), "never-written"));
    }

    /**
     * A read R that returns the value w of an OK write W although an OK write or swap W2 of another value was
     * invoked after W completed and completed before R was invoked. W precedes W2 precedes R in every
     * linearization and only W writes w, so R cannot see w. Picks the latest such W: as little stale as possible.
     */
    static Optional<List<Operation>> staleRead(List<Operation> ops, Random random) {
        List<Integer> reads = okReads(ops);
        Collections.shuffle(reads, random);
        for (int r : reads) {
            Operation read = ops.get(r);
            Operation best = null;
            for (Operation w2 : ops) {
                if (!w2.key().equals(read.key()) || !changesValue(w2) || w2.completeNanos() >= read.invokeNanos()) {
                    continue;
                }
                for (Operation w : ops) {
                    if (w.key().equals(read.key()) && w.kind() == Kind.WRITE && w.outcome() == Outcome.OK
                            && w.value() != null && w.completeNanos() < w2.invokeNanos()
                            && (best == null || w.completeNanos() > best.completeNanos())) {
                        best = w;
                    }
                }
            }
            if (best != null && !best.value().equals(read.observed())) {
                return Optional.of(replace(ops, r, best.value()));
            }
        }
        return Optional.empty();
    }

    private static boolean changesValue(Operation op) {
        return op.outcome() == Outcome.OK
                && (op.kind() == Kind.WRITE || (op.kind() == Kind.COMPARE_AND_SET && op.swapped()));
    }

    private static List<Integer> okReads(List<Operation> ops) {
        List<Integer> reads = new ArrayList<>();
        for (int i = 0; i < ops.size(); i++) {
            if (ops.get(i).kind() == Kind.READ && ops.get(i).outcome() == Outcome.OK) {
                reads.add(i);
            }
        }
        return reads;
    }

    private static List<Operation> replace(List<Operation> ops, int index, String observed) {
        List<Operation> copy = new ArrayList<>(ops);
        copy.set(index, ops.get(index).withObserved(observed));
        return copy;
    }
}
