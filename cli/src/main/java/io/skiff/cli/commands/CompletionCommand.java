package io.skiff.cli.commands;

import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** kubectl completion: a shell script that completes skiff's commands, options and resource types. */
@Command(name = "completion", header = "Print a shell completion script (bash; zsh through bashcompinit).",
    description = {"", "Load it in the current shell with: source <(skiff completion bash)",
        "or for every shell: skiff completion bash > /etc/bash_completion.d/skiff",
        "In zsh: autoload -U +X bashcompinit && bashcompinit && source <(skiff completion zsh)"},
    footerHeading = "%nExamples:%n", footer = {"  source <(skiff completion bash)"})
public final class CompletionCommand extends BaseCommand {
  @Parameters(paramLabel = "SHELL", description = "bash or zsh.", completionCandidates = Shells.class)
  String shell;

  /** The shells for completion's own completion. */
  static final class Shells extends java.util.ArrayList<String> {
    Shells() {
      super(java.util.List.of("bash", "zsh"));
    }
  }

  @Override
  public Integer call() {
    if (!shell.equals("bash") && !shell.equals("zsh")) {
      throw new io.skiff.cli.CliException("completion: \"" + shell + "\" is not one of bash, zsh");
    }
    // the parser of this run knows only this command: completion needs them all
    out().print(AutoComplete.bash("skiff", io.skiff.cli.SkiffMain.commandLine(new io.skiff.cli.SkiffCommand(null),
        null)));
    return 0;
  }
}
