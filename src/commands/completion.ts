import { Command, Argument } from "commander";
import type { App } from "../cli/app.js";
import type { CommandNode } from "../workflows/completion.js";

export function build(app: App): Command {
  return new Command("completion")
    .description("print a shell completion script")
    .addArgument(new Argument("<shell>", "shell").choices(["bash", "zsh", "fish"]))
    .addHelpText(
      "after",
      `
Examples:
  source <(avictl completion bash)
  avictl completion zsh > "\${fpath[1]}/_avictl"
  avictl completion fish > ~/.config/fish/completions/avictl.fish`,
    )
    .action(async (shell: "bash" | "zsh" | "fish", _o: unknown, cmd: Command) => {
      const root = cmd.parent!;
      const { completionScript } = await import("../workflows/completion.js");
      app.io.out(completionScript(shell, describeTree(root)));
    });
}

/** The commander tree reduced to what a completion script needs. */
export function describeTree(cmd: Command): CommandNode {
  return {
    name: cmd.name(),
    description: cmd.description(),
    options: cmd.options.flatMap((o) => [o.long, o.short].filter((x): x is string => Boolean(x))),
    valueOptions: cmd.options
      .filter((o) => o.required || o.optional)
      .flatMap((o) => [o.long, o.short].filter((x): x is string => Boolean(x))),
    children: cmd.commands.map(describeTree),
  };
}
