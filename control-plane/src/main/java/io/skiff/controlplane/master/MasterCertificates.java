package io.skiff.controlplane.master;

import io.skiff.controlplane.auth.Identity;
import io.skiff.pki.Addresses;
import io.skiff.pki.CertificateAuthority;
import io.skiff.pki.CertificateSpec;
import io.skiff.pki.PkiDirectory;
import io.skiff.pki.TlsFiles;
import io.skiff.store.PeerSpec;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A master's certificates, made sure of at start (docs/security.md): the cluster CA (created when
 * the PKI directory has none), {@code master-ID} (serves the API, the store port and Raft; the
 * client certificate for everything the master calls) and {@code admin} (the first administrator).
 */
final class MasterCertificates {
  static final String ADMIN = "admin";

  private MasterCertificates() {
  }

  /** Ensures the CA, the master's and the admin's files; returns the master's. */
  static TlsFiles ensure(MasterConfig config, PkiDirectory pki) throws IOException {
    CertificateAuthority ca = pki.ensureCa(config.store().clusterName());
    String id = config.store().id();
    pki.ensure(ADMIN, CertificateSpec.client(ADMIN, List.of(Identity.MASTERS_GROUP), CertificateSpec.DEFAULT_VALIDITY),
        ca);
    return pki.ensure(fileName(id), CertificateSpec.peer(Identity.MASTER_PREFIX + id, List.of(Identity.MASTERS_GROUP),
        serverNames(config), CertificateSpec.DEFAULT_VALIDITY), ca).checked();
  }

  static String fileName(String id) {
    return "master-" + id;
  }

  /** Every name the master is reached by: its API, Raft and store hosts, this host's, loopback, --tls-san. */
  static List<String> serverNames(MasterConfig config) {
    List<String> hosts = new ArrayList<>();
    hosts.add(config.apiAddress().getHostString());
    PeerSpec self = config.store().self();
    hosts.add(PeerSpec.host(self.raftAddress()));
    if (!self.clientAddress().isEmpty()) {
      hosts.add(PeerSpec.host(self.clientAddress()));
    }
    Set<String> names = new LinkedHashSet<>(Addresses.serverNames(hosts));
    names.addAll(config.security().extraSans());
    return new ArrayList<>(names);
  }
}
