import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { SITE1_PART1 } from "./site1.js";

/** One step of the walkthrough: a real avictl command line run against the lab. */
export interface DemoStep {
  title: string;
  /** Built when the step runs, so it can use what earlier steps made (e.g. the DNS service's port). */
  args: () => string[];
  /** Exit codes that count as success for this step (verifications may exit 3 on purpose). */
  ok?: number[];
}

export interface DemoStepResult {
  title: string;
  args: string[];
  ok?: number[];
  code: number;
  stdout: string;
  stderr: string;
}

/** What the steps need to know about the running lab. */
export interface DemoLab {
  dns: { vs: string; host: string; port: number }[];
  backends: { site: string; url: string }[];
}

/** The operator flow of the blog series, in order, as avictl commands. */
export function demoSteps(lab: () => DemoLab): DemoStep[] {
  const dnsServer = () => {
    const d = lab().dns.find((e) => e.vs === "local-dns-site1");
    return d ? `${d.host}:${d.port}` : "127.0.0.1:53";
  };
  const backendHosts = () => lab().backends.map((b) => new URL(b.url).hostname);
  const backendPort = () => new URL(lab().backends[0]?.url ?? "http://127.0.0.1:80/").port || "80";
  const fixed = (args: string[]) => () => args;
  return [
    { title: "Where are we? The lab controller's health", args: fixed(["status"]) },
    ...SITE1_PART1.slice(0, -1).map((st) => ({ title: st.title, args: fixed(st.args) })),
    {
      title: "The DNS virtual service, authoritative for the domain, with a record per site (one address per answer, round robin)",
      args: () => [
        "dns-vs", "create", "local-dns-site1", "--network", "AVI_FRONTEND_3025", "--authoritative", "avi.iberia.local", "--invalid-query", "respond", "--set-system-dns",
        "--record", `hello.avi.iberia.local=${backendHosts().join(",")}`, "--answers-per-query", "1",
      ],
    },
    { title: "Idempotent: the same command again changes nothing and sends no write", args: fixed(SITE1_PART1[4]!.args) },
    { title: "Bad input is refused before anything is written", args: fixed(["create-vrf", "VRF_X", "--network", "AVI_FRONTEND_3025=127.10.25.0/24@127.10.26.40-127.10.26.59"]), ok: [2] },
    { title: "What the DNS service answers", args: fixed(["dns-vs", "records", "local-dns-site1"]) },
    {
      title: "check-dns: ask the DNS service directly, probe each answer, tally the sites and test the split",
      args: () => ["check-dns", "hello.avi.iberia.local", "0.1", "--server", dnsServer(), "--port", backendPort(), "--count", "15", "--expect", "SITE1 AZ1=1,SITE1 AZ2=1,SITE2=1"],
    },
    { title: "The controller after Part 1", args: fixed(["status"]) },
    {
      title: "Part 2: AKO values for cluster S1-AZ1, the VIP subnet and controller version read from the controller (no credentials inside)",
      args: fixed(["ako", "values", "--cluster-name", "S1-AZ1", "--vip-network", "AVI_FRONTEND_3025", "--se-group", "S1-AZ1-SE-Group", "--cni", "antrea", "--default-domain", "avi.iberia.local", "--shard-size", "SMALL"]),
    },
  ];
}

/** Run each step as a child process, exactly as a user would type it; stop at the first failure. */
export async function runDemo(
  steps: DemoStep[],
  env: NodeJS.ProcessEnv,
  onStep: (s: { title: string; args: string[] }, i: number) => void,
  onResult: (r: DemoStepResult) => void,
): Promise<DemoStepResult[]> {
  const bin = fileURLToPath(new URL("../../../bin/avictl", import.meta.url));
  const results: DemoStepResult[] = [];
  for (const [i, step] of steps.entries()) {
    const args = step.args();
    onStep({ title: step.title, args }, i);
    const r = await runChild(process.execPath, [bin, ...args], env);
    const res: DemoStepResult = { title: step.title, args, ok: step.ok, ...r };
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
