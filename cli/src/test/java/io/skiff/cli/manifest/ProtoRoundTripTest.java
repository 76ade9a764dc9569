package io.skiff.cli.manifest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Timestamp;
import io.skiff.api.v1.Container;
import io.skiff.api.v1.ContainerState;
import io.skiff.api.v1.ContainerStateTerminated;
import io.skiff.api.v1.ContainerStatus;
import io.skiff.api.v1.Member;
import io.skiff.api.v1.ObjectMeta;
import io.skiff.api.v1.OwnerReference;
import io.skiff.api.v1.Pod;
import io.skiff.api.v1.PodSpec;
import io.skiff.api.v1.PodStatus;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The encoder's trees read back to equal messages; they print as Kubernetes prints objects. */
class ProtoRoundTripTest {
  @Test
  void aFullPodSurvivesEncodingAndDecoding() {
    Pod pod = Pod.newBuilder()
        .setApiVersion("v1").setKind("Pod")
        .setMetadata(ObjectMeta.newBuilder().setName("web").setNamespace("shop").setUid("u-1").setResourceVersion(77)
            .setGeneration(3).putLabels("app", "web").putAnnotations("a", "multi\nline")
            .addOwnerReferences(OwnerReference.newBuilder().setKind("ReplicaSet").setName("rs").setController(true))
            .setCreationTimestamp(Timestamp.newBuilder().setSeconds(1_700_000_000).setNanos(5_000_000))
            .setDeletionGracePeriodSeconds(0))
        .setSpec(PodSpec.newBuilder().setNodeName("n1").setTerminationGracePeriodSeconds(0)
            .addContainers(Container.newBuilder().setName("c").setImage("i").addArgs("8080")))
        .setStatus(PodStatus.newBuilder().setPhase("Running").setPodIp("10.0.0.1")
            .addContainerStatuses(ContainerStatus.newBuilder().setName("c").setRestartCount(2).setStarted(false)
                .setLastState(ContainerState.newBuilder().setTerminated(ContainerStateTerminated.newBuilder()
                    .setExitCode(137).setReason("OOMKilled")))))
        .build();
    Map<String, Object> tree = ProtoEncoder.encode(pod);
    assertEquals("77", ((Map<?, ?>) tree.get("metadata")).get("resourceVersion"), "resourceVersion is a string");
    assertEquals(3L, ((Map<?, ?>) tree.get("metadata")).get("generation"));
    assertEquals("10.0.0.1", ((Map<?, ?>) tree.get("status")).get("podIP"));
    assertEquals("2023-11-14T22:13:20.005Z", ((Map<?, ?>) tree.get("metadata")).get("creationTimestamp"));
    assertEquals(pod, ProtoDecoder.decode(tree, Pod.getDefaultInstance()).message());
    // through text and back, as `get -o yaml | apply -f -` would
    assertEquals(pod, ProtoDecoder.decode(Yamls.loadOne(Yamls.dump(tree)), Pod.getDefaultInstance()).message());
    assertEquals(pod, ProtoDecoder.decode(Yamls.loadOne(Json.pretty(tree)), Pod.getDefaultInstance()).message());
    String yaml = Yamls.dump(tree);
    assertTrue(yaml.contains("  - \"8080\"\n"), yaml);
    assertTrue(yaml.contains("    a: |-\n      multi\n      line\n"), yaml);
  }

  @Test
  void unsignedIntegersPrintAsUnsigned() {
    Member member = Member.newBuilder().setId("m1").setMemberId(-1L).build();
    assertEquals(new java.math.BigInteger("18446744073709551615"), ProtoEncoder.encode(member).get("memberID"));
    assertEquals(member, ProtoDecoder.decode(ProtoEncoder.encode(member), Member.getDefaultInstance()).message());
  }
}
