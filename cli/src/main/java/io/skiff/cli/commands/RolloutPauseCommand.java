package io.skiff.cli.commands;

import picocli.CommandLine.Command;

/** kubectl rollout pause: the controller stops rolling out template changes. */
@Command(name = "pause",
    customSynopsis = "skiff rollout pause [OPTIONS] deployment/NAME",
    header = "Pause a deployment's rollouts: template changes wait until resume.",
    footerHeading = "%nExamples:%n",
    footer = {"  skiff rollout pause deployment/web"})
public final class RolloutPauseCommand extends RolloutCommand.Target {
  @Override
  public Integer call() {
    return Pausing.set(this, true);
  }
}
