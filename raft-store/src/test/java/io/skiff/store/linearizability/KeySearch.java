package io.skiff.store.linearizability;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

/**
 * Wing &amp; Gong linearizability search over the operations of one key, with Lowe's memoisation of
 * (set of linearized operations, model state) as in porcupine, plus a few sound reductions.
 *
 * <p>The history is a doubly-linked list of call and return events in time order. The search repeatedly takes
 * a call event from the front part of the list (before the first return) whose operation can take effect in the
 * current state, linearizes it (removing both of its events from the list) and starts over; meeting a return
 * event means that operation had to be linearized already, so the last choice is undone. Configurations already
 * explored, or dominated by explored ones ({@link ExploredConfigurations}), are skipped. The history is
 * linearizable once every operation with a known completion is linearized.
 *
 * <p>Reductions, each keeping some successful linearization whenever one exists:
 * <ul>
 *   <li>A pending read or not-swapped CAS consistent with the current state is taken at once, with no
 *       alternatives: it does not change the state, so any successful continuation can be reordered to start
 *       with it.</li>
 *   <li>An UNKNOWN operation (return event at +infinity: it never forces a backtrack, so it may be left out) is
 *       only linearized together with a following operation that needs it, i.e. one rejected in the state before
 *       it. Otherwise it can be moved later or dropped. Without this, every unknown write would double the
 *       configurations of a failing search for as long as it stays pending.</li>
 *   <li>Of interchangeable UNKNOWN operations ({@link RegisterModel#interchangeClass}) only the earliest-invoked
 *       one not yet linearized is tried: one that stays pending to the end can stand in for any later one.</li>
 * </ul>
 * Scans are cheap; configurations cost memory, so the budget counts those (and wall-clock time).
 */
final class KeySearch {
    private static final int CLOCK_CHECK_MASK = (1 << 12) - 1;

    private final String key;
    /** Operations by bit index: those with a known completion first, so memoised bitsets stay short. */
    private final List<Operation> ops;
    private final RegisterModel model;
    private final List<Event> events;
    private final Event head = new Event(-1, true);
    /** Returned by {@link #backtrack()} when no choice is left: the history is not linearizable. */
    private static final Event NO_CHOICE_LEFT = new Event(-1, false);
    private final long[] zobrist;
    private final long timeOrigin;

    private final int knownCount; // operations [0, knownCount) have a known completion, the others are UNKNOWN

    // Search state: the linearized operations so far, as bitsets and a stack, and the model state after them.
    private final long[] knownLinearized;
    private final long[] unknownLinearized;
    private long knownHash; // Zobrist hash of `knownLinearized`
    private final ExploredConfigurations explored = new ExploredConfigurations();
    private final Event[] stackEvent;
    private final int[] stackState; // state before the frame's operation
    private final Frame[] stackFrame;
    private int depth;
    private int state;
    private int remaining; // operations with a known completion not yet linearized
    private int[] longest = new int[0];
    private final int[][] interchangeable; // members of each RegisterModel.interchangeClass, in invocation order
    private final int[] interchangeableUsed; // per class: its first members are linearized, the others are not

    /** How an operation on the stack was linearized, which says how to backtrack over it. */
    private enum Frame {
        /** One of several alternatives: on backtrack, try the next one. */
        CHOICE,
        /** Taken without alternatives: on backtrack, the configuration before it fails too. */
        FORCED,
        /** An UNKNOWN operation waiting for an operation that needs it; it is not a configuration of its own. */
        AWAITING_DEPENDENT
    }

    KeySearch(String key, List<Operation> operations, long timeOrigin) {
        this.key = key;
        this.timeOrigin = timeOrigin;
        List<Operation> sorted = new ArrayList<>(operations);
        sorted.sort(Comparator.comparing((Operation op) -> !op.hasKnownCompletion())
                .thenComparingLong(Operation::invokeNanos));
        this.ops = List.copyOf(sorted);
        this.model = new RegisterModel(ops);
        this.knownCount = (int) ops.stream().filter(Operation::hasKnownCompletion).count();
        this.events = sortedEvents();
        Event prev = head;
        for (Event e : events) {
            prev.next = e;
            e.prev = prev;
            prev = e;
        }
        SplittableRandom random = new SplittableRandom(0x5eed);
        this.zobrist = random.longs(ops.size()).toArray();
        this.knownLinearized = new long[(knownCount + 63) >>> 6];
        this.unknownLinearized = new long[(ops.size() - knownCount + 63) >>> 6];
        this.stackEvent = new Event[ops.size()];
        this.stackState = new int[ops.size()];
        this.stackFrame = new Frame[ops.size()];
        this.state = model.initialState();
        this.remaining = knownCount;
        int classes = 1 + IntStream.range(0, ops.size()).map(model::interchangeClass).max().orElse(-1);
        this.interchangeable = new int[classes][];
        for (int c = 0; c < classes; c++) {
            int cls = c;
            interchangeable[c] = IntStream.range(0, ops.size())
                    .filter(op -> model.interchangeClass(op) == cls)
                    .toArray();
        }
        this.interchangeableUsed = new int[classes];
    }

