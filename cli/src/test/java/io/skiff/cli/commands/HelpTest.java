package io.skiff.cli.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skiff.cli.testing.Skiff;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** --help on every command, completion, and usage errors. */
class HelpTest {
  @TempDir
  Path home;

  private static void collect(CommandLine command, List<List<String>> paths, List<String> prefix) {
    for (var sub : command.getSubcommands().entrySet()) {
      List<String> path = new ArrayList<>(prefix);
      path.add(sub.getKey());
      paths.add(path);
      collect(sub.getValue(), paths, path);
    }
  }

  @Test
  void everyCommandHasHelp() {
    Skiff skiff = new Skiff(home, home.resolve("config"));
    List<List<String>> paths = new ArrayList<>();
    collect(io.skiff.cli.SkiffMain.commandLine(new io.skiff.cli.SkiffCommand(null), null), paths, List.of());
    assertTrue(paths.size() >= 27, paths.toString());
    for (List<String> path : paths) {
      List<String> args = new ArrayList<>(path);
      args.add("--help");
      Skiff.Result result = skiff.run(args.toArray(String[]::new));
      assertEquals(0, result.code(), path + ": " + result);
      assertTrue(result.out().contains("Usage: skiff " + String.join(" ", path)), path + ": " + result.out());
    }
    Skiff.Result root = skiff.run();
    assertTrue(root.out().contains("Usage: skiff [-hv]"), root.out());
    assertTrue(root.out().contains("  rollout      Manage a deployment's rollouts"), root.out());
  }

  @Test
  void completionAndUsageErrors() {
    Skiff skiff = new Skiff(home, home.resolve("config"));
    Skiff.Result bash = skiff.run("completion", "bash");
    assertEquals(0, bash.code());
    assertTrue(bash.out().contains("complete -F _complete_skiff"), bash.out().substring(0, 200));
    assertTrue(bash.out().contains("deployments"), "resource types complete");
    Skiff.Result unknownOption = skiff.run("get", "pods", "--bogus");
    assertEquals(1, unknownOption.code());
    assertEquals("error: Unknown option: '--bogus' (see 'skiff get --help')\n", unknownOption.err());
    Skiff.Result unknownCommand = skiff.run("frobnicate");
    assertEquals(1, unknownCommand.code());
    assertTrue(unknownCommand.err().startsWith("error: Unmatched argument at index 0: 'frobnicate'"),
        unknownCommand.err());
    assertEquals(0, skiff.run("version", "--client").code());
    assertTrue(skiff.run("version", "--client").out().startsWith("Client Version: "));
  }
}
