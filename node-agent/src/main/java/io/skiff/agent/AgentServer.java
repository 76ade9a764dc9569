package io.skiff.agent;

import java.io.IOException;

/**
 * Where the masters reach an agent, to stream its pods' logs: an agent process serves on a port
 * of its own; the hollow nodes of one JVM share one server. The port goes into the node's status.
 */
public interface AgentServer {
  /** Starts serving (if this agent serves itself); returns the port the masters reach it on. */
  int start() throws IOException;

  void close() throws InterruptedException;
}
