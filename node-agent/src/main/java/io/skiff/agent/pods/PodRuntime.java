package io.skiff.agent.pods;

import io.skiff.agent.runtime.ContainerRuntime;
import io.skiff.agent.runtime.ContainerStatus;
import io.skiff.agent.runtime.RuntimeLabels;
import io.skiff.agent.runtime.SandboxStatus;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * What the engine has of one pod at one moment: its sandboxes and every instance of its containers
 * (a restarted container leaves its previous instance behind, for its exit status and logs).
 */
public record PodRuntime(List<SandboxStatus> sandboxes, List<ContainerStatus> containers) {
  private static final Comparator<ContainerStatus> NEWEST_FIRST =
      Comparator.comparingInt(PodRuntime::attempt).reversed();

  /** This pod's part of the engine's state, read now. */
  public static PodRuntime read(ContainerRuntime runtime, String uid) {
    Map<String, String> pod = Map.of(RuntimeLabels.POD_UID, uid);
    return new PodRuntime(runtime.listSandboxes(pod), runtime.listContainers(pod));
  }

  /** The uids of every pod the engine holds anything of. */
  public static Set<String> podUids(ContainerRuntime runtime) {
    Set<String> uids = new TreeSet<>();
    runtime.listSandboxes().forEach(s -> addUid(uids, s.labels()));
    runtime.listContainers().forEach(c -> addUid(uids, c.labels()));
    return uids;
  }

  private static void addUid(Set<String> uids, Map<String, String> labels) {
    String uid = labels.get(RuntimeLabels.POD_UID);
    if (uid != null) {
      uids.add(uid);
    }
  }

  public boolean isEmpty() {
    return sandboxes.isEmpty() && containers.isEmpty();
  }

  public Optional<SandboxStatus> runningSandbox() {
    return sandboxes.stream().filter(SandboxStatus::running).findFirst();
  }

  /** The instances of one of the pod's containers, newest (highest attempt) first. */
  public List<ContainerStatus> instances(String containerName) {
    return containers.stream().filter(c -> containerName.equals(c.labels().get(RuntimeLabels.CONTAINER_NAME)))
        .sorted(NEWEST_FIRST).toList();
  }

  public Optional<ContainerStatus> latest(String containerName) {
    return instances(containerName).stream().findFirst();
  }

  /** The newest instance of each container, by container name. */
  public Map<String, ContainerStatus> latestByName() {
    Map<String, ContainerStatus> latest = new HashMap<>();
    for (ContainerStatus c : containers) {
      latest.merge(c.labels().getOrDefault(RuntimeLabels.CONTAINER_NAME, ""), c,
          (a, b) -> attempt(a) >= attempt(b) ? a : b);
    }
    return latest;
  }

  /** Which start of its container an instance is: 0 for the first, so also the restart count. */
  public static int attempt(ContainerStatus container) {
    try {
      return Integer.parseInt(container.labels().getOrDefault(RuntimeLabels.ATTEMPT, "0"));
    } catch (NumberFormatException e) {
      return 0;
    }
  }
}
