package io.skiff.controlplane.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.ManagedChannel;
import io.skiff.api.v1.ClusterGrpc;
import io.skiff.api.v1.GetRequest;
import io.skiff.api.v1.MembersRequest;
import io.skiff.api.v1.Namespace;
import io.skiff.api.v1.NamespacesGrpc;
import io.skiff.api.v1.ObjectMeta;
import io.skiff.pki.TlsFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Backup with the real etcdctl ({@code snapshot save} against a master's store endpoint), then a new
 * three-master cluster of real processes, each started with {@code --restore-snapshot} of that file.
 */
@Tag("process")
class BackupRestoreProcessTest {
  @TempDir
  Path scratch;

  @Test
  void threeNewMastersRestoredFromOneEtcdctlSnapshotServeTheSameObjects() throws Exception {
    Path file = scratch.resolve("cluster.snap");
    Namespace saved;
    try (MasterProcess source = MasterProcess.start("backup-source")) {
      ManagedChannel channel = source.channel();
      try {
        saved = NamespacesGrpc.newBlockingStub(channel).create(Namespace.newBuilder()
            .setMetadata(ObjectMeta.newBuilder().setName("kept").putLabels("team", "a")).build());
      } finally {
        channel.shutdownNow();
      }
      // the store port takes the administrator's certificate (group system:masters) only
      TlsFiles admin = source.adminFiles();
      Process etcdctl = new ProcessBuilder("etcdctl", "--endpoints", "https://" + source.storeEndpoint(),
          "--cacert", admin.trustedCa().toString(), "--cert", admin.certificate().toString(),
          "--key", admin.privateKey().toString(), "snapshot", "save", file.toString())
          .redirectErrorStream(true).start();
      assertTrue(etcdctl.waitFor(60, TimeUnit.SECONDS), "etcdctl snapshot save finished");
      String output = new String(etcdctl.getInputStream().readAllBytes());
      assertEquals(0, etcdctl.exitValue(), output);
      assertTrue(Files.size(file) > 0, output);
    }

    List<MasterProcess> restored = MasterProcess.startCluster("backup-restored", 3, MasterProcess.TEST_JVM_OPTIONS,
        List.of("--controllers", "false", "--restore-snapshot", file.toString()));
    List<ManagedChannel> channels = new ArrayList<>();
    try {
      for (MasterProcess master : restored) {
        ManagedChannel channel = master.channel();
        channels.add(channel);
        Namespace read = NamespacesGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS)
            .get(GetRequest.newBuilder().setName("kept").build());
        assertEquals(saved, read, "as " + master.id() + " serves it");
      }
      assertEquals(3, ClusterGrpc.newBlockingStub(channels.get(0)).members(MembersRequest.getDefaultInstance())
          .getMembersCount());
      Namespace next = NamespacesGrpc.newBlockingStub(channels.get(1)).create(Namespace.newBuilder()
          .setMetadata(ObjectMeta.newBuilder().setName("after-restore")).build());
      assertTrue(next.getMetadata().getResourceVersion() > saved.getMetadata().getResourceVersion());
    } finally {
      channels.forEach(ManagedChannel::shutdownNow);
      restored.forEach(MasterProcess::close);
    }
  }

}
