package io.skiff.cli.commands;

import io.skiff.api.v1.AddMemberRequest;
import io.skiff.api.v1.ClusterGrpc;
import io.skiff.api.v1.Member;
import io.skiff.api.v1.MembersResponse;
import io.skiff.api.v1.RemoveMemberRequest;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code skiff cluster add-member} and {@code remove-member}: the store's Raft membership. */
final class ClusterMemberCommands {
  /** A change waits for the new member to catch up, which may take a snapshot's transfer. */
  static final Duration MIN_CHANGE_TIMEOUT = Duration.ofMinutes(5);

  private ClusterMemberCommands() {
  }

  static ClusterGrpc.ClusterBlockingStub slowStub(BaseCommand command) {
    Duration timeout = command.session().timeout().compareTo(MIN_CHANGE_TIMEOUT) > 0 ? command.session().timeout()
        : MIN_CHANGE_TIMEOUT;
    return ClusterGrpc.newBlockingStub(command.session().channel()).withDeadlineAfter(timeout.toMillis(),
        TimeUnit.MILLISECONDS);
  }

  static String ids(MembersResponse response) {
    return String.join(", ", response.getMembersList().stream().map(Member::getId).toList());
  }

  @Command(name = "add-member", header = "Add a master to the cluster's store.",
      description = {"", "Adds ID to the store's Raft group (Ratis' configuration change). Start the new master "
          + "first, with --join and its own addresses (its --peers names only itself); it waits to be added. "
          + "The change commits once the new master has caught up (from a snapshot when the log was purged); "
          + "every master then knows its addresses.",
          "", "Waits at least 5 minutes (or --request-timeout if longer)."},
      footerHeading = "%nExamples:%n", footer = {
          "  # on the new machine",
          "  skiff-master --id m4 --peers m4=10.0.0.4:2380/10.0.0.4:2379 --join --data-dir /var/lib/skiff/m4",
          "  # then, against the running cluster",
          "  skiff cluster add-member m4 --raft-address 10.0.0.4:2380 --store-address 10.0.0.4:2379"})
  static final class AddMember extends BaseCommand {
    @Parameters(index = "0", paramLabel = "ID", description = "The new master's id (its --id).")
    String id;

    @Option(names = "--raft-address", required = true, paramLabel = "HOST:PORT",
        description = "Where the new master's Raft peer listens.")
    String raftAddress;

    @Option(names = "--store-address", required = true, paramLabel = "HOST:PORT",
        description = "Where the new master serves the store's etcd API.")
    String storeAddress;

    @Override
    public Integer call() {
      MembersResponse members = slowStub(this).addMember(AddMemberRequest.newBuilder().setId(id)
          .setRaftAddress(raftAddress).setStoreAddress(storeAddress).build());
      out().println("Member " + id + " added (raft " + raftAddress + ", store " + storeAddress + ").");
      out().println("Members: " + ids(members));
      return 0;
    }
  }

  @Command(name = "remove-member", header = "Remove a master from the cluster's store.",
      description = {"", "Removes ID from the store's Raft group, the leader included (another master then "
          + "leads). The last member cannot be removed. Stop the removed master afterwards: it no longer "
          + "belongs to the cluster. To add it back, start it again with an empty data dir and --join, then "
          + "add-member."},
      footerHeading = "%nExamples:%n", footer = {"  skiff cluster remove-member m2"})
  static final class RemoveMember extends BaseCommand {
    @Parameters(index = "0", paramLabel = "ID", description = "The master to remove.")
    String id;

    @Override
    public Integer call() {
      MembersResponse members = slowStub(this).removeMember(RemoveMemberRequest.newBuilder().setId(id).build());
      out().println("Member " + id + " removed; stop it now.");
      out().println("Members: " + ids(members));
      return 0;
    }
  }
}
