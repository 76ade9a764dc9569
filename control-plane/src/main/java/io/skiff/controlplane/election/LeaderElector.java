package io.skiff.controlplane.election;

import com.google.protobuf.Timestamp;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.skiff.api.v1.Lease;
import io.skiff.api.v1.LeaseSpec;
import io.skiff.api.v1.ObjectMeta;
import io.skiff.client.DaemonThreads;
import io.skiff.client.FencingToken;
import io.skiff.client.ResourceClient;
import java.time.Clock;
import java.time.Duration;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Campaigns for one Lease and holds it while it can. Each acquisition yields a
 * {@link FencingToken} (the lease's resource_version at that write, where its
 * fence now stands); everything done while leading must write with that token.
 * Runs on its own thread; the callbacks run on it too, so they must not block.
 */
public final class LeaderElector implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(LeaderElector.class);

  /** What a leader does with its terms. */
  public interface Callbacks {
    /** This candidate now leads; everything it writes must carry {@code token}. */
    void startedLeading(FencingToken token);

    /** This candidate no longer leads (it could not renew in time, or someone else holds the lease). */
    void stoppedLeading();
  }

  /** What one round of campaigning found. */
  private enum Round { HELD, HELD_BY_ANOTHER, UNKNOWN }

  private final ResourceClient<Lease> leases;
  private final String identity;
  private final ElectionSettings settings;
  private final Clock wallClock;
  private final LongSupplier nanos;
  private final Callbacks callbacks;
  private final Thread thread;
  private volatile boolean closed;
  /** The current term's token; null while not leading. */
  private volatile FencingToken token;
  /** The token of our last acquisition: still good while the lease has named us ever since. */
  private FencingToken lastToken;
  /** The lease's resource_version as last read, and when (our monotonic clock) it last changed. */
  private long observedVersion;
  private long observedAt;
  private long lastRenewal;

  public LeaderElector(ResourceClient<Lease> leases, String identity, ElectionSettings settings, Clock wallClock,
      Callbacks callbacks) {
    this(leases, identity, settings, wallClock, System::nanoTime, callbacks);
  }

  LeaderElector(ResourceClient<Lease> leases, String identity, ElectionSettings settings, Clock wallClock,
      LongSupplier nanos, Callbacks callbacks) {
    this.leases = leases;
    this.identity = identity;
    this.settings = settings;
    this.wallClock = wallClock;
    this.nanos = nanos;
    this.callbacks = callbacks;
    this.thread = DaemonThreads.thread("leader-election", this::run);
  }

  public LeaderElector start() {
    thread.start();
    return this;
  }

  public String identity() {
    return identity;
  }

  public boolean leading() {
    return token != null;
  }

  /** The token of the current term, or null when not leading. */
  public FencingToken token() {
    return token;
  }

  private void run() {
    lastRenewal = nanos.getAsLong();
    while (!closed) {
      Round round = campaign();
      if (round == Round.HELD) {
        lastRenewal = nanos.getAsLong();
      } else if (token != null && round == Round.HELD_BY_ANOTHER) {
        stopLeading("another candidate holds the lease");
      } else if (token != null && nanos.getAsLong() - lastRenewal >= settings.renewDeadline().toNanos()) {
        stopLeading("could not renew the lease within " + settings.renewDeadline().toMillis() + " ms");
      }
      try {
        Thread.sleep(settings.retryPeriod().toMillis());
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  /** Reads the lease and takes or renews it if it may. */
  private Round campaign() {
    Timestamp now = timestamp();
    Lease lease;
    try {
      lease = leases.get(settings.namespace(), settings.name());
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() != Status.Code.NOT_FOUND) {
        log.debug("cannot read lease {}: {}", settings.name(), e.getStatus());
        return Round.UNKNOWN;
      }
      return create(now);
    }
    long version = lease.getMetadata().getResourceVersion();
    if (version != observedVersion) {
      observedVersion = version;
      observedAt = nanos.getAsLong();
    }
    LeaseSpec spec = lease.getSpec();
    boolean mine = spec.getHolderIdentity().equals(identity);
    long durationNanos = Duration.ofSeconds(spec.getLeaseDurationSeconds()).toNanos();
    if (!mine && !spec.getHolderIdentity().isEmpty() && nanos.getAsLong() - observedAt < durationNanos) {
      return Round.HELD_BY_ANOTHER;
    }
    LeaseSpec.Builder next = spec.toBuilder().setRenewTime(now).setLeaseDurationSeconds(leaseSeconds());
    if (!mine) {
      next.setHolderIdentity(identity).setAcquireTime(now).setLeaseTransitions(spec.getLeaseTransitions() + 1);
    }
    try {
      Lease written = leases.update(lease.toBuilder().setSpec(next).build());
      observedVersion = written.getMetadata().getResourceVersion();
      observedAt = nanos.getAsLong();
      if (!mine) {
        // the write that gave the lease a new holder moved its fence to this revision
        startLeading(new FencingToken(settings.namespace(), settings.name(), observedVersion),
            spec.getHolderIdentity().isEmpty() ? "nobody" : spec.getHolderIdentity());
      } else if (token == null && lastToken != null) {
        startLeading(lastToken, "we");
      }
      return token != null ? Round.HELD : Round.UNKNOWN;
    } catch (StatusRuntimeException e) {
      log.debug("cannot write lease {}: {}", settings.name(), e.getStatus());
      return Round.UNKNOWN;
    }
  }

  private Round create(Timestamp now) {
    Lease lease = Lease.newBuilder()
        .setMetadata(ObjectMeta.newBuilder().setNamespace(settings.namespace()).setName(settings.name()))
        .setSpec(LeaseSpec.newBuilder().setHolderIdentity(identity).setLeaseDurationSeconds(leaseSeconds())
            .setAcquireTime(now).setRenewTime(now).setLeaseTransitions(0))
        .build();
    try {
      Lease written = leases.create(lease);
      observedVersion = written.getMetadata().getResourceVersion();
      observedAt = nanos.getAsLong();
      startLeading(new FencingToken(settings.namespace(), settings.name(), observedVersion), "nobody");
      return Round.HELD;
    } catch (StatusRuntimeException e) {
      log.debug("cannot create lease {}: {}", settings.name(), e.getStatus());
      return Round.UNKNOWN;
    }
  }

  private int leaseSeconds() {
    return (int) Math.max(1, (settings.leaseDuration().toMillis() + 999) / 1000);
  }

  private void startLeading(FencingToken term, String previous) {
    token = term;
    lastToken = term;
    log.info("{} now leads ({} held lease {}/{} before); fencing token {}", identity, previous,
        settings.namespace(), settings.name(), term.format());
    callbacks.startedLeading(term);
  }

  private void stopLeading(String why) {
    token = null;
    log.warn("{} stopped leading: {}", identity, why);
    callbacks.stoppedLeading();
  }

  /** Stops renewing and campaigning; a leader still leads (its lease runs out) until {@link #close}. */
  public void stopCampaigning() throws InterruptedException {
    closed = true;
    thread.interrupt();
    thread.join(5_000);
  }

  /**
   * Stops campaigning. A leader hands the lease back (no holder), so the next
   * candidate need not wait for it to expire.
   */
  @Override
  public void close() throws InterruptedException {
    stopCampaigning();
    if (token != null) {
      stopLeading("closing");
      try {
        Lease lease = leases.get(settings.namespace(), settings.name());
        if (lease.getSpec().getHolderIdentity().equals(identity)) {
          leases.update(lease.toBuilder().setSpec(lease.getSpec().toBuilder().setHolderIdentity("")
              .setLeaseDurationSeconds(1)).build());
        }
      } catch (StatusRuntimeException e) {
        log.debug("cannot release lease {}: {}", settings.name(), e.getStatus());
      }
    }
  }

  private Timestamp timestamp() {
    java.time.Instant now = wallClock.instant();
    return Timestamp.newBuilder().setSeconds(now.getEpochSecond()).setNanos(now.getNano()).build();
  }
}
