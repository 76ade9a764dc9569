package io.skiff.cli.testing;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs the packaged command, target/skiff (after {@code mvn package}), as a process the way a user
 * runs it from a shell whose environment names a home directory and a config file in {@code dir}.
 */
public final class PackagedSkiff {
  public static final Path LAUNCHER = Path.of("target", "skiff").toAbsolutePath();
  private final Path dir;

  public PackagedSkiff(Path dir) {
    this.dir = dir;
  }

  /** Runs one command to its end (bounded, so a hanging command fails the test). */
  public Skiff.Result run(String... args) throws IOException, InterruptedException {
    ProcessBuilder builder = builder(args).redirectOutput(dir.resolve("out").toFile())
        .redirectError(dir.resolve("err").toFile());
    Process process = builder.start();
    process.getOutputStream().close();
    assertTrue(process.waitFor(150, TimeUnit.SECONDS), "skiff " + String.join(" ", args) + " finished");
    return new Skiff.Result(process.exitValue(), Files.readString(dir.resolve("out"), StandardCharsets.UTF_8),
        Files.readString(dir.resolve("err"), StandardCharsets.UTF_8));
  }

  /** The process of one command line, with this user's environment; the caller redirects and starts it. */
  public ProcessBuilder builder(String... args) {
    List<String> command = new ArrayList<>(List.of(LAUNCHER.toString()));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().put("HOME", dir.toString());
    builder.environment().put("SKIFF_CONFIG", dir.resolve("config").toString());
    return builder;
  }
}
