package io.skiff.store.linearizability;

import io.skiff.store.linearizability.CheckResult.Verdict;
import io.skiff.store.linearizability.Operation.Kind;
import io.skiff.store.linearizability.Operation.Outcome;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HistoryTest {

    @Test
    void recordsInputsOutputsAndOutcomes() {
        AtomicLong clock = new AtomicLong();
        History history = new History(() -> clock.addAndGet(10));

        history.invokeWrite(1, "k", "a").ok();
        history.invokeRead(2, "k").ok("a");
        history.invokeCompareAndSet(3, "k", "a", "b").ok(true);
        history.invokeDelete(1, "k").fail();
        history.invokeWrite(2, "k", "c").unknown();
        history.invokeRead(3, "k"); // never completed

        List<Operation> ops = history.operations();

        assertEquals(6, ops.size());
        assertEquals(Operation.write(0, 1, "k", "a", 10, 20), ops.get(0));
        assertEquals(Operation.read(1, 2, "k", "a", 30, 40), ops.get(1));
        assertEquals(Operation.compareAndSet(2, 3, "k", "a", "b", true, 50, 60), ops.get(2));
        assertEquals(Outcome.FAILED, ops.get(3).outcome());
        assertEquals(Outcome.UNKNOWN, ops.get(4).outcome());
        assertEquals(Kind.READ, ops.get(5).kind());
        assertEquals(Outcome.UNKNOWN, ops.get(5).outcome());
    }

    @Test
    void rejectsDoubleCompletionAndResultsOfTheWrongKind() {
        History history = new History();
        History.Pending write = history.invokeWrite(1, "k", "a");
        write.ok();
        assertThrows(IllegalStateException.class, write::unknown);
        assertThrows(IllegalArgumentException.class, () -> history.invokeRead(1, "k").ok(true));
        assertThrows(IllegalArgumentException.class, () -> history.invokeCompareAndSet(1, "k", null, "a").ok());
    }

    /** Real threads against a real linearizable register (a synchronized map). */
    @Test
    void concurrentClientsOfALinearizableRegisterProduceALinearizableHistory() throws InterruptedException {
        History history = new History();
        Map<String, String> store = new HashMap<>();
        List<Thread> clients = new ArrayList<>();
        for (int c = 0; c < 8; c++) {
            int client = c;
            clients.add(new Thread(() -> runClient(client, history, store)));
        }
        clients.forEach(Thread::start);
        for (Thread t : clients) {
            t.join();
        }

        List<Operation> ops = history.operations();
        assertEquals(8 * 300, ops.size());
        assertEquals(ops.size(), ops.stream().mapToInt(Operation::id).distinct().count());
        CheckResult result = new LinearizabilityChecker().check(history);
        assertEquals(Verdict.LINEARIZABLE, result.verdict(), result::toString);
    }

    private static void runClient(int client, History history, Map<String, String> store) {
        Random random = new Random(client);
        for (int i = 0; i < 300; i++) {
            String key = "k" + random.nextInt(2);
            String value = client + "-" + i;
            switch (random.nextInt(3)) {
                case 0 -> {
                    History.Pending read = history.invokeRead(client, key);
                    String seen;
                    synchronized (store) {
                        seen = store.get(key);
                    }
                    read.ok(seen);
                }
                case 1 -> {
                    History.Pending write = history.invokeWrite(client, key, value);
                    synchronized (store) {
                        store.put(key, value);
                    }
                    write.ok();
                }
                default -> {
                    String expected = random.nextBoolean() ? null : client + "-" + (i - 1);
                    History.Pending cas = history.invokeCompareAndSet(client, key, expected, value);
                    boolean swapped;
                    synchronized (store) {
                        swapped = Objects.equals(store.get(key), expected);
                        if (swapped) {
                            store.put(key, value);
                        }
                    }
                    cas.ok(swapped);
                }
            }
        }
    }

    /** A register whose reads are served from a cache that misses the latest write. */
    @Test
    void aStaleCacheIsCaughtEvenWithOneClient() {
        History history = new History();
        String[] cache = {null};
        String[] store = {null};
        for (int i = 0; i < 3; i++) {
            History.Pending write = history.invokeWrite(1, "k", "v" + i);
            cache[0] = store[0];
            store[0] = "v" + i;
            write.ok();
        }
        history.invokeRead(1, "k").ok(cache[0]);

        CheckResult result = new LinearizabilityChecker().check(history);

        assertFalse(result.isLinearizable());
        assertTrue(result.explanation().contains("read \"v1\" but the register holds \"v2\""), result::toString);
    }
}
