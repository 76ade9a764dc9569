package io.skiff.store;

/**
 * What one store peer knows about itself and its cluster, as etcd's
 * Maintenance.Status reports it. {@code leaderMemberId} is 0 while no leader is known.
 */
public record PeerStatus(
    long clusterId,
    long memberId,
    long leaderMemberId,
    long term,
    long commitIndex,
    long appliedIndex,
    long revision,
    long dbSizeBytes) {

  public boolean isLeader() {
    return leaderMemberId != 0 && leaderMemberId == memberId;
  }
}
