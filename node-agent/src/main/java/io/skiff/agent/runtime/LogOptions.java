package io.skiff.agent.runtime;

import java.time.Instant;

/**
 * @param follow keep streaming new lines until the container stops or the sink stops
 * @param tailLines only the last lines; -1 for all
 * @param timestamps prefix each line with its RFC 3339 time
 * @param since only lines after this time; null for all
 */
public record LogOptions(boolean follow, int tailLines, boolean timestamps, Instant since) {
}
