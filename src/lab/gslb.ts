import type { AviObject } from "../clients/avi/types.js";
import type { LabControllerHandle, LabGslbHooks } from "./types.js";
import { gslbOf, type GslbMember } from "./avi/gslb-behaviour.js";
import { fireEvent, type GslbEvent } from "./avi/alerts.js";
import type { GslbSite } from "../clients/avi/models.js";
import { compareVersions } from "../clients/avi/version.js";

type Obj = AviObject & Record<string, unknown>;
interface SiteState {
  reachable: boolean;
  sync: string;
  reason?: string;
  recommendation?: string;
  /** Federated objects (creates, updates, deletes) queued for the site and not yet replicated. */
  pending: number;
  /** Leader configuration version the site last acknowledged. */
  acked: number;
  /** When sync_state last changed. */
  changed: number;
}
interface Health {
  up: boolean;
  fails: number;
  oks: number;
  next: number;
}

const FEDERATED = ["gslb", "gslbservice", "healthmonitor"];
const LOOPBACK = new Set(["127.0.0.1", "localhost"]);

/**
 * GSLB across the lab's controllers, as the controllers' GSLB processes do it: the leader verifies
 * sites by logging in to them, replicates the federated configuration (Gslb, GSLB services, federated
 * health monitors) to every reachable follower, keeps per-site runtime, and health-monitors GSLB
 * service members every monitor interval, raising GS_MEMBER_DOWN/UP and GS_DOWN/UP events.
 */
export class GslbFederation {
  private ctrls: LabControllerHandle[] = [];
  private dnsUp = new Map<string, boolean>();
  private sites = new Map<string, SiteState>();
  private health = new Map<string, Health>();
  private gsUp = new Map<string, boolean>();
  private timer: NodeJS.Timeout;
  private pending = false;
  /** The leader's federated configuration version: one step per change of a federated object. */
  private version = 0;
  readonly events: GslbEvent[] = [];

  constructor(private readonly opts: { tickMs?: number; scriptDir: string }) {
    this.timer = setInterval(() => this.tick(), opts.tickMs ?? 250);
    this.timer.unref();
  }

  add(ctrl: LabControllerHandle): void {
    this.ctrls.push(ctrl);
    this.dnsUp.set(ctrl.name, true);
    ctrl.store.onChange((type) => {
      if (!FEDERATED.includes(type)) return;
      if (this.leader()?.ctrl === ctrl) this.version++;
      this.scheduleSync();
    });
  }

  /** What one controller's API asks of the federation. */
  hooks(name: string): LabGslbHooks {
    const self = () => this.ctrls.find((c) => c.name === name)!;
    return {
      siteops: (op, body) => this.siteops(self(), op, body as Obj | undefined),
      gslbRuntime: (uuid) => this.runtime(self(), uuid),
      memberUp: (gsUuid, m) => this.health.get(key(gsUuid, m))?.up ?? true,
    };
  }

  /** A site blackout: controller, DNS service and VIPs down (the caller stops those); health follows. */
  setSiteUp(name: string, up: boolean): void {
    this.dnsUp.set(name, up);
    this.scheduleSync();
  }

  close(): void {
    clearInterval(this.timer);
  }

  private leader(): { ctrl: LabControllerHandle; gslb: Obj } | undefined {
    for (const ctrl of this.ctrls) {
      const g = gslbOf(ctrl.store);
      if (g && g.leader_cluster_uuid === ctrl.clusterUuid && ctrl.up) return { ctrl, gslb: g };
    }
    return undefined;
  }

  /** The controller at a site's address, as a connection from the leader would find it. */
  private reach(addrs: { addr: string }[] | undefined, port: number | undefined): LabControllerHandle | undefined {
    return this.ctrls.find((c) => c.up && c.port === Number(port ?? 443) && (addrs ?? []).some((a) => LOOPBACK.has(a.addr)));
  }

