package io.skiff.agent;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.util.Timestamps;
import io.grpc.StatusRuntimeException;
import io.skiff.agent.runtime.InMemoryRuntime;
import io.skiff.api.v1.Condition;
import io.skiff.api.v1.Lease;
import io.skiff.api.v1.Node;
import io.skiff.api.v1.NodeAddress;
import io.skiff.client.Quantity;
import io.skiff.client.ResourceClient;
import io.skiff.client.ResourceTypes;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** An agent registers its node with what the machine has, keeps it Ready, and renews its lease by compare-and-swap. */
@ExtendWith(SharedMasters.class)
class NodeRegistrationTest {
  @Test
  void theNodeIsRegisteredWithCapacityAddressesInfoAndAReadyHeartbeat() throws Exception {
    ResourceClient<Node> nodes = new ResourceClient<>(SharedMasters.cluster().channel(0), ResourceTypes.NODES, 10_000);
    String name = TestAgent.uniqueNode();
    try (InMemoryRuntime runtime = new InMemoryRuntime();
        TestAgent agent = TestAgent.start(SharedMasters.cluster(), name, runtime)) {
      Node node = await().atMost(PodTesting.PATIENCE).ignoreException(StatusRuntimeException.class)
          .until(() -> nodes.get("", name), n -> n.getStatus().getConditionsCount() > 0);

      var status = node.getStatus();
      assertEquals(String.valueOf(Runtime.getRuntime().availableProcessors()), status.getCapacityMap().get("cpu"));
      assertTrue(status.getCapacityMap().get("memory").matches("\\d+Mi"), status.getCapacityMap().toString());
      assertTrue(Quantity.parse(status.getCapacityMap().get("memory")).value() > 64L << 20);
      assertEquals("110", status.getCapacityMap().get("pods"));
      assertEquals(status.getCapacityMap(), status.getAllocatableMap());
      assertEquals("127.0.0.1", address(node, "InternalIP"));
      assertFalse(address(node, "Hostname").isEmpty());
      assertEquals("in-memory://1.0", status.getNodeInfo().getContainerRuntimeVersion());
      assertFalse(status.getNodeInfo().getKernelVersion().isEmpty());
      assertFalse(status.getNodeInfo().getOsImage().isEmpty());
      assertFalse(status.getNodeInfo().getArchitecture().isEmpty());
      assertFalse(status.getNodeInfo().getKubeletVersion().isEmpty());
      assertEquals(agent.agent.port(), status.getDaemonEndpoints().getKubeletEndpoint().getPort());
      assertEquals(name, node.getMetadata().getLabelsMap().get("kubernetes.io/hostname"));
      Condition ready = status.getConditions(0);
      assertEquals("Ready", ready.getType());
      assertEquals("True", ready.getStatus());
      long firstBeat = ready.getLastHeartbeatTime().getSeconds();
      await().atMost(PodTesting.PATIENCE).until(() -> heartbeat(nodes.get("", name)) > firstBeat);
      assertEquals(ready.getLastTransitionTime(), nodes.get("", name).getStatus().getConditions(0).getLastTransitionTime(),
          "a heartbeat does not move the transition time");
    }
  }

  @Test
  void theLeaseIsRenewedAndTakenBackAfterAnotherWriter() throws Exception {
    ResourceClient<Lease> leases = new ResourceClient<>(SharedMasters.cluster().channel(0), ResourceTypes.LEASES,
        10_000);
    String name = TestAgent.uniqueNode();
    try (InMemoryRuntime runtime = new InMemoryRuntime();
        TestAgent agent = TestAgent.start(SharedMasters.cluster(), name, runtime)) {
      Lease first = await().atMost(PodTesting.PATIENCE).ignoreException(StatusRuntimeException.class)
          .until(() -> leases.get("skiff-system", name), l -> true);
      assertEquals(name, first.getSpec().getHolderIdentity());
      assertEquals(40, first.getSpec().getLeaseDurationSeconds());
      await().atMost(PodTesting.PATIENCE).until(() -> Timestamps.compare(
          leases.get("skiff-system", name).getSpec().getRenewTime(), first.getSpec().getRenewTime()) > 0);

      // someone else writes the lease: the agent's next compare-and-swap fails, it reads again and takes it back
      // (the intruder's own write is a compare-and-swap too, so it may have to try again)
      Lease intruded = await().atMost(PodTesting.PATIENCE).ignoreException(StatusRuntimeException.class).until(() -> {
        Lease current = leases.get("skiff-system", name);
        return leases.update(current.toBuilder().setSpec(current.getSpec().toBuilder().setHolderIdentity("intruder"))
            .build());
      }, l -> true);
      Lease retaken = await().atMost(PodTesting.PATIENCE).until(() -> leases.get("skiff-system", name),
          l -> l.getSpec().getHolderIdentity().equals(name));
      assertEquals(intruded.getSpec().getLeaseTransitions() + 1, retaken.getSpec().getLeaseTransitions());
    }
  }

  private static long heartbeat(Node node) {
    return node.getStatus().getConditions(0).getLastHeartbeatTime().getSeconds();
  }

  private static String address(Node node, String type) {
    return node.getStatus().getAddressesList().stream().filter(a -> a.getType().equals(type))
        .map(NodeAddress::getAddress).findFirst().orElse("");
  }
}
