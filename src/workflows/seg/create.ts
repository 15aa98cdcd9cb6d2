import type { HaMode, KeyValue, ServiceEngineGroup } from "../../clients/avi/models.js";
import type { AviClient } from "../../clients/avi/types.js";
import { UsageError } from "../../base/errors.js";
import { ensure } from "../ensure.js";
import type { Events } from "../events.js";
import { requireCloud, type InfraResult } from "../infra/common.js";
import { parseSchemaCount } from "../infra/net.js";

export const HA_MODES: Record<string, HaMode> = {
  "elastic-buffer": "HA_MODE_SHARED",
  "elastic-active-active": "HA_MODE_SHARED_PAIR",
  "legacy-active-standby": "HA_MODE_LEGACY_ACTIVE_STANDBY",
};

export interface SegCreateOptions {
  name: string;
  cloud: string;
  haMode: HaMode;
  prefix?: string;
  folder?: string;
  bufferSe?: number;
  minScaleout?: number;
  maxSe?: number;
  realtimeMetrics?: boolean;
  noLogThrottle: boolean;
  clusterLabel?: string;
  dryRun: boolean;
}

export function toSegCreateOptions(
  name: string,
  raw: {
    cloud?: string;
    haMode?: string;
    prefix?: string;
    folder?: string;
    bufferSe?: string;
    minScaleout?: string;
    maxSe?: string;
    realtimeMetrics?: boolean;
    logThrottle?: boolean;
    clusterLabel?: string;
    dryRun?: boolean;
  },
): SegCreateOptions {
  if (!/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(name))
    throw new UsageError(`SE group name "${name}" may only hold letters, digits, '_', '.' and '-'`);
  const haMode = HA_MODES[raw.haMode ?? "elastic-buffer"];
  if (!haMode) throw new UsageError(`--ha-mode must be one of ${Object.keys(HA_MODES).join(", ")}, not "${raw.haMode}"`);
  if (raw.prefix !== undefined && !/^[a-zA-Z][a-zA-Z0-9-]{0,15}$/.test(raw.prefix))
    throw new UsageError(`--prefix "${raw.prefix}" must start with a letter and hold up to 16 letters, digits or '-'`);
  if (raw.clusterLabel !== undefined && !/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(raw.clusterLabel))
    throw new UsageError(`--cluster-label "${raw.clusterLabel}" must be an AKO clusterName (letters, digits, '_', '.', '-')`);
  const o: SegCreateOptions = {
    name,
    cloud: raw.cloud ?? "Default-Cloud",
    haMode,
    prefix: raw.prefix,
    folder: raw.folder,
    bufferSe: parseSchemaCount(raw.bufferSe, "--buffer-se", "ServiceEngineGroup.buffer_se", { max: 100 }),
    minScaleout: parseSchemaCount(raw.minScaleout, "--min-scaleout", "ServiceEngineGroup.min_scaleout_per_vs"),
    // The schema allows 0, but a group that may start no Service Engine can place nothing.
    maxSe: parseSchemaCount(raw.maxSe, "--max-se", "ServiceEngineGroup.max_se", { min: 1 }),
    realtimeMetrics: raw.realtimeMetrics,
    noLogThrottle: raw.logThrottle === false,
    clusterLabel: raw.clusterLabel,
    dryRun: Boolean(raw.dryRun),
  };
  if (haMode === "HA_MODE_SHARED_PAIR") o.minScaleout ??= 2;
  if (haMode === "HA_MODE_SHARED_PAIR" && o.minScaleout! < 2)
    throw new UsageError("--min-scaleout must be at least 2 with elastic-active-active");
  if (haMode === "HA_MODE_LEGACY_ACTIVE_STANDBY") {
    if (o.maxSe !== undefined && o.maxSe !== 2)
      throw new UsageError("legacy-active-standby uses exactly 2 service engines; leave --max-se out");
    o.maxSe = 2;
    o.bufferSe ??= 0;
  }
  return o;
}

/** The fields avictl owns on a service engine group. */
export function segDesired(o: SegCreateOptions, cloudRef: string): Record<string, unknown> {
  const d: Record<string, unknown> = { cloud_ref: cloudRef, ha_mode: o.haMode };
  if (o.haMode === "HA_MODE_SHARED_PAIR") d.algo = "PLACEMENT_ALGO_DISTRIBUTED";
  if (o.prefix !== undefined) d.se_name_prefix = o.prefix;
  if (o.folder !== undefined) d.vcenter_folder = o.folder;
  if (o.bufferSe !== undefined) d.buffer_se = o.bufferSe;
  if (o.minScaleout !== undefined) d.min_scaleout_per_vs = o.minScaleout;
  if (o.maxSe !== undefined) d.max_se = o.maxSe;
  if (o.realtimeMetrics !== undefined) d.realtime_se_metrics = { enabled: o.realtimeMetrics, duration: 0 };
  if (o.noLogThrottle) Object.assign(d, { non_significant_log_throttle: 0, significant_log_throttle: 0, udf_log_throttle: 0 });
  if (o.clusterLabel !== undefined) d.labels = [{ key: "clustername", value: o.clusterLabel }];
  return d;
}

/** Create or converge a service engine group; one AKO cluster per group, enforced through its clustername label. */
export async function createSeg(o: SegCreateOptions, avi: AviClient, events: Events): Promise<InfraResult> {
  const start = avi.writes;
  events.step("looking up", { cloud: o.cloud, seGroup: o.name });
  const cloud = await requireCloud(avi, o.cloud);
  const existing = await avi.getByName<ServiceEngineGroup>("serviceenginegroup", o.name, { cloudUuid: cloud.uuid });
  const label = existing?.labels?.find((l) => l.key === "clustername")?.value;
  if (o.clusterLabel && label && label !== o.clusterLabel) {
    throw new UsageError(
      `SE group ${o.name} already belongs to AKO cluster ${label}; AKO refuses a group labelled for another cluster ("Labels do not match with cluster name for SE group")`,
      "create a separate SE group per cluster",
    );
  }
  const owned = segDesired(o, avi.ref("cloud", cloud.uuid));
  // Labels are shared with AKO and the UI: set ours by key on the list as it is at write time.
  const desired = (current?: ServiceEngineGroup) =>
    owned.labels
      ? { ...owned, labels: [...(current?.labels ?? []).filter((l) => l.key !== "clustername"), ...(owned.labels as KeyValue[])] }
      : owned;
  const r = await ensure<ServiceEngineGroup>(
    avi,
    { type: "serviceenginegroup", name: o.name, cloudUuid: cloud.uuid, desired },
    { dryRun: o.dryRun },
  );
  return { dryRun: o.dryRun, plan: [r.item], warnings: [], writes: avi.writes - start };
}