  private siteops(self: LabControllerHandle, op: string, body: Obj | undefined): { status: number; body?: unknown } {
    if (op === "verify") {
      const name = String(body?.name ?? "");
      const addrs = body?.ip_addresses as { addr: string }[] | undefined;
      const where = `${addrs?.[0]?.addr ?? "?"}:${String(body?.port ?? 443)}`;
      const target = this.reach(addrs, body?.port as number | undefined);
      if (!target) return { status: 400, body: { error: `Cannot connect to site ${name} at ${where}: connection refused` } };
      if (body?.username !== target.username || body?.password !== target.password)
        return { status: 400, body: { error: `Login to site ${name} at ${where} failed: Invalid credentials` } };
      if (target === self) return { status: 400, body: { error: `Site ${name} at ${where} is this controller` } };
      return { status: 200, body: { rx_uuid: target.clusterUuid } };
    }
    if (op === "resync") {
      this.scheduleSync();
      return { status: 200, body: {} };
    }
    return { status: 404, body: { error: "Object not found!" } };
  }

  private scheduleSync(): void {
    if (this.pending) return;
    this.pending = true;
    setImmediate(() => {
      this.pending = false;
      this.sync();
    });
  }

  /** Replicate the leader's federated objects to every follower it can log in to. */
  private sync(): void {
    const l = this.leader();
    if (!l) return;
    const objects = FEDERATED.flatMap((t) =>
      l.ctrl.store
        .list(t)
        .filter((o) => t !== "healthmonitor" || o.is_federated === true)
        .map((o) => [t, o] as const),
    );
    for (const site of (l.gslb.sites as GslbSite[] | undefined) ?? []) {
      const prev = this.sites.get(site.cluster_uuid);
      const set = (s: Omit<SiteState, "changed" | "pending" | "acked">, pending = 0) =>
        this.sites.set(site.cluster_uuid, {
          ...s,
          pending,
          acked: pending ? (prev?.acked ?? 0) : this.version,
          changed: prev?.sync === s.sync ? prev.changed : Date.now(),
        });
      if (site.cluster_uuid === l.ctrl.clusterUuid) {
        set({ reachable: true, sync: "GSLB_SITE_CFG_IN_SYNC" });
        continue;
      }
      const queued = () => {
        const ctrl = this.ctrls.find((c) => c.clusterUuid === site.cluster_uuid);
        return ctrl ? pendingFor(ctrl, objects) : objects.length;
      };
      if (site.enabled === false) {
        set({ reachable: false, sync: "GSLB_SITE_CFG_SYNC_DISABLED", reason: "Site is disabled" }, queued());
        continue;
      }
      const target = this.reach(site.ip_addresses, site.port);
      if (!target) {
        set(
          {
            reachable: false,
            sync: "GSLB_SITE_CFG_OUT_OF_SYNC",
            reason: "Site is unreachable",
            recommendation: "Check that the site's controller is up and reachable from the leader",
          },
          queued(),
        );
        continue;
      }
      if (site.username !== target.username || site.password !== target.password) {
        set(
          {
            reachable: false,
            sync: "GSLB_SITE_CFG_OUT_OF_SYNC",
            reason: "Login to the site failed: Invalid credentials",
            recommendation: "Update the site's username and password on the leader",
          },
          queued(),
        );
        continue;
      }
      if (target.clusterUuid !== site.cluster_uuid) {
        set(
          {
            reachable: true,
            sync: "GSLB_SITE_CFG_OUT_OF_SYNC",
            reason: `Site's cluster uuid is ${target.clusterUuid}, not ${site.cluster_uuid}`,
            recommendation: "Verify the site again and correct its cluster_uuid",
          },
          queued(),
        );
        continue;
      }
      replicate(l.ctrl, target, objects);
      set({ reachable: true, sync: "GSLB_SITE_CFG_IN_SYNC" });
    }
  }

