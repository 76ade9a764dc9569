package io.skiff.controlplane.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.skiff.controlplane.auth.MethodAccess.Need;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The table of methods outside the kinds, as docs/security.md lists them. */
class MethodAccessTest {
  private final MethodAccess access = new MethodAccess(new Authorizer(new BindingIndex()), Set.of("skiff.api.v1.Pods"));

  @Test
  void eachMethodNeedsWhatTheDesignSays() {
    Map<String, Need> expected = Map.ofEntries(
        Map.entry("skiff.api.v1.Cluster/Members", Need.AUTHENTICATED),
        Map.entry("skiff.api.v1.Cluster/Version", Need.AUTHENTICATED),
        Map.entry("skiff.api.v1.Cluster/AddMember", Need.CLUSTER_ADMIN),
        Map.entry("skiff.api.v1.Cluster/RemoveMember", Need.CLUSTER_ADMIN),
        Map.entry("skiff.api.v1.Cluster/Snapshot", Need.CLUSTER_ADMIN),
        Map.entry("skiff.api.v1.Auth/WhoAmI", Need.AUTHENTICATED),
        Map.entry("skiff.api.v1.Auth/Join", Need.NONE),
        Map.entry("skiff.api.v1.Auth/CreateToken", Need.CLUSTER_ADMIN),
        Map.entry("skiff.api.v1.Auth/ListTokens", Need.CLUSTER_ADMIN),
        Map.entry("skiff.api.v1.Auth/RevokeToken", Need.CLUSTER_ADMIN),
        Map.entry("skiff.api.v1.Auth/IssueCertificate", Need.CLUSTER_ADMIN),
        Map.entry("grpc.health.v1.Health/Check", Need.NONE),
        Map.entry("grpc.reflection.v1.ServerReflection/ServerReflectionInfo", Need.AUTHENTICATED),
        Map.entry("grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo", Need.AUTHENTICATED),
        // the kinds' handlers decide per call
        Map.entry("skiff.api.v1.Pods/Delete", Need.NONE),
        // a service nobody listed is closed
        Map.entry("skiff.api.v1.Future/Anything", Need.CLUSTER_ADMIN));
    expected.forEach((method, need) -> assertEquals(need, access.need(method), method));
  }
}
