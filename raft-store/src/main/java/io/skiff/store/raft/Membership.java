package io.skiff.store.raft;

import io.skiff.store.ErrorCode;
import io.skiff.store.PeerSpec;
import io.skiff.store.StoreException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Function;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.protocol.GroupInfoReply;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.protocol.SetConfigurationRequest;
import org.apache.ratis.protocol.exceptions.GroupMismatchException;
import org.apache.ratis.server.RaftServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The store's members, as Ratis' configuration holds them, and changes to them
 * through Ratis' setConfiguration. A change names the configuration it starts
 * from (compare-and-set), so two changes made at once through different
 * members cannot undo each other: the second fails and may be retried.
 *
 * <p>Changes run one at a time on {@code executor}. Thread-safe.
 */
final class Membership {
  private static final Logger log = LoggerFactory.getLogger(Membership.class);

  private final RaftServer server;
  private final RaftGroupId groupId;
  /** The command line's peers: store addresses of members whose configuration entry lacks one. */
  private final List<PeerSpec> configured;
  /** Builds a client for a group; for the admin calls, which find the leader themselves. */
  private final Function<RaftGroup, RaftClient> clients;
  /** Builds a client that asks once, without retries, for probing a new member. */
  private final Function<RaftGroup, RaftClient> probes;
  private final Executor executor;

  Membership(RaftServer server, RaftGroupId groupId, List<PeerSpec> configured,
      Function<RaftGroup, RaftClient> clients, Function<RaftGroup, RaftClient> probes, Executor executor) {
    this.server = server;
    this.groupId = groupId;
    this.configured = configured;
    this.clients = clients;
    this.probes = probes;
    this.executor = executor;
  }

  /**
   * The group with its current members, for the peer's Raft client. A joining peer not yet
   * added has none; it gets its command line's peers (a client needs one), and the requests
   * it sends fail until it is a member.
   */
  RaftGroup group() {
    List<RaftPeer> peers = currentPeers();
    return RaftGroup.valueOf(groupId, peers.isEmpty() ? configured.stream().map(RaftPeers::of).toList() : peers);
  }

  private List<RaftPeer> currentPeers() {
    try {
      return List.copyOf(server.getDivision(groupId).getRaftConf().getCurrentPeers());
    } catch (IOException e) {
      return List.of();
    }
  }

  /** The current members, by id. */
  List<PeerSpec> members() {
    return RaftPeers.specs(currentPeers(), configured);
  }

  /**
   * Adds {@code spec}, which must already run a store peer started with {@code --join};
   * completes once the new configuration is committed (the new member caught up first).
   */
  CompletableFuture<List<PeerSpec>> add(PeerSpec spec) {
    return CompletableFuture.supplyAsync(() -> {
      List<RaftPeer> current = currentPeers();
      for (RaftPeer p : current) {
        if (p.getId().toString().equals(spec.id())) {
          throw new StoreException(ErrorCode.ALREADY_EXISTS, "member " + spec.id() + " already exists");
        }
        if (p.getAddress().equals(spec.raftAddress())) {
          throw new StoreException(ErrorCode.ALREADY_EXISTS,
              "raft address " + spec.raftAddress() + " is already member " + p.getId() + "'s");
        }
      }
      String running = idAt(spec.raftAddress());
      if (!running.equals(spec.id())) {
        throw new StoreException(ErrorCode.FAILED_PRECONDITION, "the store peer at " + spec.raftAddress()
            + " is '" + running + "', not '" + spec.id() + "'");
      }
      List<RaftPeer> next = new ArrayList<>(current);
      next.add(RaftPeers.of(spec));
      change(current, next, "add member " + spec);
      return members();
    }, executor);
  }

  /** Removes member {@code id}, the leader included (it steps down once the change is committed). */
  CompletableFuture<List<PeerSpec>> remove(String id) {
    return CompletableFuture.supplyAsync(() -> {
      List<RaftPeer> current = currentPeers();
      List<RaftPeer> next = current.stream().filter(p -> !p.getId().toString().equals(id)).toList();
      if (next.size() == current.size()) {
        throw new StoreException(ErrorCode.NOT_FOUND, "no member " + id + " (members: "
            + String.join(", ", members().stream().map(PeerSpec::id).toList()) + ")");
      }
      if (next.isEmpty()) {
        throw new StoreException(ErrorCode.FAILED_PRECONDITION,
            "member " + id + " is the last member: a store cannot remove its last member");
      }
      change(current, next, "remove member " + id);
      return members();
    }, executor);
  }

  /**
   * The id of the store peer serving Raft at {@code raftAddress} in this cluster's group: it must run
   * already (started with {@code --join}), or the change would wait for a member that never answers.
   */
  String idAt(String raftAddress) {
    // Ratis answers a group-info request whatever id the request names, with its own id in the reply
    RaftPeer probe = RaftPeer.newBuilder().setId("probe").setAddress(raftAddress).build();
    try (RaftClient client = probes.apply(RaftGroup.valueOf(groupId, probe))) {
      GroupInfoReply info = client.getGroupManagementApi(probe.getId()).info(groupId);
      if (!info.isSuccess()) {
        throw new StoreException(ErrorCode.FAILED_PRECONDITION, "the store peer at " + raftAddress
            + " refused to describe itself: " + info.getException());
      }
      return RaftPeerId.valueOf(info.getRoleInfoProto().getSelf().getId()).toString();
    } catch (StoreException e) {
      throw e;
    } catch (GroupMismatchException e) {
      throw new StoreException(ErrorCode.FAILED_PRECONDITION, "the store peer at " + raftAddress
          + " is not in this cluster's group: start it with --join and the same --cluster-name");
    } catch (IOException | RuntimeException e) { // Ratis' gRPC fails a refused connection unchecked
      throw new StoreException(ErrorCode.FAILED_PRECONDITION, "no store peer answers at raft address " + raftAddress
          + " (" + e.getMessage() + "): start the new member with --join first");
    }
  }

  private void change(List<RaftPeer> current, List<RaftPeer> next, String what) {
    log.info("{}: {} -> {}", what, current, next);
    try (RaftClient client = clients.apply(RaftGroup.valueOf(groupId, current))) {
      RaftClientReply reply = client.admin().setConfiguration(SetConfigurationRequest.Arguments.newBuilder()
          .setServersInCurrentConf(current)
          .setServersInNewConf(next)
          .setMode(SetConfigurationRequest.Mode.COMPARE_AND_SET)
          .build());
      if (!reply.isSuccess()) {
        throw new StoreException(ErrorCode.UNAVAILABLE, what + " failed: " + reply.getException());
      }
    } catch (IOException e) {
      throw new StoreException(ErrorCode.UNAVAILABLE, what + " failed: " + e.getMessage());
    }
    log.info("{}: committed", what);
  }
}
