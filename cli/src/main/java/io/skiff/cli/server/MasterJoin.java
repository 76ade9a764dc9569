package io.skiff.cli.server;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.skiff.agent.tls.NodeJoiner;
import io.skiff.api.v1.AddMemberRequest;
import io.skiff.api.v1.ClusterGrpc;
import io.skiff.client.Credentials;
import io.skiff.client.Endpoints;
import io.skiff.client.MasterChannels;
import io.skiff.pki.Addresses;
import io.skiff.pki.KeyPairs;
import io.skiff.pki.Pem;
import io.skiff.pki.PkiDirectory;
import io.skiff.store.PeerSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A new master joining a running cluster with a join-master token, as a k3s server joins with
 * its token: it fetches the cluster CA (certificate and key, so it can issue certificates as
 * every master does) over TLS pinned to the CA's hash, then, while its empty store peer waits,
 * adds itself as a member through the masters it was given, with the admin certificate its own
 * CA now makes.
 */
final class MasterJoin {
  private static final Logger log = LoggerFactory.getLogger(MasterJoin.class);
  private static final Duration CALL_TIMEOUT = Duration.ofSeconds(30);
  /** The new peer must listen before the cluster can add it; the master starts within this. */
  private static final Duration ADD_PATIENCE = Duration.ofMinutes(2);

  /** The masters to join through, a join-master token and the CA hash it is pinned to. */
  record Ticket(String servers, String token, String caCertHash) {
    @Override
    public String toString() {
      return "Ticket[" + servers + ", " + caCertHash + "]";  // never the token
    }
  }

  private MasterJoin() {
  }

  /** Puts the cluster's CA certificate and key into {@code pki}, unless it holds a CA key already. */
  static void fetchCa(Ticket ticket, String id, List<String> hosts, PkiDirectory pki) throws IOException {
    if (Files.exists(pki.caKey())) {
      return;  // joined before (or the CA was copied in): a restart goes on with it
    }
    NodeJoiner.Joined joined = new NodeJoiner(Endpoints.parse(ticket.servers()), CALL_TIMEOUT)
        .fetch(ticket.token(), ticket.caCertHash(), id, Addresses.serverNames(hosts), KeyPairs.generate());
    if (joined.caKeyPem().isEmpty()) {
      throw new IOException("the masters gave no CA key: a master joins with a join-master token "
          + "(skiff token create --purpose join-master)");
    }
    Pem.privateKey(joined.caKeyPem());  // refuse a key that does not parse before writing anything
    Pem.writeSecret(pki.caKey(), joined.caKeyPem());
    pki.installCa(joined.ca());
    log.info("joined the cluster's PKI as master {}: CA {} saved in {}", id, ticket.caCertHash(), pki.dir());
  }

  /**
   * Adds master {@code self} to the cluster through the ticket's masters, in the background: once
   * the admin certificate exists (the master makes it at start) and its peer answers.
   */
  static Thread addSelf(Ticket ticket, PeerSpec self, PkiDirectory pki) {
    Thread thread = new Thread(() -> {
      try {
        add(ticket, self, pki);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (RuntimeException e) {
        log.error("could not add master {} to the cluster; add it with: skiff cluster add-member {} "
            + "--raft-address {} --store-address {}", self.id(), self.id(), self.raftAddress(), self.clientAddress(), e);
      }
    }, "join-" + self.id());
    thread.setDaemon(true);
    thread.start();
    return thread;
  }

  private static void add(Ticket ticket, PeerSpec self, PkiDirectory pki) throws InterruptedException {
    Instant deadline = Instant.now().plus(ADD_PATIENCE);
    while (!Files.exists(pki.certificate("admin")) || !Files.exists(pki.key("admin"))) {
      if (Instant.now().isAfter(deadline)) {
        throw new IllegalStateException("no admin certificate in " + pki.dir() + " after " + ADD_PATIENCE);
      }
      Thread.sleep(200);
    }
    ManagedChannel channel = MasterChannels.open(Endpoints.parse(ticket.servers()), Credentials.tls(pki.files("admin")));
    try {
      AddMemberRequest request = AddMemberRequest.newBuilder().setId(self.id()).setRaftAddress(self.raftAddress())
          .setStoreAddress(self.clientAddress()).build();
      while (true) {
        try {
          ClusterGrpc.newBlockingStub(channel).withDeadlineAfter(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
              .addMember(request);
          log.info("master {} added to the cluster", self.id());
          return;
        } catch (StatusRuntimeException e) {
          Status.Code code = e.getStatus().getCode();
          if (code == Status.Code.ALREADY_EXISTS) {
            log.info("master {} is a member already", self.id());
            return;
          }
          // FAILED_PRECONDITION: our peer does not answer yet; UNAVAILABLE: a master between leaders
          if ((code != Status.Code.FAILED_PRECONDITION && code != Status.Code.UNAVAILABLE)
              || Instant.now().isAfter(deadline)) {
            throw e;
          }
          Thread.sleep(500);
        }
      }
    } finally {
      channel.shutdownNow();
    }
  }
}
