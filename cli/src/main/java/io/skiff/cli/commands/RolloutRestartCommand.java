package io.skiff.cli.commands;

import io.skiff.cli.CliException;
import io.skiff.client.ResourceTypes;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import picocli.CommandLine.Command;

/** kubectl rollout restart: a new rollout of the same template, by stamping it with the time. */
@Command(name = "restart",
    customSynopsis = "skiff rollout restart [OPTIONS] deployment/NAME",
    header = "Replace a deployment's pods with new ones, in a rollout.",
    description = {"", "Sets the pod template annotation " + RolloutRestartCommand.RESTARTED_AT
        + " to now, which makes the template new to the controller."},
    footerHeading = "%nExamples:%n",
    footer = {"  skiff rollout restart deployment/web"})
public final class RolloutRestartCommand extends RolloutCommand.Target {
  static final String RESTARTED_AT = "skiff.io/restartedAt";

  @Override
  public Integer call() {
    String name = deploymentName();
    String now = DateTimeFormatter.ISO_INSTANT.format(now().truncatedTo(ChronoUnit.SECONDS));
    Resources.update(session().client(ResourceTypes.DEPLOYMENTS), namespace(), name, d -> {
      if (d.getSpec().getPaused()) {
        throw new CliException("can't restart paused " + ref(name) + " (run `skiff rollout resume` first)");
      }
      var template = d.getSpec().getTemplate();
      return d.toBuilder().setSpec(d.getSpec().toBuilder().setTemplate(template.toBuilder().setMetadata(
          template.getMetadata().toBuilder().putAnnotations(RESTARTED_AT, now)))).build();
    });
    out().println(ref(name) + " restarted");
    return 0;
  }
}
