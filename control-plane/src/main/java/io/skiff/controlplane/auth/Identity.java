package io.skiff.controlplane.auth;

import io.grpc.Context;
import java.util.List;
import java.util.Optional;

/**
 * Who is calling, as authentication established it: a user and its groups (a certificate's common
 * name and organizations, or a token's user and groups), and how.
 *
 * @param authenticatedBy "certificate", "token" or "insecure"
 */
public record Identity(String user, List<String> groups, String authenticatedBy) {
  public static final String MASTERS_GROUP = "system:masters";
  public static final String NODES_GROUP = "system:nodes";
  public static final String AUTHENTICATED_GROUP = "system:authenticated";
  public static final String NODE_PREFIX = "system:node:";
  public static final String MASTER_PREFIX = "system:master:";

  /** The caller's identity in a call's gRPC context, put there by the server's authentication. */
  public static final Context.Key<Identity> KEY = Context.key("skiff-identity");

  /** Every caller of a server started with --insecure. */
  public static final Identity INSECURE = new Identity("system:insecure", List.of(MASTERS_GROUP), "insecure");

  public Identity {
    groups = List.copyOf(groups);
  }

  /** The identity of the call being served; empty outside a call or for an unauthenticated one (Join). */
  public static Optional<Identity> current() {
    return Optional.ofNullable(KEY.get());
  }

  public boolean inGroup(String group) {
    return groups.contains(group);
  }

  /** The node a node's credential names ({@code system:node:NAME} in group system:nodes). */
  public Optional<String> nodeName() {
    return user.startsWith(NODE_PREFIX) && inGroup(NODES_GROUP)
        ? Optional.of(user.substring(NODE_PREFIX.length())) : Optional.empty();
  }
}
