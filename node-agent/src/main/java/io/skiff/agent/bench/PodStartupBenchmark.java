package io.skiff.agent.bench;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.skiff.agent.CommandLine;
import io.skiff.agent.CredentialFlags;
import io.skiff.agent.podman.PodmanRuntime;
import io.skiff.agent.runtime.ContainerConfig;
import io.skiff.agent.runtime.RuntimeLabels;
import io.skiff.agent.runtime.SandboxConfig;
import io.skiff.api.v1.Container;
import io.skiff.api.v1.DeleteRequest;
import io.skiff.api.v1.ListRequest;
import io.skiff.api.v1.Node;
import io.skiff.api.v1.ObjectMeta;
import io.skiff.api.v1.Pod;
import io.skiff.api.v1.PodSpec;
import io.skiff.api.v1.WatchRequest;
import io.skiff.client.Endpoints;
import io.skiff.client.MasterChannels;
import io.skiff.client.ResourceClient;
import io.skiff.client.ResourceTypes;
import io.skiff.client.ResumingWatch;
import io.skiff.client.WatchListener;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Pod start-up latency, run by scripts/bench-pods.sh against one master process and one agent
 * process: for each of N busybox {@code sleep 3600} pods, one at a time, the time from its Create
 * being acknowledged to the first Running status a watch sees; then the agent's memory with the N
 * pods running; then, through the same Podman socket with no Skiff, the same N pods (a Podman pod
 * and one container each) created and started, each from the first call to the container's start
 * returning. Prints p50/p99 of both and their ratio, and removes everything it made.
 *
 * <p>Arguments: {@code --masters H:P --node NAME --pods N --socket PATH --agent-pid PID --image REF}, and the
 * client credential: {@code --ca-file F --cert-file F --key-file F} (an admin certificate) or {@code --insecure}.
 */
public final class PodStartupBenchmark {
  private static final Duration PATIENCE = Duration.ofSeconds(120);

  private PodStartupBenchmark() {
  }

