package io.skiff.cli.commands;

import io.skiff.api.v1.Member;
import io.skiff.api.v1.MembersRequest;
import io.skiff.api.v1.MembersResponse;
import io.skiff.cli.CliException;
import io.skiff.cli.manifest.ProtoEncoder;
import io.skiff.cli.output.ObjectFormats;
import io.skiff.cli.output.TabWriter;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** The masters themselves: who they are, which leads, how far each has got. */
@Command(name = "cluster", header = "Show and manage the masters: members, health, membership, backups.",
    synopsisSubcommandLabel = "COMMAND",
    subcommands = {ClusterCommand.Members.class, ClusterCommand.StatusCommand.class,
        ClusterMemberCommands.AddMember.class, ClusterMemberCommands.RemoveMember.class,
        ClusterSnapshotCommand.class})
public final class ClusterCommand implements Runnable {
  @Spec
  CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** Options both take. */
  abstract static class Base extends BaseCommand {
    @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", description = "yaml or json instead of a table.")
    String output;

    MembersResponse members() {
      return session().cluster().members(MembersRequest.getDefaultInstance());
    }

    boolean printed(MembersResponse response) {
      if (output == null) {
        return false;
      }
      if (!output.equals("yaml") && !output.equals("json")) {
        throw new CliException("--output: \"" + output + "\" is not one of yaml, json");
      }
      out().print(ObjectFormats.format(output, ProtoEncoder.encode(response)));
      return true;
    }
  }

  @Command(name = "members", header = "List the masters: id, role, addresses.",
      description = {"", "As the store's Raft group knows them. ROLE is leader, follower, candidate (no leader "
          + "known) or unreachable."},
      footerHeading = "%nExamples:%n", footer = {"  skiff cluster members"})
  static final class Members extends Base {
    @Override
    public Integer call() {
      MembersResponse response = members();
      if (printed(response)) {
        return 0;
      }
      StringBuilder table = new StringBuilder("NAME\tMEMBER ID\tROLE\tLEADER\tRAFT ADDRESS\tSTORE ADDRESS\n");
      for (Member m : response.getMembersList()) {
        table.append(String.join("\t", m.getId(), Long.toHexString(m.getMemberId()), m.getRole(),
            m.getId().equals(response.getLeader()) ? "*" : "", m.getRaftAddress(), m.getStoreAddress())).append('\n');
      }
      out().print(TabWriter.forTables(false).format(table.toString()));
      return 0;
    }
  }

  @Command(name = "status", header = "Show the masters' health and progress; exit 1 when one is unhealthy.",
      description = {"", "Each master's role, health, store revision, Raft term and applied index and database "
          + "size, as the store reports them; an unreachable master shows why."},
      footerHeading = "%nExamples:%n", footer = {"  skiff cluster status"})
  static final class StatusCommand extends Base {
    @Override
    public Integer call() {
      MembersResponse response = members();
      List<Member> members = response.getMembersList();
      long healthy = members.stream().filter(Member::getHealthy).count();
      if (printed(response)) {
        return healthy == members.size() ? 0 : 1;
      }
      out().println("Leader:       " + (response.getLeader().isEmpty() ? "<none>" : response.getLeader()));
      out().println("Members:      " + members.size() + " (" + healthy + " healthy)");
      out().println("Answered by:  " + response.getAnsweredBy());
      out().println();
      StringBuilder table = new StringBuilder("NAME\tROLE\tHEALTH\tREVISION\tRAFT TERM\tRAFT APPLIED\tDB SIZE\tERROR\n");
      for (Member m : members) {
        table.append(String.join("\t", m.getId(), m.getRole(), m.getHealthy() ? "healthy" : "unhealthy",
            Long.toString(m.getRevision()), Long.toString(m.getRaftTerm()), Long.toString(m.getRaftAppliedIndex()),
            size(m.getDbSizeBytes()), m.getError())).append('\n');
      }
      out().print(TabWriter.forTables(false).format(table.toString()));
      return healthy == members.size() ? 0 : 1;
    }

    private static String size(long bytes) {
      if (bytes < 1024) {
        return bytes + " B";
      }
      if (bytes < 1024 * 1024) {
        return String.format("%.1f KiB", bytes / 1024.0);
      }
      return String.format("%.1f MiB", bytes / (1024.0 * 1024));
    }
  }
}
