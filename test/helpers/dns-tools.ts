import { execFile, spawn, spawnSync, type ChildProcess } from "node:child_process";
import { createSocket } from "node:dgram";
import { createServer, type AddressInfo } from "node:net";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { query } from "../../src/clients/dns.js";

const run = promisify(execFile);

/** Path of a system binary, or undefined (interop tests skip with a message naming the package). */
export function which(name: string): string | undefined {
  const r = spawnSync("sh", ["-c", `command -v ${name} || ls /usr/sbin/${name} 2>/dev/null`], { encoding: "utf8" });
  const p = r.stdout.trim().split("\n")[0];
  return p ? p : undefined;
}

/** A loopback port free for both TCP and UDP at the moment of asking (DNS servers need both). */
export async function freePort(): Promise<number> {
  for (;;) {
    const tcp = createServer();
    await new Promise<void>((r) => tcp.listen(0, "127.0.0.1", r));
    const port = (tcp.address() as AddressInfo).port;
    const udp = createSocket("udp4");
    const ok = await new Promise<boolean>((r) => {
      udp.once("error", () => r(false));
      udp.bind(port, "127.0.0.1", () => r(true));
    });
    await new Promise<void>((r) => tcp.close(() => r()));
    if (ok) {
      await new Promise<void>((r) => udp.close(r));
      return port;
    }
    udp.close();
  }
}

export interface Knot {
  port: number;
  stop(): Promise<void>;
}

/**
 * knotd serving one zone on loopback; stops by itself after five minutes in any case. A port taken
 * between choosing and binding (other tests run in parallel) is retried with another one.
 */
export async function startKnot(zone: string, zoneText: string): Promise<Knot> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startKnotOnce(zone, zoneText);
    } catch (err) {
      if (attempt >= 3 || !/address already in use/.test((err as Error).message)) throw err;
    }
  }
}

async function startKnotOnce(zone: string, zoneText: string): Promise<Knot> {
  const dir = mkdtempSync(join(tmpdir(), "avictl-knot-"));
  const port = await freePort();
  writeFileSync(join(dir, `${zone}.zone`), zoneText);
  writeFileSync(
    join(dir, "knot.conf"),
    `server:
    rundir: "${dir}"
    listen: 127.0.0.1@${port}
    udp-workers: 1
    tcp-workers: 1
    background-workers: 1
database:
    storage: "${dir}"
log:
  - target: stderr
    any: error
zone:
  - domain: ${zone}
    storage: "${dir}"
    file: "${zone}.zone"
`,
  );
  const child: ChildProcess = spawn("timeout", ["300", which("knotd")!, "-c", join(dir, "knot.conf")], {
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr?.on("data", (d: Buffer) => (stderr += d.toString()));
  for (let i = 0; i < 100; i++) {
    try {
      await query({ host: "127.0.0.1", port }, zone, "SOA", { timeoutMs: 100, retries: 0 });
      return {
        port,
        stop: () => new Promise((r) => (child.exitCode !== null ? r() : (child.once("exit", () => r()), child.kill("SIGTERM")))),
      };
    } catch {
      if (child.exitCode !== null) break;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  child.kill("SIGKILL");
  throw new Error(`knotd did not start: ${stderr}`);
}

export interface DigRecord {
  name: string;
  ttl: number;
  type: string;
  data: string;
}

export interface DigResult {
  status: string;
  flags: string[];
  answers: DigRecord[];
  authority: DigRecord[];
}

/** dig's own report of a query, parsed from its default output. */
export async function dig(server: string, port: number, name: string, type: string, extra: string[] = []): Promise<DigResult> {
  const { stdout } = await run("dig", [`@${server}`, "-p", String(port), name, type, "+norec", "+nocookie", ...extra]);
  const status = /status: (\w+)/.exec(stdout)?.[1] ?? "";
  const flags = (/flags: ([a-z ]+);/.exec(stdout)?.[1] ?? "").trim().split(/\s+/);
  const section = (title: string) => {
    const m = new RegExp(`;; ${title} SECTION:\\n([\\s\\S]*?)(?:\\n\\n|$)`).exec(stdout);
    return (m?.[1] ?? "")
      .split("\n")
      .filter((l) => l && !l.startsWith(";"))
      .map((l) => {
        const [n, ttl, , t, ...rest] = l.split(/\s+/);
        return { name: n!.replace(/\.$/, ""), ttl: Number(ttl), type: t!, data: rest.join(" ").replace(/\.(?=\s|$)/g, "") };
      });
  };
  return { status, flags, answers: section("ANSWER"), authority: section("AUTHORITY") };
}
