package io.skiff.controlplane.auth;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** Skiff's three fixed roles (Kubernetes' default cluster roles of the same names). */
public enum Role {
  CLUSTER_ADMIN("cluster-admin"),
  EDIT("edit"),
  VIEW("view");

  public static final List<String> NAMES = Arrays.stream(values()).map(Role::text).toList();

  private final String text;

  Role(String text) {
    this.text = text;
  }

  public String text() {
    return text;
  }

  public static Optional<Role> named(String text) {
    return Arrays.stream(values()).filter(r -> r.text.equals(text)).findFirst();
  }
}