  public static void main(String[] args) throws Exception {
    Set<String> known = new HashSet<>(Set.of("--masters", "--node", "--pods", "--socket", "--agent-pid", "--image"));
    known.addAll(CredentialFlags.FLAGS);
    Map<String, String> flags = CommandLine.parse(args, known, CredentialFlags.SWITCHES);
    if (flags == null) {
      System.out.println("PodStartupBenchmark --masters H:P --node NAME [--pods N] [--socket PATH] [--agent-pid PID] "
          + "[--image REF] (--ca-file F --cert-file F --key-file F | --insecure)");
      return;
    }
    String node = flags.get("--node");
    int count = Integer.parseInt(flags.getOrDefault("--pods", "50"));
    Path socket = Path.of(flags.getOrDefault("--socket", "/run/skiff/podman.sock"));
    String image = flags.getOrDefault("--image", "localhost/busybox:latest");
    long agentPid = Long.parseLong(flags.getOrDefault("--agent-pid", "0"));
    String run = node;

    ManagedChannel channel = MasterChannels.open(Endpoints.parse(flags.get("--masters")),
        CredentialFlags.parse(flags));
    ResourceClient<Pod> pods = new ResourceClient<>(channel, ResourceTypes.PODS, 10_000);
    ResourceClient<Node> nodes = new ResourceClient<>(channel, ResourceTypes.NODES, 10_000);
    try {
      await("node " + node + " registered", () -> {
        try {
          nodes.get("", node);
          return true;
        } catch (RuntimeException notYet) {
          return false;
        }
      });
      long[] skiff = skiffRun(pods, node, run, image, count);
      String memory = agentPid > 0 ? memory(agentPid) : "n/a";
      System.out.printf(Locale.ROOT, "agent memory with %d pods: %s%n", count, memory);
      deleteAll(pods, run, count);

      long[] raw = rawRun(socket, run, image, count);

      double skiffP50 = percentile(skiff, 50);
      double skiffP99 = percentile(skiff, 99);
      double rawP50 = percentile(raw, 50);
      double rawP99 = percentile(raw, 99);
      System.out.printf(Locale.ROOT, "skiff (Create acknowledged -> Running watched), %d pods: p50 %.0f ms, p99 %.0f ms, "
          + "max %d ms%n", count, skiffP50, skiffP99, Arrays.stream(skiff).max().orElse(0));
      System.out.printf(Locale.ROOT, "raw podman (pod create+start, container create+start), %d pods: p50 %.0f ms, "
          + "p99 %.0f ms, max %d ms%n", count, rawP50, rawP99, Arrays.stream(raw).max().orElse(0));
      System.out.printf(Locale.ROOT, "ratio skiff/raw: p50 %.2f, p99 %.2f (goal: p99 <= 1.5)%n",
          skiffP50 / rawP50, skiffP99 / rawP99);
    } finally {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  /** One pod at a time: create, then wait for the watch to show it Running. Milliseconds each. */
  private static long[] skiffRun(ResourceClient<Pod> pods, String node, String run, String image, int count)
      throws Exception {
    Map<String, Long> running = new ConcurrentHashMap<>();
    long revision = pods.list(ListRequest.newBuilder().setNamespace("default").build()).meta().getResourceVersion();
    try (ResumingWatch<Pod> watch = new ResumingWatch<>(pods, WatchRequest.newBuilder().setNamespace("default")
        .setResourceVersion(revision).build(), new WatchListener<>() {
          @Override
          public void onEvent(String type, Pod pod) {
            if (pod.getStatus().getPhase().equals("Running")) {
              running.putIfAbsent(pod.getMetadata().getName(), System.nanoTime());
            }
          }

          @Override
          public void onEnd(Status status) {
          }
        })) {
      // a warm-up pod, not counted: the first start of everything on both sides
      create(pods, node, name(run, "warmup"), image);
      await("warm-up pod running", () -> running.containsKey(name(run, "warmup")));
      long[] millis = new long[count];
      for (int i = 0; i < count; i++) {
        String name = name(run, String.valueOf(i));
        create(pods, node, name, image);
        long acknowledged = System.nanoTime();
        await(name + " running", () -> running.containsKey(name));
        millis[i] = TimeUnit.NANOSECONDS.toMillis(running.get(name) - acknowledged);
      }
      return millis;
    }
  }

  private static void create(ResourceClient<Pod> pods, String node, String name, String image) {
    pods.create(Pod.newBuilder().setMetadata(ObjectMeta.newBuilder().setNamespace("default").setName(name))
        .setSpec(PodSpec.newBuilder().setNodeName(node).setRestartPolicy("Always").setTerminationGracePeriodSeconds(0)
            .addContainers(Container.newBuilder().setName("main").setImage(image).setImagePullPolicy("IfNotPresent")
                .addCommand("sleep").addArgs("3600")))
        .build());
  }

  private static void deleteAll(ResourceClient<Pod> pods, String run, int count) throws Exception {
    List<String> names = new ArrayList<>();
    names.add(name(run, "warmup"));
    for (int i = 0; i < count; i++) {
      names.add(name(run, String.valueOf(i)));
    }
    for (String name : names) {
      pods.delete(DeleteRequest.newBuilder().setNamespace("default").setName(name).setGracePeriodSeconds(0).build());
    }
    await("the benchmark's pods deleted", () -> pods.list(ListRequest.newBuilder().setNamespace("default").build())
        .items().stream().noneMatch(p -> p.getMetadata().getName().startsWith(run + "-")));
  }

  /** The same pods straight through Podman's API, one at a time; labelled so that they are removed after. */
  private static long[] rawRun(Path socket, String run, String image, int count) {
    long[] millis = new long[count + 1];
    List<String> sandboxes = new ArrayList<>();
    try (PodmanRuntime podman = PodmanRuntime.connect(socket, Duration.ofSeconds(60))) {
      try {
        for (int i = -1; i < count; i++) { // -1: a warm-up, not counted
          String name = "raw-" + run + "-" + (i < 0 ? "warmup" : String.valueOf(i));
          Map<String, String> labels = Map.of("io.skiff.bench", run, RuntimeLabels.POD_NAME, name);
          long start = System.nanoTime();
          String sandbox = podman.createSandbox(new SandboxConfig(name, labels, name, List.of()));
          sandboxes.add(sandbox);
          String container = podman.createContainer(sandbox, new ContainerConfig(name + "-main", image,
              List.of("sleep"), List.of("3600"), Map.of(), "", 0, 0, labels));
          podman.startContainer(container);
          if (i >= 0) {
            millis[i] = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
          }
        }
      } finally {
        for (String sandbox : sandboxes) {
          podman.removeSandbox(sandbox);
        }
      }
    }
    return Arrays.copyOf(millis, count);
  }

  /** RSS from /proc, and the heap in use after a full GC (jcmd GC.run, then GC.heap_info). */
  private static String memory(long pid) throws Exception {
    String rss = Files.readAllLines(Path.of("/proc", String.valueOf(pid), "status"), StandardCharsets.UTF_8).stream()
        .filter(l -> l.startsWith("VmRSS:")).findFirst().map(l -> l.substring(6).trim()).orElse("?");
    Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
    jcmd(jcmd, pid, "GC.run");
    String heap = jcmd(jcmd, pid, "GC.heap_info");
    // Serial GC prints "def new generation total ..K, used ..K" and "tenured generation total ..K, used ..K"
    long usedKb = 0;
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("generation\\s+total \\d+K, used (\\d+)K").matcher(heap);
    while (m.find()) {
      usedKb += Long.parseLong(m.group(1));
    }
    return "RSS " + rss + "; heap used after a full GC " + usedKb + " kB";
  }

  private static String jcmd(Path jcmd, long pid, String command) throws Exception {
    Process p = new ProcessBuilder(jcmd.toString(), String.valueOf(pid), command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    p.waitFor(30, TimeUnit.SECONDS);
    return out;
  }

  static double percentile(long[] values, double p) {
    long[] sorted = values.clone();
    Arrays.sort(sorted);
    int rank = (int) Math.ceil(p / 100.0 * sorted.length);
    return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
  }

  private static String name(String run, String suffix) {
    return run + "-" + suffix;
  }

  private static void await(String what, java.util.function.BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + PATIENCE.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(what + ": not within " + PATIENCE);
      }
      Thread.sleep(5);
    }
  }
}
