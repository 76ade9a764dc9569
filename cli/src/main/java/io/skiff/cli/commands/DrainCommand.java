package io.skiff.cli.commands;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.skiff.api.v1.DeleteRequest;
import io.skiff.api.v1.ListRequest;
import io.skiff.api.v1.OwnerReference;
import io.skiff.api.v1.Pod;
import io.skiff.cli.CliException;
import io.skiff.cli.DurationConverter;
import io.skiff.client.ResourceTypes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** kubectl drain: cordon a node, then delete its pods and wait until they are gone. */
@Command(name = "drain", sortOptions = false,
    header = "Empty a node for maintenance: cordon it, then delete its pods and wait until they are gone.",
    description = {"", "Pods a controller manages (a ReplicaSet's) are recreated elsewhere by it. A pod no "
        + "controller manages would be lost for good, so drain refuses unless --force is given. Each pod is "
        + "deleted with its own grace period unless --grace-period says otherwise."},
    footerHeading = "%nExamples:%n",
    footer = {"  skiff drain node-1", "  skiff drain node-1 --force --grace-period=10 --timeout=2m"})
public final class DrainCommand extends BaseCommand {
  @Parameters(paramLabel = "NODE", description = "The node: NAME or node/NAME.")
  String node;

  @Option(names = "--force", description = "Also delete pods that no controller manages.")
  boolean force;

  @Option(names = "--grace-period", paramLabel = "SECONDS", defaultValue = "-1",
      description = "Seconds each pod gets to stop; -1 (default): the pod's own.")
  long gracePeriod;

  @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "0", converter = DurationConverter.class,
      description = "How long to wait for the pods to go; 0 (default): as long as it takes.")
  Duration timeout;

  @Option(names = "--ignore-daemonsets", hidden = true, description = "Accepted for kubectl's sake: Skiff has no "
      + "DaemonSets.")
  boolean ignoreDaemonSets;

  @Option(names = "--delete-emptydir-data", hidden = true, description = "Accepted for kubectl's sake: Skiff has "
      + "no emptyDir volumes.")
  boolean deleteEmptyDirData;

  @Override
  public Integer call() throws InterruptedException {
    String name = NodeArgs.name(node);
    NodeArgs.schedulable(this, List.of(name), true);
    var pods = session().client(ResourceTypes.PODS);
    List<Pod> bound = Resources.list(pods, ListRequest.newBuilder().setFieldSelector("spec.nodeName=" + name)
        .build()).items();
    List<String> unmanaged = bound.stream().filter(p -> !managed(p))
        .map(p -> p.getMetadata().getNamespace() + "/" + p.getMetadata().getName()).toList();
    if (!unmanaged.isEmpty() && !force) {
      throw new CliException("cannot delete pods that no controller manages (use --force to delete them anyway): "
          + String.join(", ", unmanaged));
    }
    List<Deleted> deleted = new ArrayList<>();
    for (Pod pod : bound) {
      var meta = pod.getMetadata();
      out().println("evicting pod " + meta.getNamespace() + "/" + meta.getName());
      DeleteRequest.Builder request = DeleteRequest.newBuilder().setNamespace(meta.getNamespace())
          .setName(meta.getName());
      request.getPreconditionsBuilder().setUid(meta.getUid());
      if (gracePeriod >= 0) {
        request.setGracePeriodSeconds(gracePeriod);
      }
      try {
        pods.delete(request.build());
      } catch (StatusRuntimeException e) {
        Status.Code code = e.getStatus().getCode();
        if (code != Status.Code.NOT_FOUND && code != Status.Code.FAILED_PRECONDITION) {
          throw e;
        }
        // gone already, or replaced by a new pod of the same name: nothing of ours to wait for
      }
      deleted.add(new Deleted(ResourceTypes.PODS, meta.getNamespace(), meta.getName(), meta.getUid()));
    }
    try {
      new Waiter(session(), timeout).untilGone(deleted);
    } catch (CliException e) {
      throw new CliException("drain of node/" + name + " did not complete: " + e.getMessage());
    }
    for (Deleted d : deleted) {
      out().println("pod/" + d.name() + " evicted");
    }
    out().println("node/" + name + " drained");
    return 0;
  }

  private static boolean managed(Pod pod) {
    return pod.getMetadata().getOwnerReferencesList().stream().anyMatch(OwnerReference::getController);
  }
}
