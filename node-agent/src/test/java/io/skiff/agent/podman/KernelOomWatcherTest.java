package io.skiff.agent.podman;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

class KernelOomWatcherTest {
  private static final String ID = "4ec1dcd6290d627f72eb9f3532a9dacc94aff79237d594d0e02761cf133d7bce";
  private static final String POD = "c31c065be59212463c6d3b58af8c681290bced12e19e17039ba6cfd842faad4a";

  @Test
  void kernelRecordOfAKillNamesTheContainer() {
    KernelOomWatcher watcher = KernelOomWatcher.none();
    List<String> seen = new ArrayList<>();
    Runnable stop = watcher.onOomKill(seen::add);
    // as Linux 6 logs it, for a container in a pod under the cgroupfs manager
    watcher.record("6,2213,11330740516,-;oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=libpod-" + ID
        + ",mems_allowed=0,oom_memcg=/libpod_parent/" + POD + "/libpod-" + ID + ",task_memcg=/libpod_parent/" + POD
        + "/libpod-" + ID + ",task=sh,pid=16189,uid=0\n");
    assertTrue(watcher.oomKilled(ID));
    assertEquals(List.of(ID), seen);

    stop.run();
    // the systemd cgroup manager's scope names
    String other = ID.replace('4', '5');
    watcher.record("6,2214,11330740517,-;oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),oom_memcg="
        + "/machine.slice/libpod-" + other + ".scope,task_memcg=/machine.slice/libpod-" + other
        + ".scope,task=java,pid=1,uid=0");
    assertTrue(watcher.oomKilled(other));
    assertEquals(List.of(ID), seen);
  }

  @Test
  void otherRecordsAreIgnored() {
    KernelOomWatcher watcher = KernelOomWatcher.none();
    watcher.record("6,2215,11330740533,-;Memory cgroup out of memory: Killed process 16189 (sh) total-vm:30492kB");
    watcher.record("4,2216,11330740600,-;oom-kill:constraint=CONSTRAINT_NONE,nodemask=(null),task_memcg=/user.slice,"
        + "task=firefox,pid=3,uid=1000");
    assertFalse(watcher.oomKilled(ID));
  }

  @Test
  void unreadableKernelLogMeansNoKillsKnown() {
    try (KernelOomWatcher watcher = KernelOomWatcher.start(Path.of("/nonexistent/kmsg"))) {
      assertFalse(watcher.oomKilled(ID));
    }
  }
}
