import { UsageError } from "../../base/errors.js";
import type { ServiceEngineGroup, VirtualService } from "../../clients/avi/models.js";
import type { AviClient } from "../../clients/avi/types.js";
import { uuidOfRef } from "../../clients/avi/types.js";
import { updateOwned } from "../ensure.js";
import type { Events } from "../events.js";
import type { InfraResult } from "../infra/common.js";

export interface VsAnalyticsOptions {
  name: string;
  /** Undefined leaves the setting as it is. */
  nonSignificantLogs?: boolean;
  realtimeMetrics?: boolean;
  logThrottle?: boolean;
  dryRun: boolean;
}

/** The switches the blog flips in the UI before reading logs, as the controller holds them. */
export interface AnalyticsSettings {
  nonSignificantLogs: boolean;
  /** Minutes non-significant logging stays on; 0 = forever. */
  nonSignificantLogsDuration: number;
  realtimeMetrics: boolean;
  realtimeMetricsDuration: number;
  /** Logs per second per SE; 0 = not throttled. */
  nonSignificantLogThrottle: number;
  significantLogThrottle: number;
  udfLogThrottle: number;
}

export interface VsAnalyticsResult extends InfraResult {
  virtualService: string;
  before: AnalyticsSettings;
  after: AnalyticsSettings;
}

interface Policy {
  full_client_logs?: { enabled?: boolean; duration?: number; throttle?: number };
  metrics_realtime_update?: { enabled?: boolean; duration?: number };
  significant_log_throttle?: number;
  udf_log_throttle?: number;
}

/** Schema defaults of AnalyticsPolicy, for fields the controller leaves out. */
const DEFAULT_THROTTLE = 10;
const DEFAULT_DURATION = 30;

export function toVsAnalyticsOptions(
  name: string,
  raw: { nonSignificantLogs?: string; realtimeMetrics?: string; logThrottle?: string; dryRun?: boolean },
): VsAnalyticsOptions {
  return {
    name,
    nonSignificantLogs: onOff(raw.nonSignificantLogs, "--non-significant-logs"),
    realtimeMetrics: onOff(raw.realtimeMetrics, "--realtime-metrics"),
    logThrottle: onOff(raw.logThrottle, "--log-throttle"),
    dryRun: Boolean(raw.dryRun),
  };
}

function onOff(v: string | undefined, flag: string): boolean | undefined {
  if (v === undefined) return undefined;
  if (v === "on" || v === "off") return v === "on";
  throw new UsageError(`${flag} must be on or off, not "${v}"`);
}

export function settingsOf(p: Policy | undefined): AnalyticsSettings {
  return {
    nonSignificantLogs: p?.full_client_logs?.enabled === true,
    nonSignificantLogsDuration: p?.full_client_logs?.duration ?? DEFAULT_DURATION,
    realtimeMetrics: p?.metrics_realtime_update?.enabled === true,
    realtimeMetricsDuration: p?.metrics_realtime_update?.duration ?? DEFAULT_DURATION,
    nonSignificantLogThrottle: p?.full_client_logs?.throttle ?? DEFAULT_THROTTLE,
    significantLogThrottle: p?.significant_log_throttle ?? DEFAULT_THROTTLE,
    udfLogThrottle: p?.udf_log_throttle ?? DEFAULT_THROTTLE,
  };
}

/**
 * The VS analytics policy through the one ensure path: non-significant logs and real-time metrics
 * kept on forever (duration 0) when switched on, every log throttle 0 when throttling is off.
 */
export async function setVsAnalytics(o: VsAnalyticsOptions, avi: AviClient, events: Events): Promise<VsAnalyticsResult> {
  const start = avi.writes;
  events.step("looking up", { virtualservice: o.name });
  const vs = await avi.getByName<VirtualService>("virtualservice", o.name);
  if (!vs?.uuid)
    throw new UsageError(
      `virtual service "${o.name}" does not exist on the controller`,
      "check the name with 'avictl vs list' or the controller UI",
    );
  const policy = vs.analytics_policy as Policy | undefined;
  const desired: Policy = {};
  if (o.nonSignificantLogs !== undefined)
    desired.full_client_logs = { enabled: o.nonSignificantLogs, ...(o.nonSignificantLogs ? { duration: 0 } : {}) };
  if (o.realtimeMetrics !== undefined)
    desired.metrics_realtime_update = { enabled: o.realtimeMetrics, ...(o.realtimeMetrics ? { duration: 0 } : {}) };
  if (o.logThrottle !== undefined) {
    const t = o.logThrottle ? DEFAULT_THROTTLE : 0;
    // full_client_logs.enabled is required by the schema whenever the sub-object is sent.
    desired.full_client_logs = { enabled: policy?.full_client_logs?.enabled === true, ...desired.full_client_logs, throttle: t };
    desired.significant_log_throttle = t;
    desired.udf_log_throttle = t;
  }
  const warnings: string[] = [];
  const r = Object.keys(desired).length
    ? await updateOwned<VirtualService>(avi, "virtualservice", vs, { analytics_policy: desired }, { dryRun: o.dryRun })
    : { item: { kind: "virtualservice", name: o.name, uuid: vs.uuid, action: "unchanged" as const, diff: [] }, object: vs };
  const after = o.dryRun ? settingsOf(mergePolicy(policy, desired)) : settingsOf(r.object?.analytics_policy as Policy | undefined);
  if (o.logThrottle === false) {
    const seg = vs.se_group_ref ? await avi.getByUuid<ServiceEngineGroup>("serviceenginegroup", uuidOfRef(vs.se_group_ref)) : undefined;
    const segThrottles = [seg?.non_significant_log_throttle, seg?.significant_log_throttle].map((t) => Number(t ?? 100));
    if (seg && segThrottles.some((t) => t > 0))
      warnings.push(
        `SE group ${seg.name ?? ""} still throttles logs; an export may miss some: avictl seg create ${seg.name ?? "NAME"} --no-log-throttle`,
      );
  }
  return {
    dryRun: o.dryRun,
    plan: [r.item],
    warnings,
    writes: avi.writes - start,
    virtualService: o.name,
    before: settingsOf(policy),
    after,
  };
}

function mergePolicy(p: Policy | undefined, d: Policy): Policy {
  return {
    ...p,
    ...d,
    full_client_logs: { ...p?.full_client_logs, ...d.full_client_logs },
    metrics_realtime_update: { ...p?.metrics_realtime_update, ...d.metrics_realtime_update },
  };
}
