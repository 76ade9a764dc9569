/**
 * Linearizability checking for the store's tests: record what concurrent clients did to a few keys (each an
 * independent register), then check that some sequential order of the operations explains every result.
 *
 * <pre>{@code
 * History history = new History();                      // shared by all client threads
 * History.Pending p = history.invokeCompareAndSet(client, "k", "old", "new");
 * try {
 *     p.ok(store.compareAndSet("k", "old", "new"));     // ok() / ok(value) / ok(swapped)
 * } catch (DefinitelyRefusedException e) {
 *     p.fail();                                         // known not to have taken effect
 * } catch (TimeoutException e) {
 *     p.unknown();                                      // may take effect later, or never
 * }
 * ...
 * CheckResult result = new LinearizabilityChecker().check(history);
 * assertEquals(CheckResult.Verdict.LINEARIZABLE, result.verdict(), result::toString);
 * }</pre>
 *
 * {@link io.skiff.store.linearizability.LinearizabilityChecker} splits the history by key and runs a memoised
 * Wing &amp; Gong search ({@link io.skiff.store.linearizability.KeySearch}) on each, within a time and memory
 * budget; a search that runs out says {@code UNKNOWN} rather than hanging.
 */
package io.skiff.store.linearizability;
