package io.skiff.agent.runtime;

/** What a command run in a container ended with; {@code output} is stdout and stderr, perhaps truncated. */
public record ExecResult(int exitCode, String output) {
}
