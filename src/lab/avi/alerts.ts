import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { AviObject } from "../../clients/avi/types.js";
import type { LabStore } from "../types.js";
import type { GslbMember } from "./gslb-behaviour.js";
import { uuidOf } from "./refs.js";

export interface GslbEvent {
  event_id: "GS_UP" | "GS_DOWN" | "GS_MEMBER_UP" | "GS_MEMBER_DOWN";
  gs: AviObject;
  group?: string;
  member?: GslbMember;
  site?: string;
  at: number;
}

type Obj = AviObject & Record<string, unknown>;
const last = new Map<string, number>();

/** Event details as the controller's events carry them (the fields the ControlScripts read). */
export function eventDetails(e: GslbEvent): Record<string, unknown> {
  const gs = String(e.gs.name);
  if (e.event_id === "GS_UP" || e.event_id === "GS_DOWN") return { se_hm_gs_details: { gslb_service: gs } };
  return {
    se_hm_gsgroup_details: {
      gslb_service: gs,
      gsgroup: e.group,
      gsmember: { ip: { addr: e.member?.ip?.addr, type: "V4" }, site_name: e.site },
      ha_reason: e.event_id === "GS_MEMBER_DOWN" ? "health monitor failed" : "health monitor succeeded",
    },
  };
}

/**
 * The controller's alert engine for GSLB events: every enabled alert config whose rule names the
 * event (and whose throttle has passed) runs its action group's ControlScript with the alert as a
 * JSON string in argv[1]. The lab runs a script only when every URL in it is on loopback, so
 * nothing it starts sends a packet off the machine.
 */
export function fireEvent(store: LabStore, e: GslbEvent, scriptDir: string): void {
  for (const ac of store.list("alertconfig") as Obj[]) {
    if (ac.enabled === false) continue;
    const rules = (
      (ac.alert_rule as { sys_event_rule?: { event_id: string; not_cond?: boolean }[] } | undefined)?.sys_event_rule ?? []
    ).filter((r) => !r.not_cond);
    if (!rules.some((r) => r.event_id === e.event_id)) continue;
    if (ac.obj_uuid && ac.obj_uuid !== e.gs.uuid) continue;
    const throttleKey = `${ac.uuid}|${e.gs.uuid}`;
    const throttle = Number(ac.throttle ?? 600) * 1000;
    if (throttle > 0 && e.at - (last.get(throttleKey) ?? -Infinity) < throttle) continue;
    last.set(throttleKey, e.at);
    const ag = store.get("actiongroupconfig", uuidOf(ac.action_group_ref));
    const script = ag && store.get("alertscriptconfig", uuidOf(ag.action_script_config_ref));
    const source = script?.action_script;
    if (typeof source !== "string") continue;
    const payload = {
      name: ac.name,
      level: ag!.level ?? "ALERT_LOW",
      reason: "threshold_exceeded",
      obj_name: e.gs.name,
      threshold: ac.threshold ?? 1,
      throttle_count: 0,
      events: [
        {
          event_id: e.event_id,
          obj_uuid: e.gs.uuid,
          obj_name: e.gs.name,
          report_timestamp: Math.floor(e.at / 1000),
          event_details: eventDetails(e),
        },
      ],
    };
    runScript(source, JSON.stringify(payload), scriptDir);
  }
}

function runScript(source: string, arg: string, scriptDir: string): void {
  const urls = source.match(/https?:\/\/[^\s"'<>]+/g) ?? [];
  if (urls.some((u) => !/^https?:\/\/(127\.\d+\.\d+\.\d+|localhost)(:\d+)?(\/|$)/.test(u))) return;
  const dir = mkdtempSync(join(scriptDir, "controlscript-"));
  const file = join(dir, "script.py");
  writeFileSync(file, source, { mode: 0o600 });
  const child = spawn("python3", [file, arg], { stdio: "ignore", timeout: 20_000 });
  const done = () => rmSync(dir, { recursive: true, force: true });
  child.on("error", done);
  child.on("close", done);
}
