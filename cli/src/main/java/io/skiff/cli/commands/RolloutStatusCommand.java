package io.skiff.cli.commands;

import io.grpc.Status;
import io.skiff.api.v1.Condition;
import io.skiff.api.v1.Deployment;
import io.skiff.api.v1.WatchRequest;
import io.skiff.cli.CliException;
import io.skiff.cli.DurationConverter;
import io.skiff.client.ResourceTypes;
import io.skiff.client.ResumingWatch;
import io.skiff.client.WatchListener;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** kubectl rollout status: follow a Deployment's status until its rollout is done. */
@Command(name = "status",
    customSynopsis = "skiff rollout status [OPTIONS] deployment/NAME", sortOptions = false,
    header = "Follow a deployment's rollout until it is done.",
    description = {"", "Done means: the controller has seen the latest spec, every replica runs the new template, "
        + "no old replica is left, and the new ones are available. Exits 1 if the progress deadline passes or "
        + "--timeout does."},
    footerHeading = "%nExamples:%n",
    footer = {"  skiff rollout status deployment/web", "  skiff rollout status deploy web --timeout=2m"})
public final class RolloutStatusCommand extends RolloutCommand.Target {
  @Option(names = {"-w", "--watch"}, arity = "0..1", fallbackValue = "true", defaultValue = "true",
      paramLabel = "true|false",
      description = "Follow until done (default); false prints the status once.")
  boolean watch;

  @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "0", converter = DurationConverter.class,
      description = "Give up after this long; 0 (default): never.")
  Duration timeout;

  @Option(names = "--revision", paramLabel = "N", defaultValue = "0",
      description = "Follow only if the deployment's revision is N.")
  long revision;

  /** What kubectl says about a deployment's rollout, and whether it is over. */
  record State(String message, boolean done) {
  }

  @Override
  public Integer call() throws InterruptedException {
    String name = deploymentName();
    Deployment d = deployment(name);
    checkRevision(d);
    if (!watch) {
      out().print(evaluate(d).message());
      return 0;
    }
    long deadline = timeout.isZero() ? Long.MAX_VALUE : System.nanoTime() + timeout.toNanos();
    BlockingQueue<Object> events = new LinkedBlockingQueue<>();
    String last = null;
    while (true) {
      WatchRequest request = WatchRequest.newBuilder().setNamespace(d.getMetadata().getNamespace())
          .setFieldSelector("metadata.name=" + name).setSendInitialEvents(true).setAllowBookmarks(true).build();
      ResumingWatch<Deployment> watch = new ResumingWatch<>(session().client(ResourceTypes.DEPLOYMENTS),
          request, new WatchListener<>() {
            @Override
            public void onEvent(String type, Deployment object) {
              if (!type.equals("BOOKMARK")) {
                events.add(type.equals("DELETED") ? "deleted" : object);
              }
            }

            @Override
            public void onEnd(Status status) {
              events.add(status);
            }
          });
      try {
        while (true) {
          long wait = deadline == Long.MAX_VALUE ? Long.MAX_VALUE : deadline - System.nanoTime();
          Object event = wait <= 0 ? null : events.poll(wait, TimeUnit.NANOSECONDS);
          if (event == null) {
            throw new CliException("timed out waiting for the rollout of " + ref(name) + " to finish");
          }
          if (event instanceof Status status) {
            if (status.getCode() == Status.Code.OUT_OF_RANGE) {
              break;
            }
            throw status.asRuntimeException();
          }
          if (event.equals("deleted")) {
            throw new CliException(ref(name) + " was deleted");
          }
          State state = evaluate((Deployment) event);
          if (!state.message().equals(last)) {
            out().print(state.message());
            out().flush();
            last = state.message();
          }
          if (state.done()) {
            return 0;
          }
        }
      } finally {
        watch.close();
      }
    }
  }

  private void checkRevision(Deployment d) {
    if (revision <= 0) {
      return;
    }
    String current = d.getMetadata().getAnnotationsOrDefault("deployment.kubernetes.io/revision", "0");
    if (!current.equals(Long.toString(revision))) {
      throw new CliException("desired revision (" + revision + ") is different from the running revision ("
          + current + ")");
    }
  }

  /** kubectl's DeploymentStatusViewer, word for word; a passed progress deadline is an error. */
  static State evaluate(Deployment d) {
    String name = d.getMetadata().getName();
    var status = d.getStatus();
    if (d.getMetadata().getGeneration() <= status.getObservedGeneration()) {
      for (Condition c : status.getConditionsList()) {
        if (c.getType().equals("Progressing") && c.getReason().equals("ProgressDeadlineExceeded")) {
          throw new CliException("deployment \"" + name + "\" exceeded its progress deadline");
        }
      }
      int desired = d.getSpec().hasReplicas() ? d.getSpec().getReplicas() : 1;
      if (status.getUpdatedReplicas() < desired) {
        return waiting(name, status.getUpdatedReplicas() + " out of " + desired
            + " new replicas have been updated...");
      }
      if (status.getReplicas() > status.getUpdatedReplicas()) {
        return waiting(name, (status.getReplicas() - status.getUpdatedReplicas())
            + " old replicas are pending termination...");
      }
      if (status.getAvailableReplicas() < status.getUpdatedReplicas()) {
        return waiting(name, status.getAvailableReplicas() + " of " + status.getUpdatedReplicas()
            + " updated replicas are available...");
      }
      return new State("deployment \"" + name + "\" successfully rolled out\n", true);
    }
    return new State("Waiting for deployment spec update to be observed...\n", false);
  }

  private static State waiting(String name, String what) {
    return new State("Waiting for deployment \"" + name + "\" rollout to finish: " + what + "\n", false);
  }
}
