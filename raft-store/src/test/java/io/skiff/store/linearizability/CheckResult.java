package io.skiff.store.linearizability;

/**
 * Verdict of a linearizability check.
 *
 * @param verdict     the verdict
 * @param key         the key the verdict is about: the first non-linearizable key, or the first key whose search ran
 *                    out of budget; {@code null} when linearizable
 * @param explanation human-readable detail, meant for a test failure message
 */
public record CheckResult(Verdict verdict, String key, String explanation) {

    public enum Verdict {
        LINEARIZABLE,
        NOT_LINEARIZABLE,
        /** The search ran out of its time or step budget: nothing is known. */
        UNKNOWN
    }

    public boolean isLinearizable() {
        return verdict == Verdict.LINEARIZABLE;
    }

    static CheckResult linearizable(String summary) {
        return new CheckResult(Verdict.LINEARIZABLE, null, summary);
    }

    static CheckResult notLinearizable(String key, String explanation) {
        return new CheckResult(Verdict.NOT_LINEARIZABLE, key, explanation);
    }

    static CheckResult unknown(String key, String explanation) {
        return new CheckResult(Verdict.UNKNOWN, key, explanation);
    }

    @Override
    public String toString() {
        return verdict + (key == null ? "" : " (key " + key + ")") + ": " + explanation;
    }
}
