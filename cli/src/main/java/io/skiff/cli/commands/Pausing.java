package io.skiff.cli.commands;

import io.skiff.cli.CliException;
import io.skiff.client.ResourceTypes;

/** Sets spec.paused; saying so when it already was (an error, as in kubectl). */
final class Pausing {
  private Pausing() {
  }

  static int set(RolloutCommand.Target command, boolean paused) {
    String name = command.deploymentName();
    Resources.update(command.session().client(ResourceTypes.DEPLOYMENTS), command.namespace(), name, d -> {
      if (d.getSpec().getPaused() == paused) {
        throw new CliException(command.ref(name) + " is " + (paused ? "already paused" : "not paused"));
      }
      return d.toBuilder().setSpec(d.getSpec().toBuilder().setPaused(paused)).build();
    });
    command.out().println(command.ref(name) + (paused ? " paused" : " resumed"));
    return 0;
  }
}
