import { Command, Argument, type CommandUnknownOpts } from "@commander-js/extra-typings";
import type { App } from "../cli/app.js";
import type { CommandNode } from "../workflows/completion.js";

export function build(app: App): CommandUnknownOpts {
  return new Command("completion")
    .description("print a shell completion script")
    .addArgument(new Argument("<shell>", "shell").choices(["bash", "zsh", "fish"] as const))
    .addHelpText(
      "after",
      `
Examples:
  source <(avictl completion bash)
  avictl completion zsh > "\${fpath[1]}/_avictl"
  avictl completion fish > ~/.config/fish/completions/avictl.fish`,
    )
    .action(async (shell, _o, cmd) => {
      const root = cmd.parent!;
      const { completionScript } = await import("../workflows/completion.js");
      app.io.out(completionScript(shell, describeTree(root)));
    });
}

/** The commander tree reduced to what a completion script needs. */
export function describeTree(cmd: CommandUnknownOpts): CommandNode {
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
