import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { CommandUnknownOpts } from "@commander-js/extra-typings";
import type { RootCommand } from "../../src/cli/root.js";
import { afterAll, describe, expect, it } from "vitest";
import { createApp } from "../../src/cli/app.js";
import { testIo } from "../../src/cli/io.js";
import { buildProgram } from "../../src/cli/program.js";
import { commandModules } from "../../src/commands/index.js";
import { chartsDir, chartsMissing, realBinary } from "../helpers/helm-binary.js";

const readmePath = resolve(import.meta.dirname, "../../README.md");
const BEGIN = "<!-- BEGIN COMMAND REFERENCE (generated from the command tree: UPDATE_README=1 npm test) -->";
const END = "<!-- END COMMAND REFERENCE -->";

/** The command reference as markdown, generated from the same commander tree that --help prints. */
async function fullTree(): Promise<RootCommand> {
  const holder: { program?: RootCommand } = {};
  const app = createApp(testIo(), () => holder.program!, new AbortController().signal, {});
  holder.program = await buildProgram(app);
  return holder.program;
}

async function reference(): Promise<string> {
  const program = await fullTree();
  const lines: string[] = [];
  const walk = (cmd: CommandUnknownOpts, path: string[]) => {
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
    const args = (c: CommandUnknownOpts) =>
      c.registeredArguments
        .map((a) => (a.required ? `<${a.name()}${a.variadic ? "..." : ""}>` : `[${a.name()}${a.variadic ? "..." : ""}]`))
        .join(" ");
    expect(commandModules.map((m) => [m.name, m.description, m.args ?? ""])).toEqual(
      program.commands.map((c) => [c.name(), c.description(), args(c)]),
    );
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

/** A fenced block of the README, with the marker comment (if any) on the line before it. */
interface Block {
  line: number;
  lang: string;
  marker?: string;
  text: string;
}

function readmeBlocks(readme: string): Block[] {
  const lines = readme.split("\n");
  const blocks: Block[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(\S*)/.exec(lines[i]!);
    if (!open) continue;
    const end = lines.findIndex((l, j) => j > i && l.startsWith("```"));
    const marker = /^<!-- readme: (.+?) -->$/.exec(lines[i - 1] ?? "")?.[1];
    blocks.push({ line: i + 1, lang: open[1]!, marker, text: lines.slice(i + 1, end).join("\n") });
    i = end;
  }
  return blocks;
}

/** Addresses a block would send packets to: --controller/--server values, dig @servers and URLs. */
function targets(text: string): string[] {
  return [...text.matchAll(/(?:--controller[ =]|--server[ =]|--dns-server[ =]|(?:^|\s)@|https?:\/\/)([0-9a-zA-Z.-]+)/g)].map((m) => m[1]!);
}

const readmeText = readFileSync(readmePath, "utf8");
const shellBlocks = readmeBlocks(readmeText).filter((b) => b.lang === "sh");
const runBlocks = shellBlocks.filter((b) => !b.marker?.startsWith("shown only"));

describe("README blocks", () => {
  it("say what they are: sh blocks run, other languages are shown, nothing is unmarked", () => {
    for (const b of readmeBlocks(readmeText))
      expect(b.lang, `README line ${b.line}: give the block a language (sh runs; text is shown)`).not.toBe("");
    for (const b of shellBlocks)
      if (b.marker) expect(b.marker, `README line ${b.line}`).toMatch(/^(shown only \(.+\)|needs (dig|helm and the chart archives))$/);
  });

  it("run against loopback only, from lab up to lab down", () => {
    for (const b of runBlocks) for (const t of targets(b.text)) expect(t, `README line ${b.line} addresses ${t}`).toMatch(/^127\./);
    expect(runBlocks[0]!.text).toMatch(/^node bin\/avictl lab up /);
    expect(runBlocks.at(-1)!.text.trim()).toBe("node bin/avictl lab down");
    expect(runBlocks.slice(0, -1).some((b) => b.text.includes("lab down"))).toBe(false);
  });
});

const helm = realBinary("helm");
const dig = spawnSync("dig", ["-v"]).error ? "dig is not installed" : undefined;
const skipReason = (b: Block): string | undefined =>
  b.marker === "needs dig" ? dig : b.marker === "needs helm and the chart archives" ? (helm.reason ?? chartsMissing) : undefined;

describe("README: the by-hand path against a fresh lab", () => {
  const work = mkdtempSync(join(tmpdir(), "avictl-readme-"));
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env))
    if (v !== undefined && !k.startsWith("AVI") && k !== "KUBECONFIG" && !k.startsWith("LAB_")) env[k] = v;
  Object.assign(env, {
    NO_COLOR: "1",
    CI: "1",
    AVICTL_CONFIG: join(work, "config", "config.yaml"),
    XDG_CONFIG_HOME: join(work, "xdg"),
    // Charts come from the archives beside the project: the README test never pulls from a registry.
    AVICTL_CHART_DIR: chartsDir,
    ...(helm.path ? { AVICTL_HELM: helm.path } : {}),
  });
  // The blocks run from a folder of their own (values files land there) that reaches the built CLI as bin/.
  symlinkSync(resolve(import.meta.dirname, "../../bin"), join(work, "bin"));
  afterAll(() => {
    spawnSync(process.execPath, ["bin/avictl", "lab", "down"], { cwd: work, env });
    rmSync(work, { recursive: true, force: true });
  });

  it("runs every sh block as written, in order, in one shell", async () => {
    const marks = join(work, "block");
    const script = ["set -euo pipefail"];
    for (const [i, b] of runBlocks.entries()) {
      const skip = skipReason(b);
      script.push(`echo ${i} > ${marks}`);
      if (skip) {
        console.warn(`README block at line ${b.line} not run: ${skip}`);
        script.push(`echo "skipped README block at line ${b.line}: ${skip}"`);
      } else script.push(b.text);
    }
    script.push(`echo done > ${marks}`);
    const r = await new Promise<{ code: number; out: string }>((done) => {
      const child = spawn("bash", ["-c", script.join("\n")], { cwd: work, env, stdio: ["ignore", "pipe", "pipe"] });
      let out = "";
      child.stdout.on("data", (d: Buffer) => (out += d.toString()));
      child.stderr.on("data", (d: Buffer) => (out += d.toString()));
      child.on("close", (code) => done({ code: code ?? 1, out }));
    });
    const reached = readFileSync(marks, "utf8").trim();
    const failed = runBlocks[Number(reached)];
    expect(
      reached,
      failed
        ? `README block at line ${failed.line} failed (exit ${r.code}):\n${failed.text}\n--- output ---\n${r.out.slice(-4000)}`
        : r.out,
    ).toBe("done");
    expect(r.code).toBe(0);
    // What the README promises along the way.
    expect(r.out).toContain("SIMULATION");
    expect(r.out).toMatch(/hello\.avi\.iberia\.local A via 127\.0\.0\.1:\d+: 3 queries, 3 answered/);
    expect(r.out).toMatch(/pass: /);
    if (!skipReason(runBlocks.find((b) => b.marker?.startsWith("needs helm"))!)) {
      expect(r.out).toContain("AKO connected");
      expect(r.out).toMatch(/unchanged\s+ako revision 1 already runs 1\.13\.4/);
    }
  }, 600_000);
});
