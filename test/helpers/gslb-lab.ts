import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "vitest";
import { stringify } from "yaml";
import { startLab, type Lab } from "../../src/lab/index.js";
import type { LabControllerHandle } from "../../src/lab/types.js";
import type { SentRequest } from "./swagger-conformance.js";
import { labFetch } from "./lab.js";
import { isolatedConfig, runCli } from "./run-cli.js";

export type LabController = LabControllerHandle & { requests(): SentRequest[]; writes: number };

/** The whole lab (leader, site1, site2, clusters) in this process, with lab-<site> contexts in a private config. */
export async function startGslbLab() {
  const dir = mkdtempSync(join(tmpdir(), "avictl-gslb-"));
  const lab: Lab = await startLab({ dir });
  const config = isolatedConfig();
  const contexts = lab.state.controllers.map((c) => ({
    name: `lab-${c.name}`,
    controller: c.url,
    username: c.username,
    passwordFile: c.passwordFile,
    caCert: c.caCert,
  }));
  writeFileSync(config, stringify({ apiVersion: "avictl/v1", currentContext: "lab-leader", contexts }), { mode: 0o600 });
  const ctrl = (name: string) => lab.controllers.find((c) => c.name === name)! as LabController;
  const cli = (context: string, args: string[], o: { timeoutMs?: number; env?: Record<string, string> } = {}) =>
    runCli(["--context", context, ...args], { env: { AVICTL_CONFIG: config, ...o.env }, timeoutMs: o.timeoutMs ?? 120_000 });

  const run = async (args: string[][]) => {
    for (const a of args) {
      const r = await cli("lab-leader", a);
      expect(r.code, r.stderr).toBe(0);
    }
  };
  /** The leader's DNS VS g-dns, authoritative for the GSLB sub-domain. */
  const prepareLeader = () =>
    run([
      [
        "create-vrf",
        "global",
        "--network",
        "REGIONC_MGMT_3040=127.10.40.0/24@127.10.40.50-127.10.40.59",
        "--default-gateway",
        "127.10.40.1",
      ],
      ["dns-vs", "create", "g-dns", "--network", "REGIONC_MGMT_3040", "--se-group", "Default-Group", "--authoritative", "avi.iberia.local"],
    ]);
  /** Part 6: the leader's DNS VS, GSLB on, both followers added with their DNS VS prepared. */
  const setupGslb = async () => {
    await prepareLeader();
    await run([["gslb", "enable", "--subdomain", "avi.iberia.local", "--dns-vs", "g-dns"]]);
    for (const f of FOLLOWERS) {
      const r = await addSite(f);
      expect(r.code, r.stderr).toBe(0);
    }
  };
  const addSite = ([name, site, network, gw]: (typeof FOLLOWERS)[number]) =>
    cli("lab-leader", [
      "-o",
      "json",
      "gslb",
      "add-site",
      name,
      "--site-context",
      `lab-${site}`,
      "--dns-vs",
      `g-dns-${site}`,
      "--prepare",
      "--network",
      network,
      "--gateway",
      gw,
    ]);

  /** A logged-in REST call to a lab controller, as any API client makes it. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read nested runtime fields
  const api = async (name: string, method: string, path: string, body?: unknown): Promise<any> => {
    const c = ctrl(name);
    const login = await labFetch(c, "/login", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ username: c.username, password: c.password }),
    });
    const cookies = login.headers.getSetCookie().map((x) => x.split(";")[0]!);
    const csrf = cookies.find((x) => x.startsWith("csrftoken="))!.split("=")[1]!;
    const res = await labFetch(c, `/api/${path}`, {
      method,
      headers: {
        "Content-Type": "application/json",
        Cookie: cookies.join("; "),
        "X-CSRFToken": csrf,
        Referer: c.url,
        "X-Avi-Version": c.version,
      },
      body: body ? JSON.stringify(body) : undefined,
    });
    const out: unknown = await res.json();
    if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(out)}`);
    return out;
  };

  /** The VSes AKO makes for an ingress host in a cluster: a shared L7 VS named after the AKO cluster, VIP from IPAM. */
  const akoVs = async (site: string, cluster: string, network: string, fqdn: string) => {
    const vip = await api(site, "POST", "vsvip", {
      name: `${cluster}--Shared-L7-0`,
      vip: [{ vip_id: "0", auto_allocate_ip: true, ipam_network_subnet: { network_ref: `/api/network?name=${network}` } }],
      dns_info: [{ fqdn }],
    });
    const vs = await api(site, "POST", "virtualservice", { name: `${cluster}--Shared-L7-0`, vsvip_ref: vip.url, services: [{ port: 80 }] });
    return { cluster, site, ip: vip.vip[0].ip_address.addr as string, vs };
  };

  return { lab, dir, config, ctrl, cli, api, prepareLeader, setupGslb, addSite, akoVs, close: () => lab.close() };
}

/** AMKO's member clusters in the reference topology: cluster, site controller, AKO's cluster name, VIP network, the blog's 6:3:1 weight. */
export const AMKO_CLUSTERS = [
  ["s1az1", "site1", "S1-AZ1", "AVI_FRONTEND_3025", 6],
  ["s1az2", "site1", "S1-AZ2", "AVI_FRONTEND_3025", 3],
  ["s2", "site2", "S2", "AVI_FRONTEND_3035", 1],
] as const;

export const FOLLOWERS = [
  ["gslb-site1", "site1", "AVI_FRONTEND_3025=127.10.25.0/24@127.10.25.40-127.10.25.59", "127.10.25.1"],
  ["gslb-site2", "site2", "AVI_FRONTEND_3035=127.10.35.0/24@127.10.35.40-127.10.35.59", "127.10.35.1"],
] as const;

export async function until(what: string, check: () => Promise<boolean> | boolean, ms = 60_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** A site blackout (or its end) through the lab's admin endpoint, with the lab's admin token. */
export function setLabSite(lab: Lab, site: string, action: "stop" | "start"): Promise<Response> {
  return fetch(`${lab.state.admin}/lab/sites/${site}/${action}`, {
    method: "POST",
    headers: { Authorization: `Bearer ${lab.state.controllers[0]!.adminToken}` },
  });
}
