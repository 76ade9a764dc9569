package io.skiff.cli.commands;

import io.skiff.api.v1.WhoAmIRequest;
import io.skiff.api.v1.WhoAmIResponse;
import io.skiff.cli.CliException;
import io.skiff.cli.manifest.ProtoEncoder;
import io.skiff.cli.output.ObjectFormats;
import io.skiff.cli.output.TabWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** kubectl auth, for Skiff: who the masters take this client for. */
@Command(name = "auth", header = "Inspect authentication.", synopsisSubcommandLabel = "COMMAND",
    subcommands = {AuthCommand.WhoAmI.class})
public final class AuthCommand implements Runnable {
  @Spec
  CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  @Command(name = "whoami", header = "Print the user and groups the masters take this client for.",
      footerHeading = "%nExamples:%n", footer = {"  skiff auth whoami", "  skiff auth whoami -o yaml"})
  static final class WhoAmI extends BaseCommand {
    @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", description = "yaml or json instead of a table.")
    String output;

    @Override
    public Integer call() {
      WhoAmIResponse me = session().auth().whoAmI(WhoAmIRequest.getDefaultInstance());
      if (output != null) {
        if (!output.equals("yaml") && !output.equals("json")) {
          throw new CliException("--output: \"" + output + "\" is not one of yaml, json");
        }
        out().print(ObjectFormats.format(output, ProtoEncoder.encode(me)));
        return 0;
      }
      out().print(TabWriter.forTables(false).format("ATTRIBUTE\tVALUE\n"
          + "Username\t" + me.getUser() + "\n"
          + "Groups\t[" + String.join(" ", me.getGroupsList()) + "]\n"
          + "Authenticated by\t" + me.getAuthenticatedBy() + "\n"));
      return 0;
    }
  }
}