  /**
   * The Gslb runtime as a controller reports it (GslbRuntime → site[] GslbSiteRuntime: site_info,
   * site_cfg.sync_info, replication_stats), with the fields of the controller's version only.
   */
  private runtime(self: LabControllerHandle, uuid: string): unknown {
    const g = gslbOf(self.store);
    if (!g || g.uuid !== uuid) return undefined;
    const leaderUuid = String(g.leader_cluster_uuid);
    const since = (v: string) => compareVersions(self.version, v) >= 0;
    const stamp = (ms: number) => ({ secs: Math.floor(ms / 1000), usecs: (ms % 1000) * 1000 });
    return {
      uuid,
      name: g.name,
      site: ((g.sites as GslbSite[] | undefined) ?? []).map((s) => {
        const st = this.sites.get(s.cluster_uuid);
        const isLeader = s.cluster_uuid === leaderUuid;
        const ctrl = this.ctrls.find((c) => c.clusterUuid === s.cluster_uuid);
        const up = isLeader ? self.up : (st?.reachable ?? false);
        const dnsUp = up && (ctrl ? (this.dnsUp.get(ctrl.name) ?? false) : false);
        const reason = up ? undefined : (st?.reason ?? "Site is unreachable");
        return {
          glb_uuid: uuid,
          send_interval: g.send_interval,
          clear_on_max_retries: g.clear_on_max_retries,
          site_info: {
            name: s.name,
            cluster_uuid: s.cluster_uuid,
            role: isLeader ? "GSLB_LEADER" : "GSLB_MEMBER",
            enabled: s.enabled !== false,
            state: s.enabled === false ? "SITE_STATE_DISABLED" : up ? "SITE_STATE_INIT" : "SITE_STATE_UNREACHABLE",
            ...(reason ? { state_reason: reason } : {}),
            oper_status: { state: up ? "OPER_UP" : "OPER_DOWN", ...(reason ? { reason: [reason] } : {}) },
            ...(up && ctrl ? { sw_version: ctrl.version } : {}),
            site_type: "GSLB_AVI_SITE",
            dns_info: {
              dns_active: dnsUp && (s.dns_vses ?? []).length > 0,
              dns_vs_states: (s.dns_vses ?? []).map((d) => {
                const vs = ctrl?.store.get("virtualservice", d.dns_vs_uuid ?? "");
                return { uuid: d.dns_vs_uuid, name: vs?.name, oper_status: { state: vs && dnsUp ? "OPER_UP" : "OPER_DOWN" } };
              }),
            },
          },
          site_cfg: {
            sync_info: {
              sync_state: st?.sync ?? (isLeader ? "GSLB_SITE_CFG_IN_SYNC" : "GSLB_SITE_CFG_SYNC_IN_PROGRESS"),
              ...(st ? { last_changed_time: stamp(st.changed) } : {}),
              ...(since("21.1.3") && st?.reason ? { reason: st.reason } : {}),
              ...(since("21.1.3") && st?.recommendation ? { recommendation: st.recommendation } : {}),
            },
          },
          ...(since("20.1.1")
            ? {
                replication_stats: {
                  received_version: this.version,
                  acknowledged_version: isLeader ? this.version : (st?.acked ?? 0),
                  pending_object_count: st?.pending ?? 0,
                },
              }
            : {}),
        };
      }),
    };
  }

