import { spawnSync } from "node:child_process";
import type { RootCommand } from "../../../src/cli/root.js";
import { describe, expect, it } from "vitest";
import { createApp } from "../../../src/cli/app.js";
import { testIo } from "../../../src/cli/io.js";
import { buildProgram } from "../../../src/cli/program.js";
import { describeTree } from "../../../src/commands/completion.js";
import { completionScript } from "../../../src/workflows/completion.js";

async function program(): Promise<RootCommand> {
  const holder: { program?: RootCommand } = {};
  const app = createApp(testIo(), () => holder.program!, new AbortController().signal, {});
  holder.program = await buildProgram(app);
  return holder.program;
}

async function bashScript(): Promise<string> {
  return completionScript("bash", describeTree(await program()));
}

/** What bash completes for the words typed so far (the last one is being completed). */
function complete(script: string, words: string[]): string[] {
  const quoted = words.map((w) => `'${w}'`).join(" ");
  const r = spawnSync(
    "bash",
    ["-c", `${script}\nCOMP_WORDS=(${quoted}); COMP_CWORD=${words.length - 1}; _avictl_complete; printf '%s\\n' "\${COMPREPLY[@]}"`],
    { encoding: "utf8" },
  );
  return r.stdout.split("\n").filter(Boolean);
}

describe("bash completion", () => {
  it("lists each global option once and completes after an option's value", async () => {
    const script = await bashScript();
    const root = complete(script, ["avictl", ""]);
    expect(root.filter((w) => w === "--context")).toHaveLength(1);
    expect(root).toContain("seg");
    // "lab" is the value of --context here, not the lab command.
    expect(complete(script, ["avictl", "--context", "lab", "se"])).toEqual(["seg"]);
    expect(complete(script, ["avictl", "--context", "lab", "seg", "de"])).toEqual(["delete"]);
    expect(complete(script, ["avictl", "-o", "json", "seg", "delete", "--y"])).toEqual(["--yes"]);
  });
});

describe("subcommand help", () => {
  it("lists the global options a subcommand needs, such as --yes for seg delete", async () => {
    const seg = (await program()).commands.find((c) => c.name() === "seg")!;
    const help = seg.commands.find((c) => c.name() === "delete")!.helpInformation();
    expect(help).toMatch(/Global Options:[\s\S]*-y, --yes/);
  });
});
