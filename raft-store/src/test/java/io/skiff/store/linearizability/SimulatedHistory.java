package io.skiff.store.linearizability;

import io.skiff.store.linearizability.Operation.Kind;
import io.skiff.store.linearizability.Operation.Outcome;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;

/**
 * Generates histories that are linearizable by construction: simulated clients share a real sequential register
 * per key, and each operation takes effect atomically at a tick strictly between its invocation and completion.
 * Each tick advances one random client by one stage (invoke, take effect, complete), giving random interleavings.
 * UNKNOWN operations take effect before their give-up, after it, or never.
 * Every written value is unique, which lets tests corrupt a history in ways that are provably not linearizable.
 */
final class SimulatedHistory {
    private final Random random;
    private final int clients;
    private final List<String> keys;
    private final double unknownRate;
    private final double failedRate;

    private final Map<String, String> register = new HashMap<>();
    private final Map<String, List<String>> recentValues = new HashMap<>();
    private final List<Operation> history = new ArrayList<>();
    private final List<InFlight> late = new ArrayList<>();
    private int nextId;
    private int nextValue;
    private long tick;

    SimulatedHistory(long seed, int clients, List<String> keys, double unknownRate, double failedRate) {
        this.random = new Random(seed);
        this.clients = clients;
        this.keys = keys;
        this.unknownRate = unknownRate;
        this.failedRate = failedRate;
    }

    /** Runs until {@code operations} operations were invoked and all of them completed. */
    List<Operation> run(int operations) {
        InFlight[] inFlight = new InFlight[clients];
        int invoked = 0;
        int busy = 0;
        while (invoked < operations || busy > 0) {
            tick++;
            if (!late.isEmpty() && random.nextInt(20) == 0) {
                apply(late.remove(random.nextInt(late.size())));
                continue;
            }
            int c = random.nextInt(clients);
            InFlight op = inFlight[c];
            if (op == null) {
                if (invoked < operations) {
                    inFlight[c] = invoke(c);
                    invoked++;
                    busy++;
                }
            } else if (!op.applied) {
                if (op.takesEffect && op.outcome == Outcome.UNKNOWN && random.nextBoolean()) {
                    late.add(op); // an unknown operation may also take effect after the client gave up
                } else if (op.takesEffect) {
                    apply(op);
                }
                op.applied = true;
            } else {
                history.add(new Operation(op.id, c, op.key, op.kind, op.expected, op.value, op.observed, op.swapped,
                        op.invokeTick, tick, op.outcome));
                inFlight[c] = null;
                busy--;
            }
        }
        return history;
    }

    private InFlight invoke(int client) {
        InFlight op = new InFlight();
        op.id = nextId++;
        op.key = keys.get(random.nextInt(keys.size()));
        op.invokeTick = tick;
        int dice = random.nextInt(100);
        if (dice < 40) {
            op.kind = Kind.READ;
        } else if (dice < 70) {
            op.kind = Kind.WRITE;
            op.value = "v" + nextValue++;
        } else if (dice < 75) {
            op.kind = Kind.WRITE; // delete
        } else {
            op.kind = Kind.COMPARE_AND_SET;
            List<String> recent = recentValues.computeIfAbsent(op.key, k -> new ArrayList<>(List.of("")));
            String guess = recent.get(random.nextInt(recent.size()));
            op.expected = guess.isEmpty() ? null : guess;
            op.value = "v" + nextValue++;
        }
        double fate = random.nextDouble();
        if (fate < unknownRate) {
            op.outcome = Outcome.UNKNOWN;
            op.takesEffect = random.nextBoolean();
        } else if (fate < unknownRate + failedRate && op.kind != Kind.READ) {
            op.outcome = Outcome.FAILED;
            op.takesEffect = false;
        } else {
            op.outcome = Outcome.OK;
            op.takesEffect = true;
        }
        return op;
    }

    private void apply(InFlight op) {
        String current = register.get(op.key);
        switch (op.kind) {
            case READ -> op.observed = current;
            case WRITE -> put(op.key, op.value);
            case COMPARE_AND_SET -> {
                op.swapped = Objects.equals(current, op.expected);
                if (op.swapped) {
                    put(op.key, op.value);
                }
            }
        }
    }

    private void put(String key, String value) {
        register.put(key, value);
        List<String> recent = recentValues.computeIfAbsent(key, k -> new ArrayList<>(List.of("")));
        recent.add(value == null ? "" : value);
        if (recent.size() > 3) {
            recent.remove(0);
        }
    }

    /** An operation a client has invoked and not yet completed. */
    private static final class InFlight {
        int id;
        String key;
        Kind kind;
        String expected;
        String value;
        String observed;
        boolean swapped;
        long invokeTick;
        Outcome outcome;
        boolean takesEffect;
        boolean applied;
    }
}