  /** Probe each GSLB service's members when their health monitor's interval has passed. */
  private tick(): void {
    const l = this.leader();
    if (!l) return;
    this.sync();
    const now = Date.now();
    const sites = (l.gslb.sites as GslbSite[] | undefined) ?? [];
    for (const gs of l.ctrl.store.list("gslbservice") as Obj[]) {
      const hm = ((gs.health_monitor_refs as string[] | undefined) ?? [])
        .map((r) => l.ctrl.store.get("healthmonitor", r.split("#")[0]!.split("/").pop()!))
        .find(Boolean);
      const interval = Number(hm?.send_interval ?? 10) * 1000;
      const failedChecks = Number(hm?.failed_checks ?? 2);
      const okChecks = Number(hm?.successful_checks ?? 2);
      let changed = false;
      for (const grp of (gs.groups as { name?: string; members?: GslbMember[] }[] | undefined) ?? []) {
        for (const m of grp.members ?? []) {
          const k = key(gs.uuid!, m);
          const h = this.health.get(k);
          const ok = this.probe(sites, m);
          if (!h) {
            this.health.set(k, { up: ok, fails: 0, oks: 0, next: now + interval });
            continue;
          }
          if (now < h.next) continue;
          h.next = now + interval;
          if (ok) [h.oks, h.fails] = [h.oks + 1, 0];
          else [h.fails, h.oks] = [h.fails + 1, 0];
          const flip = h.up ? h.fails >= failedChecks : h.oks >= okChecks;
          if (!flip) continue;
          h.up = !h.up;
          changed = true;
          this.raise(l.ctrl, {
            event_id: h.up ? "GS_MEMBER_UP" : "GS_MEMBER_DOWN",
            gs,
            group: grp.name,
            member: m,
            site: sites.find((s) => s.cluster_uuid === m.cluster_uuid)?.name,
          });
        }
      }
      if (!changed) continue;
      const anyUp = ((gs.groups as { members?: GslbMember[] }[] | undefined) ?? []).some((grp) =>
        (grp.members ?? []).some((m) => this.health.get(key(gs.uuid!, m))?.up),
      );
      if (this.gsUp.get(gs.uuid!) !== anyUp) {
        if (this.gsUp.has(gs.uuid!) || !anyUp) this.raise(l.ctrl, { event_id: anyUp ? "GS_UP" : "GS_DOWN", gs });
        this.gsUp.set(gs.uuid!, anyUp);
      }
    }
  }

  /** A member answers when its site's controller and VIPs are up and its virtual service is enabled there. */
  private probe(sites: GslbSite[], m: GslbMember): boolean {
    if (!m.cluster_uuid) return true;
    const site = sites.find((s) => s.cluster_uuid === m.cluster_uuid);
    const ctrl = this.ctrls.find((c) => c.clusterUuid === m.cluster_uuid);
    if (!site || !ctrl) return false;
    if (!ctrl.up || !this.dnsUp.get(ctrl.name)) return false;
    if (!m.vs_uuid) return true;
    const vs = ctrl.store.get("virtualservice", m.vs_uuid);
    return Boolean(vs) && vs!.enabled !== false;
  }

  private raise(leader: LabControllerHandle, e: Omit<GslbEvent, "at">): void {
    const event = { ...e, at: Date.now() };
    this.events.push(event);
    fireEvent(leader.store, event, this.opts.scriptDir);
  }
}

function key(gsUuid: string, m: GslbMember): string {
  return `${gsUuid}|${m.ip?.addr ?? ""}|${m.cluster_uuid ?? ""}`;
}

/** What replication would change on a follower: objects to create or update there, and copies to delete. */
function pendingFor(to: LabControllerHandle, objects: (readonly [string, AviObject])[]): number {
  const keep = new Set(objects.map(([type, o]) => `${type}/${o.uuid}`));
  const changed = objects.filter(([type, o]) => to.store.get(type, o.uuid!)?._last_modified !== o._last_modified).length;
  const stale = FEDERATED.flatMap((type) =>
    to.store.list(type).filter((o) => (type !== "healthmonitor" || o.is_federated === true) && !keep.has(`${type}/${o.uuid}`)),
  ).length;
  return changed + stale;
}

/** Copy the leader's federated objects to a follower (same uuids, refs rebased), dropping removed ones. */
function replicate(from: LabControllerHandle, to: LabControllerHandle, objects: (readonly [string, AviObject])[]): void {
  const keep = new Set<string>();
  for (const [type, o] of objects) {
    keep.add(`${type}/${o.uuid}`);
    const copy = JSON.parse(JSON.stringify(o).split(`${from.url}/api/`).join(`${to.url}/api/`)) as AviObject;
    const existing = to.store.get(type, o.uuid!);
    if (existing && existing._last_modified === copy._last_modified) continue;
    to.store.put(type, copy);
  }
  for (const type of FEDERATED) {
    for (const o of to.store.list(type)) {
      if ((type !== "healthmonitor" || o.is_federated === true) && !keep.has(`${type}/${o.uuid}`)) to.store.remove(type, o.uuid!);
    }
  }
}
