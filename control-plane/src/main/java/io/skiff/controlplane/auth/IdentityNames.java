package io.skiff.controlplane.auth;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Checks of the user and group names credentials carry. Kubernetes takes almost any string as a
 * user ("alice", "alice@example.com", "system:serviceaccount:ns:sa"); Skiff refuses only what
 * would be ambiguous or unsafe to carry in a certificate subject, a header or a log line, and the
 * identities that only joining may create. Each check returns what is wrong, empty when valid.
 */
public final class IdentityNames {
  public static final int MAX_LENGTH = 253;

  private IdentityNames() {
  }

  /** A user name: 1 to 253 characters, none of them a space, a control character or a comma. */
  public static List<String> user(String name) {
    return name(name);
  }

  /** A group name: as a user name. */
  public static List<String> group(String name) {
    return name(name);
  }

  /**
   * Why {@code user} in {@code groups} may not be given to a credential issued by an administrator:
   * node and master identities come only from joining, so a certificate or token for one exists only
   * where a join token was used. Empty when it may.
   */
  public static List<String> reserved(String user, List<String> groups) {
    List<String> problems = new ArrayList<>();
    if (user.startsWith(Identity.NODE_PREFIX) || user.startsWith(Identity.MASTER_PREFIX)) {
      problems.add("user \"" + user + "\": names starting with \"" + Identity.NODE_PREFIX + "\" or \""
          + Identity.MASTER_PREFIX + "\" are node and master identities, made only by joining with a join token");
    }
    if (groups.contains(Identity.NODES_GROUP)) {
      problems.add("group \"" + Identity.NODES_GROUP + "\" is for nodes' identities, made only by joining with a "
          + "join-agent token");
    }
    return problems;
  }

  private static List<String> name(String name) {
    List<String> problems = new ArrayList<>();
    if (name.isEmpty()) {
      problems.add("must not be empty");
      return problems;
    }
    if (name.getBytes(StandardCharsets.UTF_8).length > MAX_LENGTH) {
      problems.add("must be no more than " + MAX_LENGTH + " characters");
    }
    if (name.codePoints().anyMatch(c -> Character.isWhitespace(c) || Character.isISOControl(c)
        || Character.isSpaceChar(c))) {
      problems.add("must not contain spaces or control characters");
    }
    if (name.indexOf(',') >= 0) {
      problems.add("must not contain ',' (lists of groups are written with commas)");
    }
    return problems;
  }
}
