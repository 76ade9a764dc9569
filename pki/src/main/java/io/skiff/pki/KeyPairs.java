package io.skiff.pki;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;

/** Key pairs for the cluster: ECDSA on P-256, which every TLS stack here (Java, Go's etcdctl, grpcurl) speaks. */
public final class KeyPairs {
  static final String SIGNATURE = "SHA256withECDSA";

  private KeyPairs() {
  }

  public static KeyPair generate() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"));
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("this JVM cannot make P-256 keys", e);
    }
  }
}
