package io.skiff.store.linearizability;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Memo of the search configurations already explored: (operations with a known completion linearized, model
 * state, UNKNOWN operations linearized). A configuration is skipped if one with the same known set and state but
 * a subset of its unknown operations was explored: linearizing an unknown operation only removes options, so
 * whatever the new configuration could still do, the explored one could too (and failed, or is an ancestor that
 * will try it).
 */
final class ExploredConfigurations {
    private final Map<Key, List<long[]>> unknownSetsByKey = new HashMap<>();
    private long size;

    /**
     * Records a configuration unless an explored one dominates it.
     *
     * @param known      bitset of the linearized operations with a known completion
     * @param knownHash  a hash of {@code known}
     * @param unknown    bitset of the linearized UNKNOWN operations
     * @return true if the configuration is new and must be explored
     */
    boolean add(long[] known, long knownHash, int state, long[] unknown) {
        List<long[]> explored =
                unknownSetsByKey.computeIfAbsent(Key.of(known, knownHash, state), k -> new ArrayList<>(1));
        for (long[] other : explored) {
            if (isSubset(other, unknown)) {
                return false;
            }
        }
        explored.removeIf(other -> isSubset(unknown, other)); // now dominated by the new one
        explored.add(unknown.clone());
        size++;
        return true;
    }

    /** Number of configurations recorded, including ones later found dominated. */
    long size() {
        return size;
    }

    private static boolean isSubset(long[] a, long[] b) {
        for (int i = 0; i < a.length; i++) {
            if ((a[i] & ~b[i]) != 0) {
                return false;
            }
        }
        return true;
    }

    /**
     * (known set, state). The bitset is stored trimmed of its leading all-ones and trailing all-zeros words, a
     * canonical form that stays short because the search keeps a mostly-full prefix and an empty suffix.
     */
    private static final class Key {
        private final long hash;
        private final int state;
        private final int firstWord;
        private final long[] words;

        private Key(long hash, int state, int firstWord, long[] words) {
            this.hash = hash;
            this.state = state;
            this.firstWord = firstWord;
            this.words = words;
        }

        static Key of(long[] bits, long hash, int state) {
            int first = 0;
            while (first < bits.length && bits[first] == -1L) {
                first++;
            }
            int end = bits.length;
            while (end > first && bits[end - 1] == 0L) {
                end--;
            }
            return new Key(hash, state, first, Arrays.copyOfRange(bits, first, end));
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && k.hash == hash && k.state == state && k.firstWord == firstWord
                    && Arrays.equals(k.words, words);
        }

        @Override
        public int hashCode() {
            return Long.hashCode(hash * 0x9E3779B97F4A7C15L + state);
        }
    }
}
