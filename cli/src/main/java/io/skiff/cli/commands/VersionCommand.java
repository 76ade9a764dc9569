package io.skiff.cli.commands;

import io.skiff.api.v1.VersionInfo;
import io.skiff.api.v1.VersionRequest;
import io.skiff.cli.CliException;
import io.skiff.cli.manifest.ProtoEncoder;
import io.skiff.cli.output.ObjectFormats;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** kubectl version: this command's version and the master's. */
@Command(name = "version", header = "Print the client's and the server's version.",
    footerHeading = "%nExamples:%n", footer = {"  skiff version", "  skiff version --client", "  skiff version -o json"})
public final class VersionCommand extends BaseCommand {
  @Option(names = "--client", description = "Only the client's version (no master is asked).")
  boolean clientOnly;

  @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", description = "yaml or json.")
  String output;

  @Override
  public Integer call() {
    if (output != null && !output.equals("yaml") && !output.equals("json")) {
      throw new CliException("--output: \"" + output + "\" is not one of yaml, json");
    }
    Map<String, Object> tree = new LinkedHashMap<>();
    Map<String, Object> client = new LinkedHashMap<>();
    client.put("version", clientVersion());
    client.put("javaVersion", System.getProperty("java.version"));
    client.put("os", System.getProperty("os.name") + "/" + System.getProperty("os.arch"));
    tree.put("clientVersion", client);
    if (output == null) {
      out().println("Client Version: " + clientVersion());
      out().flush();
    }
    if (clientOnly) {
      if (output != null) {
        out().print(ObjectFormats.format(output, tree));
      }
      return 0;
    }
    VersionInfo server = session().cluster().version(VersionRequest.getDefaultInstance());
    if (output == null) {
      out().println("Server Version: " + server.getVersion() + " (Java " + server.getJavaVersion() + ", "
          + server.getOs() + ")");
    } else {
      tree.put("serverVersion", ProtoEncoder.encode(server));
      out().print(ObjectFormats.format(output, tree));
    }
    return 0;
  }

  /** From the jar's manifest; "dev" when run from classes. */
  public static String clientVersion() {
    String version = VersionCommand.class.getPackage().getImplementationVersion();
    return version == null ? "dev" : version;
  }
}
