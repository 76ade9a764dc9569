package io.skiff.cli.commands;

import io.skiff.cli.CliException;
import io.skiff.cli.config.CliConfig;
import io.skiff.cli.output.ObjectFormats;
import io.skiff.cli.output.TabWriter;
import io.skiff.client.Endpoints;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** kubectl config, for Skiff's contexts: named lists of master endpoints, each with a namespace and credentials. */
@Command(name = "config", header = "Show or change the config file's contexts.",
    description = {"", "The file is --config, else $SKIFF_CONFIG, else ~/.skiff/config. A context names the "
        + "masters' endpoints and the namespace to use; the current one is used unless --context names another."},
    synopsisSubcommandLabel = "COMMAND",
    footerHeading = "%nExamples:%n",
    footer = {"  skiff config set-context local --endpoints=127.0.0.1:6443,127.0.0.1:6444,127.0.0.1:6445 \\",
        "      --certificate-authority=pki/ca.crt --client-certificate=pki/admin.crt --client-key=pki/admin.key",
        "  skiff config set-context dev --endpoints=10.0.0.1:6443 --certificate-authority=ca.crt --token=ID.SECRET",
        "  skiff config set-context --current --namespace=dev", "  skiff config use-context prod",
        "  skiff config get-contexts", "  skiff config view"},
    subcommands = {ConfigCommand.View.class, ConfigCommand.GetContexts.class, ConfigCommand.CurrentContext.class,
        ConfigCommand.UseContext.class, ConfigCommand.SetContext.class, ConfigCommand.DeleteContext.class})
public final class ConfigCommand implements Runnable {
  @Spec
  CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  @Command(name = "view", header = "Print the config file.")
  static final class View extends BaseCommand {
    @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", defaultValue = "yaml", description = "yaml or json.")
    String output;

    @Override
    public Integer call() {
      if (!output.equals("yaml") && !output.equals("json")) {
        throw new CliException("--output: \"" + output + "\" is not one of yaml, json");
      }
      out().print(ObjectFormats.format(output, root().config().toTree(true)));
      return 0;
    }
  }

  @Command(name = "get-contexts", header = "List the contexts; * marks the current one.")
  static final class GetContexts extends BaseCommand {
    @Parameters(paramLabel = "NAME", arity = "0..*", description = "Only these contexts.")
    List<String> names = List.of();

    @Override
    public Integer call() {
      CliConfig config = root().config();
      String current = config.currentContext().orElse("");
      StringBuilder table = new StringBuilder("CURRENT\tNAME\tENDPOINTS\tNAMESPACE\n");
      for (CliConfig.Context c : config.contexts()) {
        if (names.isEmpty() || names.contains(c.name())) {
          table.append(c.name().equals(current) ? "*" : "").append('\t').append(c.name()).append('\t')
              .append(String.join(",", c.endpoints())).append('\t')
              .append(c.namespace() == null ? "" : c.namespace()).append('\n');
        }
      }
      for (String name : names) {
        if (config.context(name).isEmpty()) {
          throw new CliException("context \"" + name + "\" is not in " + root().configPath());
        }
      }
      out().print(TabWriter.forTables(false).format(table.toString()));
      return 0;
    }
  }

  @Command(name = "current-context", header = "Print the current context's name.")
  static final class CurrentContext extends BaseCommand {
    @Override
    public Integer call() {
      String current = root().config().currentContext()
          .orElseThrow(() -> new CliException("current-context is not set in " + root().configPath()));
      out().println(current);
      return 0;
    }
  }

  @Command(name = "use-context", header = "Make a context the current one.")
  static final class UseContext extends BaseCommand {
    @Parameters(paramLabel = "NAME", description = "The context.")
    String name;

    @Override
    public Integer call() {
      CliConfig config = root().config();
      if (config.context(name).isEmpty()) {
        throw new CliException("no context exists with the name \"" + name + "\" in " + root().configPath());
      }
      config.setCurrentContext(name);
      config.save(root().configPath());
      out().println("Switched to context \"" + name + "\".");
      return 0;
    }
  }

