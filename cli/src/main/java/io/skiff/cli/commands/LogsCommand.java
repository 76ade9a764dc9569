package io.skiff.cli.commands;

import io.grpc.CallOptions;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCalls;
import io.skiff.api.v1.Deployment;
import io.skiff.api.v1.LabelSelector;
import io.skiff.api.v1.ListRequest;
import io.skiff.api.v1.LogChunk;
import io.skiff.api.v1.Pod;
import io.skiff.api.v1.PodLogsRequest;
import io.skiff.api.v1.ReplicaSet;
import io.skiff.cli.CliException;
import io.skiff.cli.DurationConverter;
import io.skiff.cli.output.Selectors;
import io.skiff.client.ResourceType;
import io.skiff.client.ResourceTypes;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** kubectl logs: a container's output, through the master from the pod's node agent. */
@Command(name = "logs", sortOptions = false,
    header = "Print a container's log.",
    description = {"", "The master fetches the log from the agent of the pod's node. For a pod with several "
        + "containers, name one with -c (or the pod's kubectl.kubernetes.io/default-container annotation does). "
        + "deployment/NAME and replicaset/NAME mean one of their pods."},
    footerHeading = "%nExamples:%n",
    footer = {"  skiff logs web-7d4b9c-x2x5q", "  skiff logs -f --tail=20 deploy/web", "  skiff logs web -c sidecar --previous"})
public final class LogsCommand extends BaseCommand {
  static final String DEFAULT_CONTAINER = "kubectl.kubernetes.io/default-container";

  @Parameters(index = "0", paramLabel = "POD", description = "The pod: NAME, pod/NAME, or deployment/NAME or "
      + "replicaset/NAME for one of theirs.")
  String target;

  @Parameters(index = "1", arity = "0..1", paramLabel = "CONTAINER", description = "The container (as -c).")
  String containerArg;

  @Option(names = {"-c", "--container"}, paramLabel = "NAME", description = "The container.")
  String container;

  @Option(names = {"-f", "--follow"}, description = "Keep printing as the container writes.")
  boolean follow;

  @Option(names = "--tail", paramLabel = "LINES", defaultValue = "-1", description = "Only the last LINES lines "
      + "(-1, the default: all).")
  long tail;

  @Option(names = {"-p", "--previous"}, description = "The container's previous instance, before its last restart.")
  boolean previous;

  @Option(names = "--timestamps", description = "Each line with its time (RFC 3339).")
  boolean timestamps;

  @Option(names = "--since", paramLabel = "DURATION", converter = DurationConverter.class,
      description = "Only lines newer than this: 10s, 5m, 1h.")
  Duration since;

  @Override
  public Integer call() throws IOException {
    Pod pod = pod();
    PodLogsRequest.Builder request = PodLogsRequest.newBuilder().setNamespace(pod.getMetadata().getNamespace())
        .setName(pod.getMetadata().getName()).setContainer(containerOf(pod)).setFollow(follow).setPrevious(previous)
        .setTimestamps(timestamps);
    if (tail >= 0) {
      request.setTailLines(tail);
    }
    if (since != null) {
      request.setSinceSeconds(Math.max(1, since.toSeconds()));
    }
    @SuppressWarnings("unchecked")
    MethodDescriptor<PodLogsRequest, LogChunk> logs =
        (MethodDescriptor<PodLogsRequest, LogChunk>) ResourceTypes.PODS.method("Logs");
    Iterator<LogChunk> chunks = ClientCalls.blockingServerStreamingCall(session().channel(), logs,
        CallOptions.DEFAULT, request.build());
    OutputStream out = cli().rawOut();
    try {
      while (chunks.hasNext()) {
        out.write(chunks.next().getData().toByteArray());
        out.flush();
      }
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() == Status.Code.CANCELLED && Thread.currentThread().isInterrupted()) {
        return 0;
      }
      throw e;
    }
    return 0;
  }

  private Pod pod() {
    int slash = target.indexOf('/');
    if (slash < 0) {
      return session().client(ResourceTypes.PODS).get(namespace(), target);
    }
    ResourceType<?> type = Resources.type(target.substring(0, slash));
    String name = target.substring(slash + 1);
    LabelSelector selector;
    if (type == ResourceTypes.PODS) {
      return session().client(ResourceTypes.PODS).get(namespace(), name);
    } else if (type == ResourceTypes.DEPLOYMENTS) {
      Deployment d = session().client(ResourceTypes.DEPLOYMENTS).get(namespace(), name);
      selector = d.getSpec().getSelector();
    } else if (type == ResourceTypes.REPLICA_SETS) {
      ReplicaSet rs = session().client(ResourceTypes.REPLICA_SETS).get(namespace(), name);
      selector = rs.getSpec().getSelector();
    } else {
      throw new CliException("logs are read from pods, deployments and replicasets, not " + type.resource());
    }
    List<Pod> pods = Resources.list(session().client(ResourceTypes.PODS), ListRequest.newBuilder()
        .setNamespace(namespace()).setLabelSelector(Selectors.query(selector)).build()).items();
    // as kubectl: a running pod if there is one, the oldest first
    return pods.stream().min(Comparator.comparing((Pod p) -> !p.getStatus().getPhase().equals("Running"))
            .thenComparing(p -> p.getMetadata().getCreationTimestamp().getSeconds()))
        .orElseThrow(() -> new CliException("no pods found for " + target));
  }

  private String containerOf(Pod pod) {
    if (container != null && containerArg != null && !container.equals(containerArg)) {
      throw new CliException("give the container once: -c " + container + " or " + containerArg);
    }
    String name = container != null ? container : containerArg;
    List<String> names = pod.getSpec().getContainersList().stream().map(c -> c.getName()).toList();
    if (name != null) {
      if (!names.contains(name)) {
        throw new CliException("container " + name + " is not valid for pod " + pod.getMetadata().getName()
            + "; choose one of: " + names);
      }
      return name;
    }
    String byDefault = pod.getMetadata().getAnnotationsMap().get(DEFAULT_CONTAINER);
    if (byDefault != null && names.contains(byDefault)) {
      return byDefault;
    }
    if (names.size() == 1) {
      return names.get(0);
    }
    throw new CliException("a container name must be given for pod " + pod.getMetadata().getName()
        + " (-c NAME); choose one of: " + names);
  }
}
