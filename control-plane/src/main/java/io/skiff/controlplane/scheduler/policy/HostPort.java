package io.skiff.controlplane.scheduler.policy;

/** A port a pod takes on its node's address: "TCP/8080". Two pods on one node may not take the same. */
public record HostPort(String protocol, int port) {
  @Override
  public String toString() {
    return protocol + "/" + port;
  }
}
