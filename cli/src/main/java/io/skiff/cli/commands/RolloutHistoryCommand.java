package io.skiff.cli.commands;

import io.skiff.api.v1.Deployment;
import io.skiff.api.v1.ReplicaSet;
import io.skiff.cli.CliException;
import io.skiff.cli.describe.DeploymentRevisions;
import io.skiff.cli.describe.DescribeWriter;
import io.skiff.cli.describe.PodDescriber;
import io.skiff.cli.output.TabWriter;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** kubectl rollout history: the revisions of a deployment, or one revision's pod template. */
@Command(name = "history",
    customSynopsis = "skiff rollout history [OPTIONS] deployment/NAME", sortOptions = false,
    header = "List a deployment's revisions, or show one.",
    description = {"", "Each revision is a ReplicaSet the deployment controls, numbered by its "
        + "deployment.kubernetes.io/revision annotation; CHANGE-CAUSE is its kubernetes.io/change-cause annotation."},
    footerHeading = "%nExamples:%n",
    footer = {"  skiff rollout history deployment/web", "  skiff rollout history deployment/web --revision=2"})
public final class RolloutHistoryCommand extends RolloutCommand.Target {
  @Option(names = "--revision", paramLabel = "N", defaultValue = "0",
      description = "Show revision N's pod template.")
  long revision;

  @Override
  public Integer call() {
    String name = deploymentName();
    Deployment d = deployment(name);
    List<ReplicaSet> history = history(d);
    if (revision > 0) {
      ReplicaSet rs = history.stream().filter(r -> DeploymentRevisions.revision(r) == revision).findFirst()
          .orElseThrow(() -> new CliException("unable to find the specified revision " + revision));
      DescribeWriter w = new DescribeWriter();
      PodDescriber.template(w, rs.getSpec().getTemplate());
      out().println(ref(name) + " with revision #" + revision);
      out().print(w.render());
      return 0;
    }
    if (history.isEmpty()) {
      out().println("No rollout history found.");
      return 0;
    }
    StringBuilder table = new StringBuilder("REVISION\tCHANGE-CAUSE\n");
    for (ReplicaSet rs : history) {
      table.append(DeploymentRevisions.revision(rs)).append('\t')
          .append(rs.getMetadata().getAnnotationsOrDefault(DeploymentRevisions.CHANGE_CAUSE, "<none>")).append('\n');
    }
    out().println(ref(name));
    out().println(TabWriter.forDescribe().format(table.toString()));
    return 0;
  }
}
