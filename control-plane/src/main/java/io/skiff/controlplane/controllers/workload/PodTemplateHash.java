package io.skiff.controlplane.controllers.workload;

import com.google.protobuf.CodedOutputStream;
import io.skiff.api.v1.LabelSelector;
import io.skiff.api.v1.PodTemplateSpec;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The hash that names a Deployment's ReplicaSet for one pod template and
 * tells its pods apart by the {@value #LABEL} label (Kubernetes'
 * ComputeHash): FNV-1a of the template's deterministic protobuf encoding (map
 * entries sorted) and, after a name collision, the collision count, written in
 * an alphabet without vowels so it spells no words.
 */
final class PodTemplateHash {
  static final String LABEL = "pod-template-hash";

  private static final String ALPHABET = "bcdfghjklmnpqrstvwxz2456789";
  private static final int FNV_OFFSET = 0x811c9dc5;
  private static final int FNV_PRIME = 0x01000193;

  private PodTemplateHash() {
  }

  static String of(PodTemplateSpec template, int collisionCount) {
    int hash = FNV_OFFSET;
    for (byte b : deterministicBytes(template)) {
      hash = (hash ^ (b & 0xff)) * FNV_PRIME;
    }
    if (collisionCount > 0) {
      for (int i = 0; i < 8; i++) {  // little-endian, as Kubernetes writes it
        hash = (hash ^ (i < 4 ? (collisionCount >>> (8 * i)) & 0xff : 0)) * FNV_PRIME;
      }
    }
    String digits = Long.toString(Integer.toUnsignedLong(hash));
    StringBuilder safe = new StringBuilder(digits.length());
    for (char c : digits.toCharArray()) {
      safe.append(ALPHABET.charAt(c % ALPHABET.length()));
    }
    return safe.toString();
  }

  /** The template as a Deployment holds it: without the label its ReplicaSets add. */
  static PodTemplateSpec withoutLabel(PodTemplateSpec template) {
    return template.getMetadata().containsLabels(LABEL)
        ? template.toBuilder().setMetadata(template.getMetadata().toBuilder().removeLabels(LABEL)).build()
        : template;
  }

  /** Kubernetes' EqualIgnoreHash: the same template but for the hash label. */
  static boolean equalIgnoringLabel(PodTemplateSpec a, PodTemplateSpec b) {
    return withoutLabel(a).equals(withoutLabel(b));
  }

  static PodTemplateSpec withLabel(PodTemplateSpec template, String hash) {
    return template.toBuilder().setMetadata(template.getMetadata().toBuilder().putLabels(LABEL, hash)).build();
  }

  static LabelSelector withLabel(LabelSelector selector, String hash) {
    return selector.toBuilder().putMatchLabels(LABEL, hash).build();
  }

  private static byte[] deterministicBytes(PodTemplateSpec template) {
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream(template.getSerializedSize());
      CodedOutputStream out = CodedOutputStream.newInstance(bytes);
      out.useDeterministicSerialization();
      template.writeTo(out);
      out.flush();
      return bytes.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot encode a pod template in memory", e);
    }
  }
}