    private List<Event> sortedEvents() {
        List<Event> list = new ArrayList<>(2 * ops.size());
        for (int i = 0; i < ops.size(); i++) {
            Event call = new Event(i, true);
            Event ret = new Event(i, false);
            call.match = ret;
            list.add(call);
            list.add(ret);
        }
        // Equal times count as concurrent (calls first): never report a violation the clock cannot prove.
        list.sort(Comparator.comparingLong(this::time)
                .thenComparing(e -> !e.call)
                .thenComparingInt(e -> e.op));
        return list;
    }

    private long time(Event e) {
        Operation op = ops.get(e.op);
        if (e.call) {
            return op.invokeNanos();
        }
        return op.hasKnownCompletion() ? op.completeNanos() : Long.MAX_VALUE;
    }

    /** Runs the search (once per instance) until decided, out of configurations, or past the deadline. */
    CheckResult run(long maxConfigurations, long deadlineNanos) {
        long startNanos = System.nanoTime();
        long steps = 0;
        // The cursor: `event == null` at a new configuration. A configuration's alternatives are scanned in list
        // order, first the known operations, then (second pass) the UNKNOWN ones, each followed by a scan for an
        // operation that needs it (while it sits on the stack as AWAITING_DEPENDENT).
        Event event = null;
        boolean unknownPass = false;
        while (remaining > 0) {
            steps++;
            if (explored.size() > maxConfigurations
                    || ((steps & CLOCK_CHECK_MASK) == 0 && System.nanoTime() - deadlineNanos > 0)) {
                return CheckResult.unknown(key, String.format(
                        "key %s: search budget exhausted after %d ms and %d configurations (%d steps); %d operations,"
                                + " longest linearizable prefix found %d", key,
                        (System.nanoTime() - startNanos) / 1_000_000, explored.size(), steps, ops.size(),
                        longest.length));
            }
            boolean awaiting = depth > 0 && stackFrame[depth - 1] == Frame.AWAITING_DEPENDENT;
            if (event == NO_CHOICE_LEFT) {
                return CheckResult.notLinearizable(key, explain());
            } else if (event == null) {
                unknownPass = false;
                Event pure = applicablePureOperation();
                if (pure == null) {
                    event = head.next;
                } else if (!tryCommit(pure, Frame.FORCED)) {
                    event = backtrack(); // this configuration fails as surely as the one `pure` leads to
                }
            } else if (!event.call) {
                // `event` returned unlinearized: nothing more to try in this scan.
                if (awaiting) {
                    event = pop().next;
                    unknownPass = true;
                } else if (!unknownPass) {
                    event = head.next;
                    unknownPass = true;
                } else {
                    event = backtrack();
                    unknownPass = false;
                }
            } else if (awaiting) {
                boolean needsPending = model.step(stackState[depth - 1], event.op) == RegisterModel.REJECTED;
                event = needsPending && tryCommit(event, Frame.CHOICE) ? null : event.next;
            } else if (isKnown(event.op) == unknownPass || isRedundant(event.op)) {
                event = event.next; // not in this pass, or same as another choice
            } else if (!unknownPass) {
                event = tryCommit(event, Frame.CHOICE) ? null : event.next;
            } else if (model.step(state, event.op) != RegisterModel.REJECTED) {
                push(event, Frame.AWAITING_DEPENDENT);
                event = head.next;
            } else {
                event = event.next;
            }
        }
        return CheckResult.linearizable("key " + key + ": " + ops.size() + " operations");
    }

    private boolean isKnown(int op) {
        return op < knownCount;
    }

    /** True if {@code op} is interchangeable with an earlier-invoked one not yet linearized. */
    private boolean isRedundant(int op) {
        int cls = model.interchangeClass(op);
        return cls >= 0 && op != interchangeable[cls][interchangeableUsed[cls]];
    }

    /** A pending read or not-swapped CAS that could go next and is consistent with the current state. */
    private Event applicablePureOperation() {
        for (Event e = head.next; e != null && e.call; e = e.next) {
            if (model.isPure(e.op) && model.step(state, e.op) == state) {
                return e;
            }
        }
        return null;
    }

    /** Linearizes {@code event} next if the model allows it and leads to a configuration not yet explored. */
    private boolean tryCommit(Event event, Frame frame) {
        if (model.step(state, event.op) == RegisterModel.REJECTED) {
            return false;
        }
        push(event, frame);
        if (!explored.add(knownLinearized, knownHash, state, unknownLinearized)) {
            pop();
            return false;
        }
        if (depth > longest.length) {
            longest = opsOf(stackEvent, depth);
        }
        return true;
    }

