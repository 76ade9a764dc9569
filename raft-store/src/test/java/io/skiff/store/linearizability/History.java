package io.skiff.store.linearizability;

import io.skiff.store.linearizability.Operation.Kind;
import io.skiff.store.linearizability.Operation.Outcome;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

/**
 * Thread-safe recorder of client operations, shared by all client threads of a test.
 *
 * <p>Call {@code invoke...} right before sending the request and complete the returned {@link Pending} right
 * after the answer (or the give-up): {@link Pending#ok}, {@link Pending#fail} (definitely not applied) or
 * {@link Pending#unknown} (timeout, lost connection). Operations never completed, e.g. because their client thread
 * died, are reported as {@code UNKNOWN} by {@link #operations()}.
 */
public final class History {
    private final LongSupplier clock;
    private final AtomicInteger nextId = new AtomicInteger();
    private final Map<Integer, Operation> completed = new ConcurrentHashMap<>();
    private final Map<Integer, Pending> open = new ConcurrentHashMap<>();

    /** A history timed by {@link System#nanoTime()}. */
    public History() {
        this(System::nanoTime);
    }

    /** A history timed by {@code clock}, which must be monotonic and shared by all clients. */
    public History(LongSupplier clock) {
        this.clock = clock;
    }

    public Pending invokeRead(int clientId, String key) {
        return invoke(clientId, key, Kind.READ, null, null);
    }

    /** Writes {@code value}; {@code null} deletes the key. */
    public Pending invokeWrite(int clientId, String key, String value) {
        return invoke(clientId, key, Kind.WRITE, null, value);
    }

    public Pending invokeDelete(int clientId, String key) {
        return invoke(clientId, key, Kind.WRITE, null, null);
    }

    /** Sets {@code newValue} if the key holds {@code expected} ({@code null} = the key is absent). */
    public Pending invokeCompareAndSet(int clientId, String key, String expected, String newValue) {
        return invoke(clientId, key, Kind.COMPARE_AND_SET, expected, newValue);
    }

    private Pending invoke(int clientId, String key, Kind kind, String expected, String value) {
        Pending pending = new Pending(nextId.getAndIncrement(), clientId, key, kind, expected, value,
                clock.getAsLong());
        open.put(pending.id, pending);
        return pending;
    }

    /**
     * A snapshot of all operations in invocation order; still-open ones are included as {@code UNKNOWN}.
     * Safe to call while clients are running, though usually called after they stopped.
     */
    public List<Operation> operations() {
        // Open ops first: an op completing meanwhile then shows up in the `completed` copy taken after.
        List<Pending> stillOpen = new ArrayList<>(open.values());
        Map<Integer, Operation> done = new HashMap<>(completed);
        List<Operation> all = new ArrayList<>(done.values());
        long now = clock.getAsLong();
        for (Pending p : stillOpen) {
            if (!done.containsKey(p.id)) {
                all.add(p.toOperation(null, false, Math.max(now, p.invokeNanos), Outcome.UNKNOWN));
            }
        }
        all.sort(Comparator.comparingLong(Operation::invokeNanos).thenComparingInt(Operation::id));
        return all;
    }

    /** Handle of one invoked operation; complete it exactly once. */
    public final class Pending {
        private final int id;
        private final int clientId;
        private final String key;
        private final Kind kind;
        private final String expected;
        private final String value;
        private final long invokeNanos;

        private Pending(int id, int clientId, String key, Kind kind, String expected, String value, long invokeNanos) {
            this.id = id;
            this.clientId = clientId;
            this.key = key;
            this.kind = kind;
            this.expected = expected;
            this.value = value;
            this.invokeNanos = invokeNanos;
        }

        /** A write or delete was acknowledged. */
        public void ok() {
            requireKind(Kind.WRITE);
            complete(null, false, Outcome.OK);
        }

        /** A read returned {@code observed} ({@code null} = key absent). */
        public void ok(String observed) {
            requireKind(Kind.READ);
            complete(observed, false, Outcome.OK);
        }

        /** A compare-and-set answered whether it swapped. */
        public void ok(boolean swapped) {
            requireKind(Kind.COMPARE_AND_SET);
            complete(null, swapped, Outcome.OK);
        }

        /** The operation definitely did not take effect. */
        public void fail() {
            complete(null, false, Outcome.FAILED);
        }

        /** The outcome is unknown: it may take effect later, or never. */
        public void unknown() {
            complete(null, false, Outcome.UNKNOWN);
        }

        private void requireKind(Kind required) {
            if (kind != required) {
                throw new IllegalArgumentException("operation #" + id + " is a " + kind + ", not a " + required);
            }
        }

        private void complete(String observed, boolean swapped, Outcome outcome) {
            long now = clock.getAsLong();
            // Publish to `completed` before removing from `open` so a concurrent snapshot never loses the op.
            if (completed.putIfAbsent(id, toOperation(observed, swapped, now, outcome)) != null) {
                throw new IllegalStateException("operation #" + id + " completed twice");
            }
            open.remove(id);
        }

        private Operation toOperation(String observed, boolean swapped, long completeNanos, Outcome outcome) {
            return new Operation(id, clientId, key, kind, expected, value, observed, swapped,
                    invokeNanos, completeNanos, outcome);
        }
    }
}
