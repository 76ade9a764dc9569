package io.skiff.cli.commands;

import picocli.CommandLine.Command;

/** kubectl rollout resume: the controller rolls out again. */
@Command(name = "resume",
    customSynopsis = "skiff rollout resume [OPTIONS] deployment/NAME",
    header = "Resume a paused deployment's rollouts.",
    footerHeading = "%nExamples:%n",
    footer = {"  skiff rollout resume deployment/web"})
public final class RolloutResumeCommand extends RolloutCommand.Target {
  @Override
  public Integer call() {
    return Pausing.set(this, false);
  }
}
