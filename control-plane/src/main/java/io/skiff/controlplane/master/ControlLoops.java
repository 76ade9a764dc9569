package io.skiff.controlplane.master;

import io.skiff.controlplane.controllers.Controller;
import io.skiff.controlplane.controllers.ControllerContext;
import io.skiff.controlplane.controllers.gc.GarbageCollector;
import io.skiff.controlplane.controllers.node.NodeLifecycleController;
import io.skiff.controlplane.controllers.workload.DeploymentController;
import io.skiff.controlplane.controllers.workload.ReplicaSetController;
import io.skiff.controlplane.scheduler.Scheduler;
import java.util.List;

/** The scheduler and controllers the leading master runs, in the order they start. */
final class ControlLoops {
  private ControlLoops() {
  }

  static List<Controller> all(ControllerContext ctx) {
    return List.of(
        new Scheduler(ctx),
        new ReplicaSetController(ctx),
        new DeploymentController(ctx),
        new NodeLifecycleController(ctx),
        new GarbageCollector(ctx));
  }
}