  @Command(name = "set-context", header = "Create or change a context.",
      description = {"", "--namespace (-n) sets the context's namespace, --token its bearer token (--token= removes "
          + "it), --insecure (or --insecure=false) whether it connects in plaintext; a certificate option sets "
          + "insecure to false. Files are stored as absolute paths. The first context made becomes the current one."})
  static final class SetContext extends BaseCommand {
    @Parameters(paramLabel = "NAME", arity = "0..1", description = "The context (or --current).")
    String name;

    @Option(names = "--current", description = "Change the current context.")
    boolean current;

    @Option(names = "--endpoints", paramLabel = "HOST:PORT[,...]", description = "The masters' API endpoints.")
    String endpoints;

    @Option(names = "--certificate-authority", paramLabel = "FILE",
        description = "The cluster's CA certificate (ca.crt), to check the masters with (or --ca-file).")
    Path certificateAuthority;

    @Option(names = "--client-certificate", paramLabel = "FILE",
        description = "A client certificate to authenticate with (or --cert-file).")
    Path clientCertificate;

    @Option(names = "--client-key", paramLabel = "FILE", description = "Its key (or --key-file).")
    Path clientKey;

    @Override
    public Integer call() {
      CliConfig config = root().config();
      if (current == (name != null)) {
        throw new CliException("give a context NAME or --current (one of the two)");
      }
      String contextName = current ? config.currentContext()
          .orElseThrow(() -> new CliException("there is no current context to change")) : name;
      var existing = config.context(contextName);
      List<String> list = existing.map(CliConfig.Context::endpoints).orElse(List.of());
      String given = endpoints != null ? endpoints : root().serverFlag();
      if (given != null) {
        try {
          list = new ArrayList<>(List.of(Endpoints.format(Endpoints.parse(given)).split(",")));
        } catch (IllegalArgumentException e) {
          throw new CliException("--endpoints: " + e.getMessage());
        }
      }
      String namespace = root().namespaceFlag() != null ? root().namespaceFlag()
          : existing.map(CliConfig.Context::namespace).orElse(null);
      Path ca = either(certificateAuthority, root().caFileFlag(), "--certificate-authority", "--ca-file");
      Path cert = either(clientCertificate, root().certFileFlag(), "--client-certificate", "--cert-file");
      Path key = either(clientKey, root().keyFileFlag(), "--client-key", "--key-file");
      String token = root().tokenFlag() != null ? root().tokenFlag()
          : existing.map(CliConfig.Context::token).orElse(null);
      boolean insecure = root().insecureFlag() != null ? root().insecureFlag()
          : ca == null && cert == null && key == null && existing.map(CliConfig.Context::insecure).orElse(false);
      config.putContext(new CliConfig.Context(contextName, List.copyOf(list), namespace,
          path(ca, existing.map(CliConfig.Context::certificateAuthority)),
          path(cert, existing.map(CliConfig.Context::clientCertificate)),
          path(key, existing.map(CliConfig.Context::clientKey)),
          token == null || token.isEmpty() ? null : token, insecure));
      boolean madeCurrent = config.currentContext().isEmpty();
      if (madeCurrent) {
        config.setCurrentContext(contextName);
      }
      config.save(root().configPath());
      out().println("Context \"" + contextName + "\" " + (existing.isPresent() ? "modified" : "created")
          + (madeCurrent ? " (now the current context)." : "."));
      return 0;
    }
  }

  private static Path either(Path own, Path root, String ownName, String rootName) {
    if (own != null && root != null) {
      throw new CliException(ownName + " and " + rootName + " say the same: give one");
    }
    return own != null ? own : root;
  }

  /** A given file as an absolute path (the file is read from elsewhere later), else what the context had. */
  private static String path(Path given, java.util.Optional<String> existing) {
    return given != null ? given.toAbsolutePath().normalize().toString() : existing.orElse(null);
  }

  @Command(name = "delete-context", header = "Remove a context.")
  static final class DeleteContext extends BaseCommand {
    @Parameters(paramLabel = "NAME", description = "The context.")
    String name;

    @Override
    public Integer call() {
      CliConfig config = root().config();
      if (!config.removeContext(name)) {
        throw new CliException("context \"" + name + "\" is not in " + root().configPath());
      }
      if (config.currentContext().filter(name::equals).isPresent()) {
        config.setCurrentContext("");
      }
      config.save(root().configPath());
      out().println("Deleted context " + name + " from " + root().configPath());
      return 0;
    }
  }
}