    private void push(Event event, Frame frame) {
        stackEvent[depth] = event;
        stackState[depth] = state;
        stackFrame[depth] = frame;
        depth++;
        state = model.step(state, event.op);
        toggle(event.op);
        event.lift();
    }

    /** Undoes the last linearized operation and returns its call event. */
    private Event pop() {
        depth--;
        Event undone = stackEvent[depth];
        state = stackState[depth];
        toggle(undone.op);
        undone.unlift();
        return undone;
    }

    private void toggle(int op) {
        if (isKnown(op)) {
            knownLinearized[op >>> 6] ^= 1L << op;
            knownHash ^= zobrist[op];
            remaining += (knownLinearized[op >>> 6] & (1L << op)) != 0 ? -1 : 1;
        } else {
            int bit = op - knownCount;
            unknownLinearized[bit >>> 6] ^= 1L << bit;
            int cls = model.interchangeClass(op);
            if (cls >= 0) {
                interchangeableUsed[cls] += (unknownLinearized[bit >>> 6] & (1L << bit)) != 0 ? 1 : -1;
            }
        }
    }

    /**
     * Undoes linearized operations up to and including the last choice, and returns the event after it, where
     * the search goes on, or {@link #NO_CHOICE_LEFT}. Never undoes an operation awaiting its dependent: forced
     * operations and return events are only met at configurations, and those lie above choices.
     */
    private Event backtrack() {
        while (depth > 0) {
            Frame frame = stackFrame[depth - 1];
            Event undone = pop();
            if (frame == Frame.CHOICE) {
                return undone.next;
            }
        }
        return NO_CHOICE_LEFT;
    }

    private static int[] opsOf(Event[] stack, int depth) {
        int[] result = new int[depth];
        for (int i = 0; i < depth; i++) {
            result[i] = stack[i].op;
        }
        return result;
    }

    /**
     * Describes the deepest point the search reached: the tail of the longest linearizable prefix and the
     * operations that were pending there, none of which could go next.
     */
    private String explain() {
        final int shownPrefix = 8;
        final int shownPending = 20;
        StringBuilder sb = new StringBuilder();
        sb.append("key ").append(key).append(": not linearizable (").append(ops.size()).append(" operations).\n");
        sb.append("Longest linearizable prefix: ").append(longest.length).append(" operations");
        int from = Math.max(0, longest.length - shownPrefix);
        sb.append(from > 0 ? "; its last " + shownPrefix : "").append(", each with the value after it:\n");
        int after = model.initialState();
        String value = null; // the actual value: the model merges values nobody observes
        boolean[] placed = new boolean[ops.size()];
        for (int i = 0; i < longest.length; i++) {
            int next = model.step(after, longest[i]);
            Operation op = ops.get(longest[i]);
            if (op.kind() != Operation.Kind.READ && !model.isPure(longest[i])) {
                value = op.value(); // a write, or a CAS that swapped
            }
            after = next;
            placed[longest[i]] = true;
            if (i >= from) {
                sb.append("  ").append(op.describe(timeOrigin)).append("  => ").append(Operation.show(value))
                        .append('\n');
            }
        }
        if (longest.length == 0) {
            sb.append("  (none; the register starts absent)\n");
        }
        sb.append("None of the pending operations can go next:\n");
        int listed = 0;
        for (Event e : events) {
            if (placed[e.op]) {
                continue;
            }
            if (!e.call) {
                sb.append("and #").append(ops.get(e.op).id()).append(" had to take effect before it completed.");
                break;
            }
            if (++listed <= shownPending) {
                String why = model.whyRejected(after, value, e.op);
                sb.append("  ").append(ops.get(e.op).describe(timeOrigin)).append("  -- ")
                        .append(why != null ? why : "fits, but no linearization of the rest follows").append('\n');
            } else if (listed == shownPending + 1) {
                sb.append("  ...\n");
            }
        }
        return sb.toString();
    }

    /** A call or return event in the linked list of the remaining history. */
    private static final class Event {
        final int op;
        final boolean call;
        Event match;
        Event prev;
        Event next;

        Event(int op, boolean call) {
            this.op = op;
            this.call = call;
        }

        /** Removes this call event and its return event from the list. */
        void lift() {
            unlink(this);
            unlink(match);
        }

        /** Undoes {@link #lift()}; only valid in LIFO order, which the search's stack guarantees. */
        void unlift() {
            relink(match);
            relink(this);
        }

        private static void unlink(Event e) {
            e.prev.next = e.next;
            if (e.next != null) {
                e.next.prev = e.prev;
            }
        }

        private static void relink(Event e) {
            e.prev.next = e;
            if (e.next != null) {
                e.next.prev = e;
            }
        }
    }
}
