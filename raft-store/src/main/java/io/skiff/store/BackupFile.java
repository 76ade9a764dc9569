package io.skiff.store;

import java.nio.file.Path;

/**
 * A backup of the store written to {@code file}: the store's snapshot at {@code revision}
 * followed by its SHA-256, {@code sizeBytes} in all. Whoever asked for it deletes the file.
 */
public record BackupFile(Path file, long revision, long sizeBytes) {
}
