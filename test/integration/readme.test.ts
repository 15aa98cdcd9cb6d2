import { readFileSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import type { Command } from "commander";
import { describe, expect, it } from "vitest";
import { createApp } from "../../src/cli/app.js";
import { testIo } from "../../src/cli/io.js";
import { buildProgram } from "../../src/cli/program.js";
import { commandModules } from "../../src/commands/index.js";

const readmePath = resolve(import.meta.dirname, "../../README.md");
const BEGIN = "<!-- BEGIN COMMAND REFERENCE (generated from the command tree: UPDATE_README=1 npm test) -->";
const END = "<!-- END COMMAND REFERENCE -->";

/** The command reference as markdown, generated from the same commander tree that --help prints. */
async function fullTree(): Promise<Command> {
  const holder: { program?: Command } = {};
  const app = createApp(testIo(), () => holder.program!, new AbortController().signal, {});
  holder.program = await buildProgram(app);
  return holder.program;
}

async function reference(): Promise<string> {
  const program = await fullTree();
  const lines: string[] = [];
  const walk = (cmd: Command, path: string[]) => {
    for (const sub of cmd.commands) {
      const full = [...path, sub.name()];
      if (sub.commands.length > 0) {
        lines.push(`\n### avictl ${full.join(" ")}\n\n${sub.description()}\n`);
        walk(sub, full);
        continue;
      }
      const usage = sub.usage().replace(/^\[options\] ?/, "");
      lines.push(`- \`avictl ${full.join(" ")}${usage ? ` ${usage}` : ""}\` — ${sub.description()}`);
      for (const o of sub.options) lines.push(`  - \`${o.flags}\` ${o.description}`);
    }
  };
  walk(program, []);
  return lines.join("\n").trim();
}

describe("command table", () => {
  it("lists each top-level command with the description and arguments of its module", async () => {
    const program = await fullTree();
    const args = (c: Command) => c.registeredArguments.map((a) => (a.required ? `<${a.name()}${a.variadic ? "..." : ""}>` : `[${a.name()}${a.variadic ? "..." : ""}]`)).join(" ");
    expect(commandModules.map((m) => [m.name, m.description, m.args ?? ""])).toEqual(program.commands.map((c) => [c.name(), c.description(), args(c)]));
  });
});

describe("README", () => {
  it("documents every command exactly as the CLI defines it", async () => {
    const readme = readFileSync(readmePath, "utf8");
    const start = readme.indexOf(BEGIN);
    const end = readme.indexOf(END);
    expect(start, "README lacks the command reference markers").toBeGreaterThan(-1);
    const generated = await reference();
    if (process.env.UPDATE_README) {
      writeFileSync(readmePath, `${readme.slice(0, start + BEGIN.length)}\n${generated}\n${readme.slice(end)}`);
      return;
    }
    expect(readme.slice(start + BEGIN.length, end).trim()).toBe(generated);
  });
});
