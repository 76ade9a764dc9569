package io.skiff.controlplane.master;

import java.nio.file.Path;
import java.util.List;

/**
 * A master's security settings.
 *
 * @param insecure {@code --insecure}: plaintext everywhere, no authentication, every caller cluster-admin
 * @param pkiDir {@code --pki-dir}: the cluster CA and this master's certificates (default DATA_DIR/pki)
 * @param extraSans {@code --tls-san}: more names and addresses the master's certificate is valid for
 */
public record MasterSecurity(boolean insecure, Path pkiDir, List<String> extraSans) {
  public MasterSecurity {
    extraSans = List.copyOf(extraSans);
  }

  /** TLS, authentication and authorization with the PKI in {@code pkiDir}. */
  public static MasterSecurity secure(Path pkiDir) {
    return new MasterSecurity(false, pkiDir, List.of());
  }

  public MasterSecurity withInsecure(boolean insecure) {
    return new MasterSecurity(insecure, pkiDir, extraSans);
  }
}
