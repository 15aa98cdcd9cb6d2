import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

/** One step of the walkthrough: a real avictl command line run against the lab. */
export interface DemoStep {
  title: string;
  args: string[];
  /** Exit codes that count as success for this step (verifications may exit 3 on purpose). */
  ok?: number[];
}

export interface DemoStepResult extends DemoStep {
  code: number;
  stdout: string;
  stderr: string;
}

/** The operator flow of the blog series, in order, as avictl commands. */
export function demoSteps(): DemoStep[] {
  return [
    { title: "Where are we? The lab controller's health", args: ["status"] },
    { title: "Contexts: the lab registered itself", args: ["config", "get-contexts"] },
  ];
}

/** Run each step as a child process, exactly as a user would type it; stop at the first failure. */
export async function runDemo(
  steps: DemoStep[],
  env: NodeJS.ProcessEnv,
  onStep: (s: DemoStep, i: number) => void,
  onResult: (r: DemoStepResult) => void,
): Promise<DemoStepResult[]> {
  const bin = fileURLToPath(new URL("../../../bin/avictl", import.meta.url));
  const results: DemoStepResult[] = [];
  for (const [i, step] of steps.entries()) {
    onStep(step, i);
    const r = await runChild(process.execPath, [bin, ...step.args], env);
    const res = { ...step, ...r };
    results.push(res);
    onResult(res);
    if (!(step.ok ?? [0]).includes(r.code)) break;
  }
  return results;
}

function runChild(cmd: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("close", (code) => resolve({ code: code ?? 1, stdout, stderr }));
  });
}
