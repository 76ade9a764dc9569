package io.skiff.cli.commands;

import com.google.protobuf.Message;
import io.skiff.api.v1.Deployment;
import io.skiff.api.v1.ReplicaSet;
import io.skiff.cli.CliException;
import io.skiff.client.ResourceTypes;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** kubectl scale: set a Deployment's or ReplicaSet's replicas. */
@Command(name = "scale", sortOptions = false,
    customSynopsis = {"skiff scale [OPTIONS] --replicas=N (TYPE NAME... | TYPE/NAME...)"},
    header = "Set the number of replicas of deployments or replica sets.",
    description = {"", "With --current-replicas, only when the count is that now (else nothing changes)."},
    footerHeading = "%nExamples:%n",
    footer = {"  skiff scale deployment web --replicas=5", "  skiff scale deploy/web rs/cache --replicas=0",
        "  skiff scale deploy web --current-replicas=2 --replicas=3"})
public final class ScaleCommand extends BaseCommand {
  @Parameters(paramLabel = "TYPE NAME... | TYPE/NAME...", arity = "1..*", hidden = true)
  List<String> args;

  @Option(names = "--replicas", required = true, paramLabel = "N", description = "The new number of replicas.")
  int replicas;

  @Option(names = "--current-replicas", paramLabel = "N", defaultValue = "-1",
      description = "Only scale if the current number is N (-1, the default: whatever it is).")
  int currentReplicas;

  @Override
  public Integer call() {
    if (replicas < 0) {
      throw new CliException("--replicas: must be 0 or more, not " + replicas);
    }
    for (Targets.Target target : Targets.parse(args).targets()) {
      if (target.names().isEmpty()) {
        throw new CliException("name the " + target.type().resource() + " to scale");
      }
      for (String name : target.names()) {
        if (target.type() == ResourceTypes.DEPLOYMENTS) {
          Resources.update(session().client(ResourceTypes.DEPLOYMENTS), namespace(), name, d -> scaled(d, name));
        } else if (target.type() == ResourceTypes.REPLICA_SETS) {
          Resources.update(session().client(ResourceTypes.REPLICA_SETS), namespace(), name, rs -> scaled(rs, name));
        } else {
          throw new CliException("only deployments and replicasets can be scaled, not " + target.type().resource());
        }
        out().println(Resources.ref(target.type(), name) + " scaled");
      }
    }
    return 0;
  }

  private <T extends Message> T scaled(T object, String name) {
    int now;
    Message changed;
    if (object instanceof Deployment d) {
      now = d.getSpec().hasReplicas() ? d.getSpec().getReplicas() : 1;
      changed = d.toBuilder().setSpec(d.getSpec().toBuilder().setReplicas(replicas)).build();
    } else {
      ReplicaSet rs = (ReplicaSet) object;
      now = rs.getSpec().hasReplicas() ? rs.getSpec().getReplicas() : 1;
      changed = rs.toBuilder().setSpec(rs.getSpec().toBuilder().setReplicas(replicas)).build();
    }
    if (currentReplicas >= 0 && currentReplicas != now) {
      throw new CliException(name + ": expected replicas to be " + currentReplicas + ", was " + now);
    }
    @SuppressWarnings("unchecked")
    T result = (T) changed;
    return result;
  }
}
