package io.skiff.agent.runtime;

import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledFuture;

/** One container of the {@link InMemoryRuntime}; guarded by the runtime's lock, except its log. */
final class MemoryContainer {
  final String id;
  final String sandboxId;
  final ContainerConfig config;
  final ContainerScript script;
  final String imageId;
  final ContainerLog log = new ContainerLog();
  ContainerStatus.State state = ContainerStatus.State.CREATED;
  int exitCode;
  boolean oomKilled;
  Instant startedAt;
  Instant finishedAt;
  /** Its own exit, as the script says; cancelled when it stops otherwise. */
  ScheduledFuture<?> timer;
  /** Opens when the current run ends: stop calls wait for it. */
  CountDownLatch exited = new CountDownLatch(1);

  MemoryContainer(String id, String sandboxId, ContainerConfig config, ContainerScript script, String imageId) {
    this.id = id;
    this.sandboxId = sandboxId;
    this.config = config;
    this.script = script;
    this.imageId = imageId;
  }

  void start(Instant now) {
    state = ContainerStatus.State.RUNNING;
    startedAt = now;
    finishedAt = null;
    exitCode = 0;
    oomKilled = false;
    exited = new CountDownLatch(1);
    log.reopen();
  }

  void finish(Instant now, int code, boolean oom) {
    state = ContainerStatus.State.EXITED;
    finishedAt = now;
    exitCode = code;
    oomKilled = oom;
    if (timer != null) {
      timer.cancel(false);
      timer = null;
    }
    log.end();
    exited.countDown();
  }

  ContainerStatus status() {
    return new ContainerStatus(id, config.name(), sandboxId, config.labels(), state, exitCode, oomKilled, startedAt,
        finishedAt, config.image(), imageId);
  }
}
