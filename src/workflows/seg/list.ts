import type { ServiceEngineGroup, VirtualService } from "../../clients/avi/models.js";
import type { AviClient, AviObject } from "../../clients/avi/types.js";
import { nameOfRef, uuidOfRef } from "../../clients/avi/types.js";

export interface SegRow {
  name: string;
  cloud?: string;
  haMode?: string;
  prefix?: string;
  folder?: string;
  bufferSe?: number;
  maxSe?: number;
  clusterLabel?: string;
  serviceEngines: string[];
  virtualServices: string[];
}

/** Every SE group with its service engines and the virtual services placed on it. */
export async function listSegs(avi: AviClient): Promise<SegRow[]> {
  const [segs, ses, vses] = await Promise.all([
    avi.list<ServiceEngineGroup>("serviceenginegroup", { include_name: true }),
    avi.list<AviObject & { se_group_ref?: string }>("serviceengine", { fields: "name,se_group_ref" }),
    avi.list<VirtualService>("virtualservice", { fields: "name,se_group_ref" }),
  ]);
  const on = <T extends AviObject & { se_group_ref?: string }>(items: T[], seg: string) =>
    items.filter((i) => uuidOfRef(i.se_group_ref ?? "") === seg).map((i) => String(i.name));
  return segs.map((s) => ({
    name: String(s.name),
    cloud: s.cloud_ref ? nameOfRef(s.cloud_ref) : undefined,
    haMode: s.ha_mode,
    prefix: s.se_name_prefix,
    folder: s.vcenter_folder,
    bufferSe: s.buffer_se === undefined ? undefined : Number(s.buffer_se),
    maxSe: s.max_se === undefined ? undefined : Number(s.max_se),
    clusterLabel: s.labels?.find((l) => l.key === "clustername")?.value,
    serviceEngines: on(ses, s.uuid ?? ""),
    virtualServices: on(vses, s.uuid ?? ""),
  }));
}
