package io.skiff.agent.runtime;

import java.time.Instant;
import java.util.Map;

/**
 * A container as the engine reports it.
 *
 * @param state what the engine says
 * @param exitCode meaningful once exited
 * @param oomKilled the kernel killed it for exceeding its memory limit
 * @param startedAt null before it first started
 * @param finishedAt null while it has not exited
 * @param imageId the image's id (digest) as the engine resolved it
 */
public record ContainerStatus(
    String id,
    String name,
    String sandboxId,
    Map<String, String> labels,
    State state,
    int exitCode,
    boolean oomKilled,
    Instant startedAt,
    Instant finishedAt,
    String image,
    String imageId) {

  public enum State { CREATED, RUNNING, EXITED, UNKNOWN }
}
