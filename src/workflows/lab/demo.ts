import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

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

const SITE1_NETWORKS = {
  az1: ["AVI_FRONTEND_3025=10.10.25.0/24@10.10.25.40-10.10.25.59", "REGIONB_VMS_3024=10.10.24.0/24@10.10.24.164-10.10.24.178"],
  az2: ["AVI_FRONTEND_3026=10.10.26.0/24@10.10.26.40-10.10.26.59", "REGIONB_VMS_3023=10.10.23.0/24@10.10.23.40-10.10.23.59"],
};

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
    {
      title: "Part 1: IPAM and DNS profiles on the cloud, management network and default route",
      args: fixed(["bootstrap", "cloud", "--dns-domain", "avi.iberia.local", "--ttl", "30", "--mgmt-network", "REGIONB_MGMT_3020", "--mgmt-subnet", "10.10.20.0/24", "--mgmt-pool", "10.10.20.45-10.10.20.50", "--mgmt-gateway", "10.10.20.1"]),
    },
    { title: "One VRF per availability zone, with its VIP and node networks", args: fixed(["create-vrf", "VRF_AZ1", ...SITE1_NETWORKS.az1.flatMap((n) => ["--network", n])]) },
    { title: "…and the second zone", args: fixed(["create-vrf", "VRF_AZ2", ...SITE1_NETWORKS.az2.flatMap((n) => ["--network", n])]) },
    { title: "A default route in the global VRF", args: fixed(["create-vrf", "global", "--default-gateway", "10.10.22.1"]) },
    { title: "One SE group per AKO cluster, labelled with its clusterName", args: fixed(["seg", "create", "S1-AZ1-SE-Group", "--prefix", "s1az1", "--folder", "AVI K8S/Site1 AZ1", "--buffer-se", "0", "--cluster-label", "S1-AZ1"]) },
    { title: "…the second cluster", args: fixed(["seg", "create", "S1-AZ2-SE-Group", "--prefix", "s1az2", "--folder", "AVI K8S/Site1 AZ2", "--buffer-se", "0", "--cluster-label", "S1-AZ2"]) },
    { title: "…and a group for the DNS service, logs unthrottled", args: fixed(["seg", "create", "DNS-SE-Group", "--prefix", "dns", "--folder", "AVI K8S/DNS", "--buffer-se", "0", "--no-log-throttle"]) },
    {
      title: "The DNS virtual service, authoritative for the domain, with a record per site (one address per answer, round robin)",
      args: () => [
        "dns-vs", "create", "local-dns-site1", "--network", "AVI_FRONTEND_3025", "--authoritative", "avi.iberia.local", "--invalid-query", "respond", "--set-system-dns",
        "--record", `hello.avi.iberia.local=${backendHosts().join(",")}`, "--answers-per-query", "1",
      ],
    },
    { title: "Idempotent: the same command again changes nothing and sends no write", args: fixed(["seg", "create", "S1-AZ1-SE-Group", "--prefix", "s1az1", "--folder", "AVI K8S/Site1 AZ1", "--buffer-se", "0", "--cluster-label", "S1-AZ1"]) },
    { title: "Bad input is refused before anything is written", args: fixed(["create-vrf", "VRF_X", "--network", "AVI_FRONTEND_3025=10.10.25.0/24@10.10.26.40-10.10.26.59"]), ok: [2] },
    { title: "What the DNS service answers", args: fixed(["dns-vs", "records", "local-dns-site1"]) },
    {
      title: "check-dns: ask the DNS service directly, probe each answer, tally the sites and test the split",
      args: () => ["check-dns", "hello.avi.iberia.local", "0.1", "--server", dnsServer(), "--port", backendPort(), "--count", "15", "--expect", "SITE1 AZ1=1,SITE1 AZ2=1,SITE2=1"],
    },
    { title: "The controller after Part 1", args: fixed(["status"]) },
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
