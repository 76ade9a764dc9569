package io.skiff.store.linearizability;

import java.util.Objects;

/**
 * One completed (or abandoned) client operation on one key of the store, treated as a register.
 *
 * <p>Values are strings; {@code null} means "key absent". Which fields matter depends on {@link #kind}:
 * <ul>
 *   <li>{@code READ}: {@link #observed} is the value read (only meaningful when {@code OK});</li>
 *   <li>{@code WRITE}: {@link #value} is the value written ({@code null} = delete);</li>
 *   <li>{@code COMPARE_AND_SET}: set {@link #value} if the key holds {@link #expected} ({@code null} = absent);
 *       {@link #swapped} says whether it did (only meaningful when {@code OK}).</li>
 * </ul>
 * Times are {@link System#nanoTime()} readings (or any monotonic clock shared by all clients): {@code invokeNanos}
 * taken before the request is sent, {@code completeNanos} after the response (or the give-up) is seen.
 * For {@code UNKNOWN} outcomes the completion time is recorded but ignored: the operation may take effect at any
 * point after its invocation, or never.
 */
public record Operation(
        int id,
        int clientId,
        String key,
        Kind kind,
        String expected,
        String value,
        String observed,
        boolean swapped,
        long invokeNanos,
        long completeNanos,
        Outcome outcome) {

    public enum Kind { READ, WRITE, COMPARE_AND_SET }

    public enum Outcome {
        /** The client saw the result: the operation took effect exactly once between invocation and completion. */
        OK,
        /** Known not to have taken effect (e.g. definitely refused by the server); the checker ignores it. */
        FAILED,
        /** Timed out or connection lost: it may take effect at any time after invocation, or never. */
        UNKNOWN
    }

    public Operation {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(outcome, "outcome");
        if (completeNanos < invokeNanos) {
            throw new IllegalArgumentException("completion before invocation: " + invokeNanos + " > " + completeNanos);
        }
    }

    public static Operation read(int id, int clientId, String key, String observed, long invoke, long complete) {
        return new Operation(id, clientId, key, Kind.READ, null, null, observed, false, invoke, complete, Outcome.OK);
    }

    public static Operation write(int id, int clientId, String key, String value, long invoke, long complete) {
        return new Operation(id, clientId, key, Kind.WRITE, null, value, null, false, invoke, complete, Outcome.OK);
    }

    public static Operation delete(int id, int clientId, String key, long invoke, long complete) {
        return write(id, clientId, key, null, invoke, complete);
    }

    public static Operation compareAndSet(int id, int clientId, String key, String expected, String newValue,
                                          boolean swapped, long invoke, long complete) {
        return new Operation(id, clientId, key, Kind.COMPARE_AND_SET, expected, newValue, null, swapped,
                invoke, complete, Outcome.OK);
    }

    /** The same operation with another outcome, e.g. {@code write(...).withOutcome(UNKNOWN)}. */
    public Operation withOutcome(Outcome newOutcome) {
        return new Operation(id, clientId, key, kind, expected, value, observed, swapped,
                invokeNanos, completeNanos, newOutcome);
    }

    /** The same read with another observed value (used to corrupt histories in tests). */
    public Operation withObserved(String newObserved) {
        return new Operation(id, clientId, key, kind, expected, value, newObserved, swapped,
                invokeNanos, completeNanos, outcome);
    }

    /** True if the checker must place this operation before its completion time (the others may float). */
    public boolean hasKnownCompletion() {
        return outcome == Outcome.OK;
    }

    /** Renders the operation with times relative to {@code timeOrigin}, e.g. {@code #7 c2 read(k) -> "a" [10..25]}. */
    public String describe(long timeOrigin) {
        StringBuilder sb = new StringBuilder().append('#').append(id).append(" c").append(clientId).append(' ');
        switch (kind) {
            case READ -> sb.append("read(").append(key).append(')');
            case WRITE -> sb.append(value == null ? "delete(" + key + ")" : "write(" + key + ", " + show(value) + ")");
            case COMPARE_AND_SET -> sb.append("cas(").append(key).append(", ").append(show(expected))
                    .append(" -> ").append(show(value)).append(')');
        }
        if (outcome == Outcome.OK && kind == Kind.READ) {
            sb.append(" -> ").append(show(observed));
        } else if (outcome == Outcome.OK && kind == Kind.COMPARE_AND_SET) {
            sb.append(" -> ").append(swapped);
        } else if (outcome != Outcome.OK) {
            sb.append(' ').append(outcome);
        }
        sb.append(" [").append(invokeNanos - timeOrigin).append("..");
        sb.append(outcome == Outcome.UNKNOWN ? "inf" : String.valueOf(completeNanos - timeOrigin)).append(']');
        return sb.toString();
    }

    @Override
    public String toString() {
        return describe(0);
    }

    /** Quotes a value, or prints {@code absent} for {@code null}. */
    static String show(String value) {
        return value == null ? "absent" : '"' + value + '"';
    }
}
