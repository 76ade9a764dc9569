package io.skiff.cli;

import io.skiff.cli.commands.ApplyCommand;
import io.skiff.cli.commands.AuthCommand;
import io.skiff.cli.commands.CertificateCommand;
import io.skiff.cli.commands.ClusterCommand;
import io.skiff.cli.commands.CompletionCommand;
import io.skiff.cli.commands.CordonCommand;
import io.skiff.cli.commands.CreateCommand;
import io.skiff.cli.commands.DeleteCommand;
import io.skiff.cli.commands.DescribeCommand;
import io.skiff.cli.commands.DrainCommand;
import io.skiff.cli.commands.GetCommand;
import io.skiff.cli.commands.LogsCommand;
import io.skiff.cli.commands.RolloutCommand;
import io.skiff.cli.commands.ScaleCommand;
import io.skiff.cli.commands.TokenCommand;
import io.skiff.cli.commands.UncordonCommand;
import io.skiff.cli.commands.VersionCommand;
import io.skiff.cli.commands.ConfigCommand;
import io.skiff.cli.config.CliConfig;
import io.skiff.cli.server.AgentCommand;
import io.skiff.cli.server.ServerCommand;
import io.skiff.client.Endpoints;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * The root command: the options every command takes (where the masters are,
 * which namespace, how long to wait) and the list of commands. It owns this
 * run's configuration and session, made on first use.
 */
@Command(name = "skiff",
    header = "skiff controls a Skiff cluster: the way kubectl controls Kubernetes.",
    synopsisSubcommandLabel = "COMMAND",
    description = {
        "",
        "Where the masters are comes from --server, else the current context of the config file "
            + "(--config, else $SKIFF_CONFIG, else ~/.skiff/config; see `skiff config --help`), else "
            + SkiffCommand.DEFAULT_ENDPOINTS + ". How to connect comes from --ca-file, --cert-file, --key-file, "
            + "--token and --insecure, else the context: TLS checked against the cluster's CA, with a client "
            + "certificate or a bearer token; plaintext only with --insecure."},
    footerHeading = "%nExamples:%n",
    footer = {
        "  skiff apply -f examples/",
        "  skiff get pods -o wide",
        "  skiff -s 10.0.0.1:6443,10.0.0.2:6443 get nodes",
        "  skiff describe deployment web",
        "  skiff rollout status deployment/web",
        "",
        "Use \"skiff COMMAND --help\" for more about a command."})
public final class SkiffCommand implements Runnable, AutoCloseable {
  /**
   * The commands by name, in the order help lists them. They are added to the
   * parser by {@link SkiffMain}: only the one a command line names, since
   * building picocli's model of every command is a good part of start-up.
   */
  public static final Map<String, Class<?>> COMMANDS = commands(
      ApplyCommand.class, CreateCommand.class, GetCommand.class, DescribeCommand.class, DeleteCommand.class,
      LogsCommand.class, ScaleCommand.class, RolloutCommand.class, CordonCommand.class, UncordonCommand.class,
      DrainCommand.class, ClusterCommand.class, ConfigCommand.class, TokenCommand.class, CertificateCommand.class,
      AuthCommand.class, ServerCommand.class, AgentCommand.class, VersionCommand.class,
      CompletionCommand.class);

  /** Root options that take a value (so that the command's name can be found without the parser). */
  static final Set<String> VALUE_OPTIONS = Set.of("--config", "--context", "-s", "--server", "-n", "--namespace",
      "--request-timeout", "--ca-file", "--cert-file", "--key-file", "--token");

  /** The all-in-one master's port, then the other two of a three-master cluster on this machine. */
  public static final String DEFAULT_ENDPOINTS = "127.0.0.1:6443,127.0.0.1:6444,127.0.0.1:6445";

  private final Cli cli;
  @Spec
  private CommandSpec spec;

  // no defaultValue on inherited options: each subcommand's parse would reset them; defaults are applied below
  @Option(names = "--config", paramLabel = "FILE", scope = ScopeType.INHERIT,
      description = "The config file (default: $SKIFF_CONFIG, else ~/.skiff/config).")
  Path config;

  @Option(names = "--context", paramLabel = "NAME", scope = ScopeType.INHERIT,
      description = "The context of the config file to use instead of the current one.")
  String context;

  @Option(names = {"-s", "--server"}, paramLabel = "HOST:PORT[,...]", scope = ScopeType.INHERIT,
      description = "The masters' API endpoints, instead of the context's.")
  String server;

  @Option(names = "--ca-file", paramLabel = "FILE", scope = ScopeType.INHERIT,
      description = "The cluster's CA certificate (its ca.crt), to check the masters with, instead of the context's.")
  Path caFile;

  @Option(names = "--cert-file", paramLabel = "FILE", scope = ScopeType.INHERIT,
      description = "A client certificate to authenticate with, instead of the context's.")
  Path certFile;

