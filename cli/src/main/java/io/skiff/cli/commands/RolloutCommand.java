package io.skiff.cli.commands;

import io.skiff.api.v1.Deployment;
import io.skiff.api.v1.ListRequest;
import io.skiff.api.v1.ReplicaSet;
import io.skiff.cli.CliException;
import io.skiff.cli.describe.DeploymentRevisions;
import io.skiff.cli.output.Selectors;
import io.skiff.client.ResourceType;
import io.skiff.client.ResourceTypes;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** kubectl rollout: watch, list, undo, restart, pause and resume a Deployment's rollouts. */
@Command(name = "rollout",
    header = "Manage a deployment's rollouts: status, history, undo, restart, pause, resume.",
    description = {"", "A rollout is the Deployment controller replacing the pods of one ReplicaSet (one revision "
        + "of the pod template) with those of another."},
    synopsisSubcommandLabel = "COMMAND",
    subcommands = {RolloutStatusCommand.class, RolloutHistoryCommand.class, RolloutUndoCommand.class,
        RolloutRestartCommand.class, RolloutPauseCommand.class, RolloutResumeCommand.class})
public final class RolloutCommand implements Runnable {
  @Spec
  CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** The arguments every rollout command takes: "deployment/NAME" or "deployment NAME". */
  abstract static class Target extends BaseCommand {
    @Parameters(paramLabel = "DEPLOYMENT", arity = "1..2", hidden = true)
    List<String> args;

    String deploymentName() {
      String typeName;
      String name;
      if (args.size() == 1) {
        int slash = args.get(0).indexOf('/');
        if (slash <= 0) {
          throw new CliException("expected deployment/NAME or deployment NAME, got \"" + args.get(0) + "\"");
        }
        typeName = args.get(0).substring(0, slash);
        name = args.get(0).substring(slash + 1);
      } else {
        typeName = args.get(0);
        name = args.get(1);
      }
      ResourceType<?> type = Resources.type(typeName);
      if (type != ResourceTypes.DEPLOYMENTS) {
        throw new CliException("rollouts are of deployments, not " + type.resource());
      }
      return name;
    }

    String ref(String name) {
      return Resources.ref(ResourceTypes.DEPLOYMENTS, name);
    }

    Deployment deployment(String name) {
      return session().client(ResourceTypes.DEPLOYMENTS).get(namespace(), name);
    }

    /** The deployment's replica sets, oldest revision first. */
    List<ReplicaSet> history(Deployment d) {
      List<ReplicaSet> candidates = Resources.list(session().client(ResourceTypes.REPLICA_SETS),
          ListRequest.newBuilder().setNamespace(d.getMetadata().getNamespace())
              .setLabelSelector(Selectors.query(d.getSpec().getSelector())).build()).items();
      return DeploymentRevisions.owned(d, candidates);
    }
  }
}
