package io.skiff.cli.commands;

import com.google.protobuf.Message;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.skiff.cli.CliException;
import io.skiff.cli.Session;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Waits until deleted objects are gone, looking again with a growing pause
 * (0.1 s to 1 s): what `delete` and `drain` do after asking. A command's poll,
 * not a test's synchronisation.
 */
final class Waiter {
  private final Session session;
  private final Duration timeout;

  /** {@code timeout} zero: no limit. */
  Waiter(Session session, Duration timeout) {
    this.session = session;
    this.timeout = timeout;
  }

  void untilGone(List<Deleted> objects) throws InterruptedException {
    boolean limited = !timeout.isZero();
    long deadline = System.nanoTime() + timeout.toNanos();
    long pause = 100;
    List<Deleted> left = new ArrayList<>(objects);
    while (true) {
      left.removeIf(this::gone);
      if (left.isEmpty()) {
        return;
      }
      long remaining = deadline - System.nanoTime();
      if (limited && remaining <= 0) {
        throw new CliException("timed out after " + timeout.toSeconds() + "s waiting for " + left.size()
            + " object(s) to go: " + String.join(", ", left.stream()
                .map(d -> Resources.ref(d.type(), (d.namespace().isEmpty() ? "" : d.namespace() + "/") + d.name()))
                .toList()));
      }
      Thread.sleep(limited ? Math.max(1, Math.min(pause, remaining / 1_000_000)) : pause);
      pause = Math.min(1000, pause * 2);
    }
  }

  private boolean gone(Deleted d) {
    try {
      Message live = session.client(d.type()).get(d.namespace(), d.name());
      return !Resources.meta(live).getUid().equals(d.uid());
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() == Status.Code.NOT_FOUND) {
        return true;
      }
      throw e;
    }
  }
}
