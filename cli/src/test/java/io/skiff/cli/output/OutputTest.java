package io.skiff.cli.output;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.protobuf.Timestamp;
import io.skiff.api.v1.Container;
import io.skiff.api.v1.ContainerState;
import io.skiff.api.v1.ContainerStateRunning;
import io.skiff.api.v1.ContainerStateTerminated;
import io.skiff.api.v1.ContainerStateWaiting;
import io.skiff.api.v1.ContainerStatus;
import io.skiff.api.v1.ObjectMeta;
import io.skiff.api.v1.Pod;
import io.skiff.api.v1.PodSpec;
import io.skiff.api.v1.PodStatus;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Tables, ages and pod statuses as kubectl prints them. */
class OutputTest {
  @Test
  void agesReadLikeKubectls() {
    assertEquals("0s", Ages.human(Duration.ofMillis(-500)));
    assertEquals("<invalid>", Ages.human(Duration.ofSeconds(-5)));
    assertEquals("5s", Ages.human(Duration.ofSeconds(5)));
    assertEquals("119s", Ages.human(Duration.ofSeconds(119)));
    assertEquals("3m", Ages.human(Duration.ofMinutes(3)));
    assertEquals("3m20s", Ages.human(Duration.ofSeconds(200)));
    assertEquals("45m", Ages.human(Duration.ofMinutes(45)));
    assertEquals("5h10m", Ages.human(Duration.ofMinutes(310)));
    assertEquals("20h", Ages.human(Duration.ofHours(20)));
    assertEquals("2d", Ages.human(Duration.ofDays(2)));
    assertEquals("3d4h", Ages.human(Duration.ofHours(76)));
    assertEquals("30d", Ages.human(Duration.ofDays(30)));
    assertEquals("2y10d", Ages.human(Duration.ofDays(740)));
    assertEquals("<unknown>", Ages.since(Timestamp.getDefaultInstance(), Instant.now()));
  }

  @Test
  void tablesAlignAsGosTabwriterDoes() {
    String table = TabWriter.forTables(false).format("NAME\tREADY\tSTATUS\tAGE\nweb-1\t1/1\tRunning\t5s\n"
        + "a-much-longer-name\t0/1\tCrashLoopBackOff\t3m\n");
    assertEquals("""
        NAME                 READY   STATUS             AGE
        web-1                1/1     Running            5s
        a-much-longer-name   0/1     CrashLoopBackOff   3m
        """, table);
    TabWriter remembering = TabWriter.forTables(true);
    remembering.format("NAME\tAGE\nlong-name-here\t1s\n");
    assertEquals("x                1s\n", remembering.format("x\t1s\n"), "a watch's rows keep the first widths");
    String describe = TabWriter.forDescribe().format("Name:\tweb\nLabels:\tapp=web\n\ttier=front\nContainers:\n"
        + "  web:\n    Image:\tnginx\n    Restart Count:\t0\n");
    assertEquals("""
        Name:    web
        Labels:  app=web
                 tier=front
        Containers:
          web:
            Image:          nginx
            Restart Count:  0
        """, describe);
  }

  private static Pod pod(ContainerStatus... statuses) {
    PodSpec.Builder spec = PodSpec.newBuilder();
    for (ContainerStatus s : statuses) {
      spec.addContainers(Container.newBuilder().setName(s.getName()).setImage("i"));
    }
    return Pod.newBuilder().setMetadata(ObjectMeta.newBuilder().setName("p")).setSpec(spec)
        .setStatus(PodStatus.newBuilder().setPhase("Running").addAllContainerStatuses(java.util.List.of(statuses)))
        .build();
  }

  @Test
  void podStatusShowsTheReasonsKubectlShows() {
    ContainerStatus running = ContainerStatus.newBuilder().setName("a").setReady(true)
        .setState(ContainerState.newBuilder().setRunning(ContainerStateRunning.getDefaultInstance())).build();
    ContainerStatus crashing = ContainerStatus.newBuilder().setName("b").setRestartCount(4)
        .setState(ContainerState.newBuilder().setWaiting(ContainerStateWaiting.newBuilder()
            .setReason("CrashLoopBackOff")))
        .setLastState(ContainerState.newBuilder().setTerminated(ContainerStateTerminated.newBuilder()
            .setExitCode(1).setFinishedAt(Timestamp.newBuilder().setSeconds(1000)))).build();
    PodSummary both = PodSummary.of(pod(running, crashing));
    assertEquals("CrashLoopBackOff", both.status());
    assertEquals("1/2", both.ready() + "/" + both.total());
    assertEquals("4 (5m ago)", both.restartsText(Instant.ofEpochSecond(1300)));
    assertEquals("Running", PodSummary.of(pod(running)).status());
    ContainerStatus exited = ContainerStatus.newBuilder().setName("c")
        .setState(ContainerState.newBuilder().setTerminated(ContainerStateTerminated.newBuilder().setExitCode(2)))
        .build();
    assertEquals("ExitCode:2", PodSummary.of(pod(exited)).status());
    ContainerStatus completed = exited.toBuilder().setState(ContainerState.newBuilder().setTerminated(
        ContainerStateTerminated.newBuilder().setReason("Completed"))).build();
    assertEquals("NotReady", PodSummary.of(pod(running, completed)).status());
    Pod deleting = pod(running).toBuilder().setMetadata(ObjectMeta.newBuilder().setName("p")
        .setDeletionTimestamp(Timestamp.newBuilder().setSeconds(5))).build();
    assertEquals("Terminating", PodSummary.of(deleting).status());
    assertEquals("Pending", PodSummary.of(Pod.getDefaultInstance()).status());
  }
}
