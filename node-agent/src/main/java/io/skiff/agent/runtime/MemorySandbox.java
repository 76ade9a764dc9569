package io.skiff.agent.runtime;

/** One sandbox of the {@link InMemoryRuntime}; guarded by the runtime's lock. */
final class MemorySandbox {
  final String id;
  final SandboxConfig config;
  final String ip;
  boolean running = true;

  MemorySandbox(String id, SandboxConfig config, String ip) {
    this.id = id;
    this.config = config;
    this.ip = ip;
  }

  SandboxStatus status() {
    return new SandboxStatus(id, config.name(), config.labels(), running, running ? ip : "");
  }
}
