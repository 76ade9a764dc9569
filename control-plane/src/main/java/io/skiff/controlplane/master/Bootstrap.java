package io.skiff.controlplane.master;

import io.grpc.Status;
import io.skiff.api.v1.Namespace;
import io.skiff.api.v1.ObjectMeta;
import io.skiff.controlplane.kinds.Kinds;
import io.skiff.controlplane.registry.ApiException;
import io.skiff.controlplane.registry.Registry;
import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** What a cluster always has: the system namespaces. Every master ensures them at start. */
final class Bootstrap {
  private static final Logger log = LoggerFactory.getLogger(Bootstrap.class);

  private Bootstrap() {
  }

  /** Creates the missing system namespaces, waiting (up to {@code patience}) for the store to have a quorum. */
  static void ensureNamespaces(Registry<Namespace> namespaces, Duration patience) throws InterruptedException {
    Instant deadline = Instant.now().plus(patience);
    for (String name : Kinds.SYSTEM_NAMESPACES) {
      while (true) {
        try {
          if (namespaces.read("", name).isEmpty()) {
            namespaces.create(Namespace.newBuilder().setMetadata(ObjectMeta.newBuilder().setName(name)).build());
            log.info("created namespace {}", name);
          }
          break;
        } catch (ApiException e) {
          if (e.code() == Status.Code.ALREADY_EXISTS) {
            break;
          }
          if (Instant.now().isAfter(deadline)) {
            throw e;
          }
          log.info("waiting for the store to create namespace {}: {}", name, e.getMessage());
          Thread.sleep(500);
        }
      }
    }
  }
}
