package io.skiff.cli.commands;

import io.skiff.api.v1.Deployment;
import io.skiff.api.v1.PodTemplateSpec;
import io.skiff.api.v1.ReplicaSet;
import io.skiff.cli.CliException;
import io.skiff.cli.describe.DeploymentRevisions;
import io.skiff.client.ResourceTypes;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** kubectl rollout undo: put an earlier revision's pod template back into the deployment. */
@Command(name = "undo",
    customSynopsis = "skiff rollout undo [OPTIONS] deployment/NAME", sortOptions = false,
    header = "Roll a deployment back to an earlier revision.",
    description = {"", "Copies the chosen revision's pod template (its ReplicaSet's, without the pod-template-hash "
        + "label) into the deployment; the controller then rolls out to it, as a new revision."},
    footerHeading = "%nExamples:%n",
    footer = {"  skiff rollout undo deployment/web", "  skiff rollout undo deployment/web --to-revision=3"})
public final class RolloutUndoCommand extends RolloutCommand.Target {
  @Option(names = "--to-revision", paramLabel = "N", defaultValue = "0",
      description = "The revision to go back to; 0 (default): the one before the current.")
  long toRevision;

  @Override
  public Integer call() {
    String name = deploymentName();
    Deployment d = deployment(name);
    if (d.getSpec().getPaused()) {
      throw new CliException("you cannot roll back a paused deployment; resume it first with "
          + "'skiff rollout resume " + ref(name) + "' and try again");
    }
    ReplicaSet target = chosen(d, history(d));
    PodTemplateSpec template = DeploymentRevisions.withoutHash(target.getSpec().getTemplate());
    if (template.equals(d.getSpec().getTemplate())) {
      out().println(ref(name) + " skipped rollback (current template already matches revision "
          + DeploymentRevisions.revision(target) + ")");
      return 0;
    }
    Resources.update(session().client(ResourceTypes.DEPLOYMENTS), namespace(), name, live -> {
      if (live.getSpec().getPaused()) {
        throw new CliException("you cannot roll back a paused deployment; resume it first");
      }
      return live.toBuilder().setSpec(live.getSpec().toBuilder().setTemplate(template)).build();
    });
    out().println(ref(name) + " rolled back");
    return 0;
  }

  /** The revision asked for, or the latest before the current one. */
  private ReplicaSet chosen(Deployment d, List<ReplicaSet> history) {
    if (toRevision > 0) {
      return history.stream().filter(rs -> DeploymentRevisions.revision(rs) == toRevision).findFirst()
          .orElseThrow(() -> new CliException("unable to find the specified revision " + toRevision));
    }
    long current = DeploymentRevisions.current(d, history).map(DeploymentRevisions::revision)
        .orElse(history.stream().mapToLong(DeploymentRevisions::revision).max().orElse(0));
    return history.stream().filter(rs -> DeploymentRevisions.revision(rs) < current)
        .reduce((a, b) -> b)
        .orElseThrow(() -> new CliException("no rollout history found for " + ref(d.getMetadata().getName())
            + " before revision " + current));
  }
}
