package io.skiff.cli.commands;

import com.google.protobuf.Timestamp;
import io.skiff.api.v1.CreateTokenRequest;
import io.skiff.api.v1.CreateTokenResponse;
import io.skiff.api.v1.ListTokensRequest;
import io.skiff.api.v1.RevokeTokenRequest;
import io.skiff.api.v1.Token;
import io.skiff.cli.CliException;
import io.skiff.cli.DurationConverter;
import io.skiff.cli.output.TabWriter;
import io.skiff.client.Endpoints;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** Bearer tokens for users, and join tokens for nodes and masters (kubeadm token, for Skiff). */
@Command(name = "token", header = "Create, list and revoke bearer tokens and join tokens.",
    description = {"", "A token is ID.SECRET; the cluster keeps only a hash of the secret, so a token is shown "
        + "once, when made. Needs cluster-admin."},
    synopsisSubcommandLabel = "COMMAND",
    footerHeading = "%nExamples:%n",
    footer = {"  skiff token create --user bob --role edit -n dev",
        "  skiff token create --purpose join-agent --ttl 2h",
        "  skiff token list", "  skiff token revoke abc123"},
    subcommands = {TokenCommand.Create.class, TokenCommand.ListTokens.class, TokenCommand.Revoke.class})
public final class TokenCommand implements Runnable {
  static final List<String> PURPOSES = List.of("user", "join-agent", "join-master");

  @Spec
  CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  @Command(name = "create", header = "Create a token and print it (once).",
      description = {"", "--purpose user (the default): a bearer token for --user in --group; --role also grants "
          + "it a role, in -n NAMESPACE (a RoleBinding token-ID) or, without -n, in every namespace (a "
          + "ClusterRoleBinding token-ID). join-agent: a token for `skiff agent --token` (24 h unless --ttl), "
          + "printed with the CA's hash and the agent's command line. join-master: a token for a new master."},
      footerHeading = "%nExamples:%n",
      footer = {"  skiff token create --user bob --group dev --role edit -n dev --description \"bob's laptop\"",
          "  skiff token create --user ci --role view --ttl 720h",
          "  skiff token create --purpose join-agent"})
  static final class Create extends BaseCommand {
    @Option(names = "--purpose", paramLabel = "PURPOSE", defaultValue = "user",
        description = "user, join-agent or join-master (default user).")
    String purpose;

    @Option(names = "--user", paramLabel = "USER", description = "The user a user token authenticates as.")
    String user;

    @Option(names = "--group", paramLabel = "GROUP", description = "A group of the user (repeatable).")
    List<String> groups = new ArrayList<>();

    @Option(names = "--ttl", paramLabel = "DURATION", converter = DurationConverter.class,
        description = "How long the token works: 2h, 720h (default: 24h for join tokens, forever for user tokens).")
    Duration ttl;

    @Option(names = "--description", paramLabel = "TEXT", description = "What the token is for.")
    String description;

    @Option(names = "--role", paramLabel = "ROLE",
        description = "cluster-admin, edit or view: granted to --user in -n NAMESPACE, or everywhere without -n.")
    String role;

    @Override
    public Integer call() {
      if (!PURPOSES.contains(purpose)) {
        throw new CliException("--purpose: \"" + purpose + "\" is not one of " + String.join(", ", PURPOSES));
      }
      RoleGrants.check(role);
      boolean userToken = purpose.equals("user");
      if (userToken && (user == null || user.isEmpty())) {
        throw new CliException("a user token needs --user: the user it authenticates as");
      }
      if (!userToken && (role != null || user != null || !groups.isEmpty())) {
        throw new CliException("--user, --group and --role are for user tokens, not " + purpose + " tokens");
      }
      CreateTokenRequest.Builder request = CreateTokenRequest.newBuilder().setPurpose(purpose)
          .addAllGroups(groups);
      if (user != null) {
        request.setUser(user);
      }
      if (description != null) {
        request.setDescription(description);
      }
      if (ttl != null) {
        request.setTtl(com.google.protobuf.Duration.newBuilder().setSeconds(ttl.toSeconds())
            .setNanos(ttl.toNanosPart()));
      }
      CreateTokenResponse response = session().auth().createToken(request.build());
      Token token = response.getToken();
      String endpoints = Endpoints.format(session().endpoints());
      out().println("Token " + token.getId() + " created (" + purpose + (userToken ? ", user \"" + user + "\"" : "")
          + ", expires " + expiry(token) + ").");
      out().println("The token, shown this once (keep it secret):");
      out().println("  " + response.getBearer());
      switch (purpose) {
        case "join-agent" -> {
          out().println("The cluster CA's hash: " + response.getCaCertHash());
          out().println("Join a node with:");
          out().println("  skiff agent --masters " + endpoints + " --token " + response.getBearer()
              + " --ca-cert-hash " + response.getCaCertHash());
        }
        case "join-master" -> {
          out().println("The cluster CA's hash: " + response.getCaCertHash());
          out().println("Join a new master (on its machine, with its own addresses) with:");
          out().println("  skiff server --join --server " + endpoints + " --token " + response.getBearer()
              + " --ca-cert-hash " + response.getCaCertHash()
              + " --node-name ID --raft-address HOST:2380 --store-address HOST:2379");
        }
        default -> out().println("Use it with: skiff config set-context " + user + " --endpoints=" + endpoints
            + " --certificate-authority=CA_FILE --token=" + response.getBearer());
      }
      out().flush();
      if (role != null) {
        out().println(RoleGrants.grant(session(), role, root().namespaceFlag(), "token-" + token.getId(), user));
      }
      return 0;
    }
  }

  @Command(name = "list", header = "List the tokens (never their secrets).")
  static final class ListTokens extends BaseCommand {
    @Override
    public Integer call() {
      StringBuilder table = new StringBuilder("ID\tPURPOSE\tUSER\tGROUPS\tEXPIRES\tDESCRIPTION\n");
      for (Token t : session().auth().listTokens(ListTokensRequest.getDefaultInstance()).getTokensList()) {
        table.append(t.getId()).append('\t').append(t.getPurpose()).append('\t')
            .append(orNone(t.getUser())).append('\t').append(orNone(String.join(",", t.getGroupsList())))
            .append('\t').append(expiry(t)).append('\t').append(orNone(t.getDescription())).append('\n');
      }
      out().print(TabWriter.forTables(false).format(table.toString()));
      return 0;
    }
  }

  @Command(name = "revoke", header = "Revoke a token: it stops working at once, on every master.",
      footerHeading = "%nExamples:%n", footer = {"  skiff token revoke abc123"})
  static final class Revoke extends BaseCommand {
    @Parameters(paramLabel = "ID", description = "The token's ID (the part before the dot).")
    String id;

    @Override
    public Integer call() {
      // a whole ID.SECRET is taken too, and only its public half ever sent or shown
      String tokenId = id.contains(".") ? id.substring(0, id.indexOf('.')) : id;
      session().auth().revokeToken(RevokeTokenRequest.newBuilder().setId(tokenId).build());
      out().println("Token " + tokenId + " revoked.");
      return 0;
    }
  }

  static String expiry(Token token) {
    if (!token.hasExpires()) {
      return "never";
    }
    Timestamp t = token.getExpires();
    return Instant.ofEpochSecond(t.getSeconds()).toString();
  }

  private static String orNone(String text) {
    return text == null || text.isEmpty() ? "<none>" : text;
  }
}
