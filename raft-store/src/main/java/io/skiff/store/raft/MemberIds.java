package io.skiff.store.raft;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.UUID;
import org.apache.ratis.protocol.RaftGroupId;

/**
 * Stable numeric ids derived from names, like etcd's member and cluster ids:
 * every peer computes the same number for the same name, with no coordination.
 */
final class MemberIds {
  private MemberIds() {
  }

  static long memberId(String clusterName, String peerId) {
    return hash("member/" + clusterName + "/" + peerId);
  }

  static long clusterId(String clusterName) {
    return hash("cluster/" + clusterName);
  }

  static RaftGroupId groupId(String clusterName) {
    return RaftGroupId.valueOf(UUID.nameUUIDFromBytes(("skiff-store/" + clusterName).getBytes(StandardCharsets.UTF_8)));
  }

  private static long hash(String name) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(name.getBytes(StandardCharsets.UTF_8));
      long id = 0;
      for (int i = 0; i < 8; i++) {
        id = (id << 8) | (digest[i] & 0xff);
      }
      return id == 0 ? 1 : id;
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JVM", e);
    }
  }
}