  @Option(names = "--key-file", paramLabel = "FILE", scope = ScopeType.INHERIT,
      description = "The client certificate's key.")
  Path keyFile;

  @Option(names = "--token", paramLabel = "ID.SECRET", scope = ScopeType.INHERIT,
      description = "A bearer token to authenticate with, instead of the context's (sent over TLS only).")
  String token;

  @Option(names = "--insecure", arity = "0..1", fallbackValue = "true", paramLabel = "BOOL", scope = ScopeType.INHERIT,
      description = "Plaintext, no credentials: for masters started with --insecure (--insecure=false: TLS even if "
          + "the context says insecure).")
  Boolean insecure;

  @Option(names = {"-n", "--namespace"}, paramLabel = "NAMESPACE", scope = ScopeType.INHERIT,
      description = "The namespace, instead of the context's (default: default).")
  String namespace;

  @Option(names = "--request-timeout", paramLabel = "DURATION", scope = ScopeType.INHERIT,
      converter = DurationConverter.class,
      description = "How long to wait for each answer from the masters: 30s (the default), 500ms, 2m.")
  Duration requestTimeout;

  @Option(names = {"-v", "--verbose"}, scope = ScopeType.INHERIT,
      description = "Log what the client does, and print stack traces with errors.")
  boolean verbose;

  @Option(names = {"-h", "--help"}, usageHelp = true, scope = ScopeType.INHERIT, description = "Show this help.")
  boolean help;

  private CliConfig loadedConfig;
  private Session session;

  public SkiffCommand(Cli cli) {
    this.cli = cli;
  }

  public Cli cli() {
    return cli;
  }

  public boolean verbose() {
    return verbose;
  }

  /** The namespace given with -n, or null. */
  public String namespaceFlag() {
    return namespace;
  }

  public String serverFlag() {
    return server;
  }

  /** The --token flag, or null. */
  public String tokenFlag() {
    return token;
  }

  /** The --insecure flag, or null when not given. */
  public Boolean insecureFlag() {
    return insecure;
  }

  public Path caFileFlag() {
    return caFile;
  }

  public Path certFileFlag() {
    return certFile;
  }

  public Path keyFileFlag() {
    return keyFile;
  }

  public Path configPath() {
    if (config != null) {
      return config;
    }
    String env = cli.env("SKIFF_CONFIG");
    if (env != null && !env.isEmpty()) {
      return Path.of(env);
    }
    return cli.home().resolve(".skiff").resolve("config");
  }

  public CliConfig config() {
    if (loadedConfig == null) {
      loadedConfig = CliConfig.load(configPath());
    }
    return loadedConfig;
  }

  /** Where this run talks to; the channel itself opens on first use. */
  public Session session() {
    if (session == null) {
      CliConfig.Context ctx = currentContext();
      String endpoints = server != null ? server
          : ctx != null && !ctx.endpoints().isEmpty() ? String.join(",", ctx.endpoints()) : DEFAULT_ENDPOINTS;
      List<InetSocketAddress> parsed;
      try {
        parsed = Endpoints.parse(endpoints);
      } catch (IllegalArgumentException e) {
        throw new CliException((server != null ? "--server: " : "context \"" + ctx.name() + "\": ") + e.getMessage());
      }
      String ns = namespace != null ? namespace
          : ctx != null && ctx.namespace() != null && !ctx.namespace().isEmpty() ? ctx.namespace() : "default";
      CredentialChoice choice = credentialFlags(ctx);
      String where = Endpoints.format(parsed);
      session = new Session(parsed, ns, requestTimeout != null ? requestTimeout : Duration.ofSeconds(30),
          () -> choice.credentials(where));
    }
    return session;
  }

  /** The credential flags over {@code ctx}'s settings (ctx may be null). */
  public CredentialChoice credentialFlags(CliConfig.Context ctx) {
    Path dir = configPath().toAbsolutePath().getParent();
    return new CredentialChoice(caFile, certFile, keyFile, token, insecure, ctx, dir);
  }

  /** The context in use (--context, else the config's current one), or null when there is none. */
  public CliConfig.Context currentContext() {
    CliConfig cfg = config();
    String name = context != null ? context : cfg.currentContext().orElse(null);
    if (name == null) {
      return null;
    }
    return cfg.context(name).orElseThrow(() -> new CliException("context \"" + name + "\" is not in "
        + configPath() + " (`skiff config get-contexts` lists them)"));
  }

  /** The session if one was made: error messages name its endpoints. */
  public Session sessionIfOpen() {
    return session;
  }

  private static Map<String, Class<?>> commands(Class<?>... classes) {
    Map<String, Class<?>> byName = new LinkedHashMap<>();
    for (Class<?> c : classes) {
      byName.put(c.getAnnotation(Command.class).name(), c);
    }
    return java.util.Collections.unmodifiableMap(byName);
  }

  @Override
  public void run() {
    spec.commandLine().usage(cli.out());
  }

  @Override
  public void close() {
    if (session != null) {
      session.close();
    }
  }
}
