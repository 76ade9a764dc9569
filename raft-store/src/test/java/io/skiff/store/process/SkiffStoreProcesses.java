package io.skiff.store.process;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A Skiff store cluster: three JVMs running {@code StoreServerMain}. Each is launched on this test JVM's
 * own classpath, which holds raft-store's classes and all their dependencies, so no packaged jar is needed.
 */
public final class SkiffStoreProcesses extends LocalProcessCluster {

  static final String MAIN_CLASS = "io.skiff.store.server.StoreServerMain";

  public SkiffStoreProcesses() {
    super("skiff-store-cluster-");
  }

  @Override
  List<String> command(Member member, List<Member> all) {
    // Each entry is id=raftHost:raftPort/clientHost:clientPort, the contract of StoreServerMain's --peers.
    String peers = all.stream()
        .map(m -> m.name + "=" + HOST + ":" + m.peerPort + "/" + m.clientEndpoint())
        .collect(Collectors.joining(","));
    return List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        // Small heaps and serial GC: three members share two cores with the test JVM and the build.
        "-Xmx512m",
        "-XX:+UseSerialGC",
        "-cp", System.getProperty("java.class.path"),
        MAIN_CLASS,
        "--id", member.name,
        "--peers", peers,
        "--data-dir", member.dataDir.toString(),
        // these clusters are compared with a plaintext etcd (etcdctl compatibility, linearizability, crashes)
        "--insecure");
  }
}
