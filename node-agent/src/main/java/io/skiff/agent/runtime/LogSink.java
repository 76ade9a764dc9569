package io.skiff.agent.runtime;

/** Receives log bytes as the engine sends them (stdout and stderr demultiplexed). */
public interface LogSink {
  enum Stream { STDOUT, STDERR }

  /** Returns false to stop following. */
  boolean accept(Stream stream, byte[] data);
}
