package io.skiff.store;

import io.skiff.pki.TlsFiles;
import java.util.List;

/**
 * TLS for a store peer, as etcd's --peer-* and client flags give it: Raft between peers is mutual
 * TLS with {@code peer}; the etcd-compatible client port serves with {@code client}'s certificate
 * and requires a client certificate from its trusted CA in one of {@code clientGroups} (its
 * organizations). Raft admits only peer certificates in {@code clientGroups} too, so the cluster
 * CA's other certificates (nodes') cannot speak Raft.
 */
public record StoreTls(TlsFiles peer, TlsFiles client, List<String> clientGroups) {
  public static final List<String> DEFAULT_CLIENT_GROUPS = List.of("system:masters");

  public StoreTls {
    clientGroups = List.copyOf(clientGroups);
  }
}
