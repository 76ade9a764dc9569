package io.skiff.store.raft;

import io.skiff.proto.store.LeaseExpireRequest;
import io.skiff.proto.store.StoreRequest;
import io.skiff.store.mvcc.StoreState;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * On the leader only, proposes the expiry of leases whose deadline has passed.
 * The decision is re-checked when the entry is applied (against the entry's
 * clock), so a keep-alive committed first, or a stale leader, cannot expire a
 * live lease.
 */
final class LeaseExpirer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(LeaseExpirer.class);
  private static final long PERIOD_MILLIS = 250;

  private final StoreState state;
  private final Proposer proposer;
  private final BooleanSupplier isLeader;
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "lease-expirer");
    t.setDaemon(true);
    return t;
  });
  /** Expiries proposed and not yet answered, so one lease is not proposed again each tick. */
  private final Set<Long> proposing = java.util.concurrent.ConcurrentHashMap.newKeySet();

  LeaseExpirer(StoreState state, Proposer proposer, BooleanSupplier isLeader) {
    this.state = state;
    this.proposer = proposer;
    this.isLeader = isLeader;
  }

  void start() {
    timer.scheduleWithFixedDelay(this::tick, PERIOD_MILLIS, PERIOD_MILLIS, TimeUnit.MILLISECONDS);
  }

  private void tick() {
    try {
      if (!isLeader.getAsBoolean()) {
        return;
      }
      List<Long> expired = state.expiredLeases(System.currentTimeMillis());
      for (long id : new HashSet<>(expired)) {
        if (!proposing.add(id)) {
          continue;
        }
        StoreRequest request = StoreRequest.newBuilder().setLeaseExpire(LeaseExpireRequest.newBuilder().setID(id)).build();
        proposer.propose(request).whenComplete((resp, error) -> {
          proposing.remove(id);
          if (error != null) {
            log.debug("expiry of lease {} not committed: {}", id, error.getMessage());
          } else if (resp.getLeaseExpire().getExpired()) {
            log.info("lease {} expired", Long.toHexString(id));
          }
        });
      }
    } catch (RuntimeException e) {
      log.error("lease expiry check failed", e);
    }
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
