package io.skiff.controlplane.auth;

import java.util.Set;

/** What a call does to a kind, as the authorizer sees it ({@code logs} is Pods/Logs). */
public enum Verb {
  GET("get"),
  LIST("list"),
  WATCH("watch"),
  CREATE("create"),
  UPDATE("update"),
  UPDATE_STATUS("update-status"),
  DELETE("delete"),
  LOGS("logs");

  /** The verbs that only read. */
  public static final Set<Verb> READS = Set.of(GET, LIST, WATCH, LOGS);

  private final String text;

  Verb(String text) {
    this.text = text;
  }

  public String text() {
    return text;
  }

  /** Verbs that address a collection rather than one object: namespace "" then means every namespace. */
  public boolean collection() {
    return this == LIST || this == WATCH;
  }

  @Override
  public String toString() {
    return text;
  }
}
