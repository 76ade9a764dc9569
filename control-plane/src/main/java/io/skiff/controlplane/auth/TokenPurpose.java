package io.skiff.controlplane.auth;

import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

/** What a bearer token is for, as the API spells it in {@code Token.purpose}. */
public enum TokenPurpose {
  /** Authenticates API calls as the token's user and groups. */
  USER("user"),
  /** Lets an agent join once through Auth/Join: a node certificate for its own key. */
  JOIN_AGENT("join-agent"),
  /** Lets a master join through Auth/Join: a master certificate and the CA's key. */
  JOIN_MASTER("join-master");

  private final String wire;

  TokenPurpose(String wire) {
    this.wire = wire;
  }

  public String wire() {
    return wire;
  }

  public boolean isJoin() {
    return this != USER;
  }

  public static Optional<TokenPurpose> parse(String wire) {
    return Arrays.stream(values()).filter(p -> p.wire.equals(wire)).findFirst();
  }

  /** "user", "join-agent", "join-master": for messages. */
  public static String choices() {
    return Arrays.stream(values()).map(p -> "\"" + p.wire + "\"").collect(Collectors.joining(", "));
  }
}
