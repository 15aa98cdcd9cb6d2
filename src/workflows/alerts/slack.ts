import { readFileSync, statSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { OperationError, UsageError } from "../../base/errors.js";
import type { AviClient, AviObject } from "../../clients/avi/types.js";
import { ensure, type PlanItem } from "../ensure.js";
import type { Events } from "../events.js";

export const GS_EVENTS = ["GS_UP", "GS_DOWN", "GS_MEMBER_UP", "GS_MEMBER_DOWN"] as const;
export type GsEvent = (typeof GS_EVENTS)[number];
/** Every object avictl makes for Slack alerts starts with this name. */
export const PREFIX = "avictl-slack";

export interface SlackOptions {
  webhookUrlFile: string;
  events: GsEvent[];
  channel?: string;
  test: boolean;
  dryRun: boolean;
}

export interface SlackResult {
  dryRun: boolean;
  plan: PlanItem[];
  warnings: string[];
  test?: { status: number; payload: SlackMessage };
}

export interface SlackMessage {
  text: string;
  channel?: string;
}

export function toSlackOptions(raw: {
  webhookUrlFile?: string;
  events?: string;
  channel?: string;
  test?: boolean;
  dryRun?: boolean;
}): SlackOptions {
  if (!raw.webhookUrlFile)
    throw new UsageError("--webhook-url-file is required: a file holding the Slack webhook URL (kept out of the command line)");
  const events = (raw.events ?? GS_EVENTS.join(","))
    .split(",")
    .map((e) => e.trim().toUpperCase())
    .filter(Boolean);
  const bad = events.find((e) => !(GS_EVENTS as readonly string[]).includes(e));
  if (bad) throw new UsageError(`--events: unknown event "${bad}" (choose from ${GS_EVENTS.join(", ")})`);
  if (events.length === 0) throw new UsageError("--events is empty");
  if (raw.channel !== undefined && !/^[#@]?[a-z0-9][a-z0-9._-]{0,79}$/.test(raw.channel))
    throw new UsageError(`--channel "${raw.channel}" is not a Slack channel name like #gslb-alerts`);
  return {
    webhookUrlFile: raw.webhookUrlFile,
    events: [...new Set(events)] as GsEvent[],
    channel: raw.channel,
    test: Boolean(raw.test),
    dryRun: Boolean(raw.dryRun),
  };
}

/** The webhook URL from its file (a secret: never echoed, not even in errors). */
export function readWebhookUrl(file: string): { url: string; warning?: string } {
  let text: string;
  try {
    text = readFileSync(file, "utf8").trim();
  } catch {
    throw new UsageError(`cannot read the webhook URL file ${file}`);
  }
  let u: URL;
  try {
    u = new URL(text);
  } catch {
    throw new UsageError(`${file} does not hold a URL (expected https://hooks.slack.com/services/...)`);
  }
  if (u.protocol !== "https:" && u.protocol !== "http:") throw new UsageError(`${file} does not hold an http(s) URL`);
  const mode = statSync(file).mode & 0o077;
  return {
    url: u.toString(),
    warning: mode ? `${file} is readable by other users; the webhook URL is a secret (chmod 600 it)` : undefined,
  };
}

/** The ControlScript: the readable template with the URL and channel filled in as Python string literals. */
export function renderControlScript(url: string, channel?: string): string {
  const template = readFileSync(fileURLToPath(new URL("../../../templates/alerts/slack.py", import.meta.url)), "utf8");
  return template.replace("{{WEBHOOK_URL}}", JSON.stringify(url)).replace("{{CHANNEL}}", channel ? JSON.stringify(channel) : "None");
}

/** The message the ControlScript posts for an alert (mirrors describe() in templates/alerts/slack.py). */
export function slackMessage(
  alert: { name?: string; events?: { event_id: string; obj_name?: string; event_details?: Record<string, Record<string, unknown>> }[] },
  channel?: string,
): SlackMessage {
  const icons: Record<string, string> = {
    GS_UP: ":large_green_circle:",
    GS_DOWN: ":red_circle:",
    GS_MEMBER_UP: ":white_check_mark:",
    GS_MEMBER_DOWN: ":warning:",
  };
  const lines = (alert.events ?? []).map((e) => {
    const state = e.event_id.endsWith("_UP") ? "UP" : "DOWN";
    if (e.event_id.startsWith("GS_MEMBER")) {
      const d = (e.event_details?.se_hm_gsgroup_details ?? {}) as {
        gslb_service?: string;
        gsgroup?: string;
        gsmember?: { ip?: { addr?: string } };
      };
      return `${icons[e.event_id]} GSLB service ${d.gslb_service ?? e.obj_name ?? "?"}: member ${d.gsmember?.ip?.addr ?? "?"} (pool ${d.gsgroup ?? "?"}) is ${state}`;
    }
    const d = (e.event_details?.se_hm_gs_details ?? {}) as { gslb_service?: string };
    return `${icons[e.event_id] ?? ""} GSLB service ${d.gslb_service ?? e.obj_name ?? "?"} is ${state}`;
  });
  return { text: (lines.length ? lines : [`alert ${alert.name ?? "?"}`]).join("\n"), ...(channel ? { channel } : {}) };
}

/** A sample GS_MEMBER_DOWN alert, as the controller would hand it to the script. */
export function sampleAlert() {
  return {
    name: `${PREFIX}-GS_MEMBER_DOWN`,
    level: "ALERT_LOW",
    reason: "threshold_exceeded",
    obj_name: "hello.avi.iberia.local",
    events: [
      {
        event_id: "GS_MEMBER_DOWN",
        obj_name: "hello.avi.iberia.local",
        report_timestamp: Math.floor(Date.now() / 1000),
        event_details: {
          se_hm_gsgroup_details: {
            gslb_service: "hello.avi.iberia.local",
            gsgroup: "hello.avi.iberia.local-10",
            gsmember: { ip: { addr: "10.10.25.46", type: "V4" } },
          },
        },
      },
    ],
  };
}

const hideScript = (item: PlanItem): PlanItem => ({
  ...item,
  diff: item.diff.map((d) =>
    d.path === "action_script" ? { path: d.path, to: "<ControlScript from templates/alerts/slack.py; webhook URL hidden>" } : d,
  ),
});

/**
 * The alert chain for GSLB events: one ControlScript (alertscriptconfig), one action group running it,
 * one alert config per event. With test, the sample message is posted to the webhook and its HTTP
 * status reported.
 */
export async function slackAlerts(
  o: SlackOptions,
  avi: AviClient,
  url: string,
  post: (url: string, body: unknown) => Promise<number>,
  events: Events,
): Promise<SlackResult> {
  const plan: PlanItem[] = [];
  events.step("ControlScript");
  const script = await ensure(
    avi,
    { type: "alertscriptconfig", name: PREFIX, desired: { action_script: renderControlScript(url, o.channel) } },
    o,
  );
  plan.push(hideScript(script.item));
  events.step("action group");
  const scriptRef = script.item.uuid ? avi.ref("alertscriptconfig", script.item.uuid) : `/api/alertscriptconfig?name=${PREFIX}`;
  const group = await ensure(
    avi,
    { type: "actiongroupconfig", name: PREFIX, desired: { level: "ALERT_LOW", external_only: false, action_script_config_ref: scriptRef } },
    o,
  );
  plan.push(group.item);
  const groupRef = group.item.uuid ? avi.ref("actiongroupconfig", group.item.uuid) : `/api/actiongroupconfig?name=${PREFIX}`;
  for (const e of o.events) {
    events.step(`alert config for ${e}`);
    const desired = {
      source: "EVENT_LOGS",
      category: "REALTIME",
      object_type: "GSLBSERVICE",
      alert_rule: { operator: "OPERATOR_AND", sys_event_rule: [{ event_id: e, not_cond: false }] },
      action_group_ref: groupRef,
      threshold: 1,
      // The controller's default (600 s) would swallow a second flap within ten minutes.
      throttle: 0,
      enabled: true,
    };
    plan.push((await ensure(avi, { type: "alertconfig", name: `${PREFIX}-${e}`, desired }, o)).item);
  }
  const result: SlackResult = { dryRun: o.dryRun, plan, warnings: [] };
  if (o.test) {
    events.step("posting a sample message to the webhook");
    const payload = slackMessage(sampleAlert(), o.channel);
    let status: number;
    try {
      status = await post(url, payload);
    } catch (err) {
      throw new OperationError(
        `the test message to the Slack webhook failed: ${(err as Error).message}`,
        "check the URL in the webhook file and the network path to Slack",
      );
    }
    result.test = { status, payload };
  }
  return result;
}

export interface AlertRow {
  name: string;
  events: string[];
  enabled: boolean;
  actionGroup?: string;
  throttle?: number;
}

/** The alert configs avictl made (name prefix), with their events; never the script text. */
export async function listAlerts(avi: AviClient): Promise<AlertRow[]> {
  const configs = await avi.list<
    AviObject & { alert_rule?: { sys_event_rule?: { event_id: string }[] }; action_group_ref?: string; throttle?: number }
  >("alertconfig", { "name.contains": PREFIX, include_name: true });
  return configs
    .filter((c) => c.name?.startsWith(PREFIX))
    .map((c) => ({
      name: c.name!,
      events: (c.alert_rule?.sys_event_rule ?? []).map((r) => r.event_id),
      enabled: c.enabled !== false,
      actionGroup: c.action_group_ref?.split("#")[1],
      throttle: c.throttle,
    }));
}

/** Delete avictl's alert chain (alert configs → action group → script), or only some events' alert configs. */
export async function deleteAlerts(
  avi: AviClient,
  only: GsEvent[] | undefined,
  dryRun: boolean,
): Promise<{ dryRun: boolean; plan: PlanItem[]; warnings: string[] }> {
  const plan: PlanItem[] = [];
  const names = (only ?? GS_EVENTS).map((e) => `${PREFIX}-${e}`);
  const remove = async (type: string, name: string) => {
    const o = await avi.getByName(type, name);
    if (!o?.uuid) return;
    plan.push({ kind: type, name, uuid: o.uuid, action: "update", diff: [{ path: "(object)", from: "present", to: "deleted" }] });
    if (!dryRun) await avi.remove(type, o.uuid);
  };
  for (const n of names) await remove("alertconfig", n);
  const left = (await listAlerts(avi)).filter((a) => !names.includes(a.name));
  if (left.length === 0) {
    await remove("actiongroupconfig", PREFIX);
    await remove("alertscriptconfig", PREFIX);
  }
  return { dryRun, plan, warnings: [] };
}
