package io.skiff.agent.node;

/** Skiff's version as the node reports it (kubeletVersion): the jar's, or "dev" when run from classes. */
public final class AgentVersion {
  private AgentVersion() {
  }

  public static String get() {
    String version = AgentVersion.class.getPackage().getImplementationVersion();
    return version == null ? "dev" : "v" + version;
  }
}
