package io.skiff.agent.node;

import com.google.inject.Inject;
import com.google.inject.Singleton;
import com.google.protobuf.Timestamp;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.skiff.agent.AgentConfig;
import io.skiff.agent.MasterApi;
import io.skiff.agent.threads.AgentThreads;
import io.skiff.api.v1.Lease;
import io.skiff.api.v1.LeaseSpec;
import io.skiff.api.v1.ObjectMeta;
import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's heartbeat: the Lease {@code skiff-system/<node>}, held by the node, renewed every
 * renew interval with a compare-and-swap on its resource_version (a renewal from a stale copy is
 * refused, and the lease is read again). The node lifecycle controller reads its renewTime. Runs
 * on its own timer, one renewal at a time. A renewal that ends a silence (more than two intervals
 * since the last, which a renewal within its deadline cannot take: one failed, or this process
 * was stopped) has the node's status posted at once, for the masters may have marked the node
 * Unknown meanwhile and only the agent sets it Ready again.
 */
@Singleton
public final class LeaseRenewer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(LeaseRenewer.class);
  public static final String NAMESPACE = "skiff-system";

  private final AgentConfig config;
  private final MasterApi api;
  private final NodeIdentity identity;
  private final Clock clock;
  private final NodeRegistrar registrar;
  private final ScheduledExecutorService timer;
  /** The lease as last written or read; null to read it again. Renewals only. */
  private Lease lease;
  private boolean failing;
  /** When (System.nanoTime) the lease was last renewed; 0 before the first renewal. Renewals only. */
  private long renewedAt;

  @Inject
  public LeaseRenewer(AgentConfig config, MasterApi api, NodeIdentity identity, Clock clock, AgentThreads threads,
      NodeRegistrar registrar) {
    this.config = config;
    this.api = api;
    this.identity = identity;
    this.clock = clock;
    this.registrar = registrar;
    this.timer = threads.scheduler("node-lease", 1);
  }

  public void start() {
    long every = config.leaseRenewInterval().toMillis();
    timer.scheduleWithFixedDelay(this::renew, 0, every, TimeUnit.MILLISECONDS);
  }

  private void renew() {
    try {
      for (int attempt = 0; attempt < 2; attempt++) {
        Lease current = lease != null ? lease : readOrCreate();
        try {
          lease = api.leases().update(renewed(current));
          break;
        } catch (StatusRuntimeException e) {
          lease = null;
          if (e.getStatus().getCode() != Status.Code.ABORTED && e.getStatus().getCode() != Status.Code.NOT_FOUND) {
            throw e;
          }
          log.debug("lease of node {} changed under us ({}); reading it again", identity.name(), e.getStatus());
        }
      }
      if (failing) {
        log.info("lease of node {} renewed again", identity.name());
        failing = false;
      }
      long now = System.nanoTime();
      if (renewedAt != 0 && now - renewedAt > 2 * config.leaseRenewInterval().toNanos()) {
        log.info("lease of node {} renewed after {} ms of silence; posting the node's status now", identity.name(),
            TimeUnit.NANOSECONDS.toMillis(now - renewedAt));
        registrar.postStatusNow();
      }
      renewedAt = now;
    } catch (StatusRuntimeException e) {
      if (timer.isShutdown()) {
        return;  // interrupted by close()
      }
      if (!failing) {
        log.warn("cannot renew the lease of node {}: {}", identity.name(), e.getStatus());
        failing = true;
      }
    } catch (RuntimeException e) {
      log.error("lease renewal of node {} failed", identity.name(), e);
    }
  }

  private Lease readOrCreate() {
    try {
      return api.leases().get(NAMESPACE, identity.name());
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() != Status.Code.NOT_FOUND) {
        throw e;
      }
    }
    Timestamp now = now();
    Lease created = api.leases().create(Lease.newBuilder()
        .setMetadata(ObjectMeta.newBuilder().setNamespace(NAMESPACE).setName(identity.name()))
        .setSpec(LeaseSpec.newBuilder().setHolderIdentity(identity.name())
            .setLeaseDurationSeconds(config.leaseDurationSeconds()).setAcquireTime(now).setRenewTime(now)
            .setLeaseTransitions(0))
        .build());
    log.info("lease {}/{} created", NAMESPACE, identity.name());
    return created;
  }

  /** The lease renewed now by this node; its resource_version stays as read, so the update is a compare-and-swap. */
  private Lease renewed(Lease current) {
    LeaseSpec.Builder spec = current.getSpec().toBuilder()
        .setLeaseDurationSeconds(config.leaseDurationSeconds()).setRenewTime(now());
    if (!current.getSpec().getHolderIdentity().equals(identity.name())) {
      spec.setHolderIdentity(identity.name()).setAcquireTime(now())
          .setLeaseTransitions(current.getSpec().getLeaseTransitions() + 1);
    }
    return current.toBuilder().setSpec(spec).build();
  }

  private Timestamp now() {
    Instant now = clock.instant();
    return Timestamp.newBuilder().setSeconds(now.getEpochSecond()).setNanos(now.getNano() / 1000 * 1000).build();
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
