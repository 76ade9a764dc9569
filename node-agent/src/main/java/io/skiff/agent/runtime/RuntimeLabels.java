package io.skiff.agent.runtime;

/** The labels that tie a sandbox or container to the Skiff pod it runs. */
public final class RuntimeLabels {
  /** Marks everything the agent created: it never touches what lacks it. */
  public static final String MANAGED = "io.skiff.managed";
  /**
   * The node whose agent created it: an agent lists and removes only its own node's sandboxes and
   * containers, so two agents (or an agent and other users of the engine) on one engine do not take
   * each other's for orphans.
   */
  public static final String NODE = "io.skiff.node";
  public static final String POD_UID = "io.skiff.pod.uid";
  public static final String POD_NAME = "io.skiff.pod.name";
  public static final String POD_NAMESPACE = "io.skiff.pod.namespace";
  public static final String CONTAINER_NAME = "io.skiff.container.name";
  /** How many times this container of the pod was started before (its restart count). */
  public static final String ATTEMPT = "io.skiff.container.attempt";
  /**
   * The image as the pod spec names it: an engine may report it normalised ("docker.io/library/..."),
   * and a pod whose image was changed must be told from one whose engine renamed it.
   */
  public static final String SPEC_IMAGE = "io.skiff.container.spec-image";

  private RuntimeLabels() {
  }
}
