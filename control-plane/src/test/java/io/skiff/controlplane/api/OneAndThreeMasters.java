package io.skiff.controlplane.api;

import io.grpc.Channel;
import io.skiff.controlplane.testing.MasterCluster;
import java.nio.file.Path;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A test class run twice: against one master, then against three. Each run
 * starts its own cluster, which the class's tests share. With three masters,
 * {@link #writer()} and {@link #reader()} are different masters, so a test that
 * writes through one and reads (or conflicts) through the other checks that any
 * master serves every request alike.
 */
@ParameterizedClass(name = "{0} master(s)")
@ValueSource(ints = {1, 3})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class OneAndThreeMasters {
  /** How many masters this run has. */
  @Parameter
  int masters;

  MasterCluster cluster;

  @BeforeParameterizedClassInvocation
  void startCluster(int size, @TempDir Path dataDir) throws Exception {
    cluster = MasterCluster.start(size, dataDir);
  }

  @AfterParameterizedClassInvocation
  void stopCluster() throws Exception {
    cluster.close();
  }

  /** The master writes go through: the first. */
  Channel writer() {
    return cluster.channel(0);
  }

  /** The master reads and competing writes go through: the last (the writer itself when there is one). */
  Channel reader() {
    return cluster.channel(cluster.size() - 1);
  }
}
