import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { stringify } from "yaml";
import type { Kube, KubeObject } from "../../../src/clients/k8s.js";
import { OperationError, UsageError } from "../../../src/base/errors.js";
import { installAmko, parseFollowers, type AmkoInstallOptions } from "../../../src/workflows/amko/install.js";
import type { HelmOps } from "../../../src/workflows/helm-release.js";

const CONTEXTS = ["s1az1", "s1az2", "s2"];
const running = { status: { phase: "Running", conditions: [{ type: "Ready", status: "True" }] } };

/** Member clusters as the workflow sees them: pods by name, CRDs once applied, every write and helm call logged. */
function clusters(ako: Record<string, boolean>) {
  const log: string[] = [];
  const kubes = new Map<string, Kube>();
  for (const ctx of CONTEXTS) {
    const applied = new Set<string>();
    const installed = new Set<string>();
    kubes.set(ctx, {
      context: ctx,
      server: `https://127.0.0.1:6443/${ctx}`,
      version: () => Promise.resolve({ gitVersion: "v1.29.4" }),
      get: (_v: string, kind: string, name: string) => {
        if (kind === "Pod" && name === "ako-0") return Promise.resolve(ako[ctx] ? running : undefined);
        if (kind === "Pod" && name === "amko-0") return Promise.resolve(installed.has("amko") ? running : undefined);
        if (kind === "CustomResourceDefinition")
          return Promise.resolve(
            applied.has(name) ? { spec: { versions: [{ name: "v1alpha1", served: true, storage: true }] } } : undefined,
          );
        if (kind === "GSLBConfig")
          return Promise.resolve(installed.has("amko") ? { status: { state: "success: gslb config accepted" } } : undefined);
        if (kind === "GlobalDeploymentPolicy")
          return Promise.resolve(installed.has("amko") ? { status: { errorStatus: "success" } } : undefined);
        return Promise.resolve(undefined);
      },
      apply: (o: KubeObject & { metadata: { name: string } }) => {
        log.push(`${ctx} apply ${o.kind} ${o.metadata.name}`);
        if (o.kind === "CustomResourceDefinition") applied.add(o.metadata.name);
        return Promise.resolve(o);
      },
      markInstalled: () => installed.add("amko"),
    } as unknown as Kube);
  }
  const helm = (ctx: string): HelmOps =>
    ({
      list: () => Promise.resolve([]),
      upgradeInstall: (release: string, _chart: string, o: { valuesFiles: string[] }) => {
        log.push(`${ctx} helm ${release}`);
        (kubes.get(ctx) as unknown as { markInstalled(): void }).markInstalled();
        values.set(ctx, o.valuesFiles[0]!);
        return Promise.resolve();
      },
    }) as unknown as HelmOps;
  const values = new Map<string, string>();
  const rendered = new Map<string, { currentCluster: string; leader?: boolean }>();
  const dir = mkdtempSync(join(tmpdir(), "amko-install-"));
  const kubeconfig = join(dir, "kubeconfig");
  writeFileSync(
    kubeconfig,
    stringify({
      apiVersion: "v1",
      kind: "Config",
      clusters: CONTEXTS.map((c) => ({ name: c, cluster: { server: `https://127.0.0.1:6443/${c}` } })),
      users: [{ name: "admin", user: { token: "t" } }],
      contexts: CONTEXTS.map((c) => ({ name: c, context: { cluster: c, user: "admin" } })),
    }),
  );
  const options = (followers: string[]): AmkoInstallOptions => ({
    leader: { kubeconfig, context: "s1az1" },
    members: CONTEXTS.map((c) => ({ name: c, context: c })),
    followers,
    akoNamespace: "avi-system",
    selector: { app: "gslb" },
    split: [],
    chart: {
      path: "amko-1.13.1.tgz",
      version: "1.13.1",
      appVersion: "1.13.1",
      crds: [
        { kind: "CustomResourceDefinition", metadata: { name: "gslbconfigs.amko.vmware.com" } },
        { kind: "CustomResourceDefinition", metadata: { name: "globaldeploymentpolicies.amko.vmware.com" } },
      ] as never,
    },
    leaderController: "127.0.0.1:8443",
    controllerVersion: "30.2.1",
    credentials: { username: "admin", password: "pw" },
    waitTimeoutMs: 1000,
  });
  const deps = {
    helm,
    render: (i: { currentCluster: string; leader?: boolean }) => {
      rendered.set(i.currentCluster, i);
      return i.currentCluster;
    },
    writeValues: (text: string) => ({ path: text, remove: () => undefined }),
    connect: (t: { context?: string }) => Promise.resolve(kubes.get(t.context!)!),
    sleep: () => Promise.resolve(),
    now: () => 0,
  };
  const events = { step: () => undefined } as never;
  return { log, rendered, run: (followers: string[]) => installAmko(options(followers), deps as never, events) };
}

describe("amko install follows the AMKO docs' order", () => {
  it("refuses while AKO does not run in a member cluster, naming it, before anything is written", async () => {
    const c = clusters({ s1az1: true, s1az2: true, s2: false });
    const err = await c.run(["s1az2", "s2"]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OperationError);
    expect((err as Error).message).toBe(
      "AKO is not running in member cluster s2 (no pod ako-0): AMKO needs AKO installed and running in every member cluster first",
    );
    expect(c.log).toEqual([]);
  });

  it("installs the followers (isLeader false) before the leader (isLeader true)", async () => {
    const c = clusters({ s1az1: true, s1az2: true, s2: true });
    const r = await c.run(["s1az2", "s2"]);
    expect(r.installed.map((x) => `${x.member}:${x.role}`)).toEqual(["s1az2:follower", "s2:follower", "s1az1:leader"]);
    expect(c.log.filter((l) => l.includes(" helm "))).toEqual(["s1az2 helm amko", "s2 helm amko", "s1az1 helm amko"]);
    // Each cluster gets its namespace and gslb-members secret before its release.
    expect(c.log.indexOf("s2 apply Secret gslb-config-secret")).toBeLessThan(c.log.indexOf("s2 helm amko"));
    expect([...c.rendered.values()].map((v) => [v.currentCluster, v.leader])).toEqual([
      ["s1az2", false],
      ["s2", false],
      ["s1az1", true],
    ]);
  });
});

describe("parseFollowers", () => {
  const members = CONTEXTS.map((c) => ({ name: c, context: c }));
  it("takes 'all' as every member but the leader's, or names", () => {
    expect(parseFollowers("all", members, "s1az1")).toEqual(["s1az2", "s2"]);
    expect(parseFollowers("s2", members, "s1az1")).toEqual(["s2"]);
    expect(parseFollowers(undefined, members, "s1az1")).toEqual([]);
    expect(() => parseFollowers("s2,", members, "s1az1")).toThrow(UsageError);
  });
});
