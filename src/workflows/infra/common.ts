import { UsageError } from "../../base/errors.js";
import type { Cloud, Network } from "../../clients/avi/models.js";
import type { AviClient } from "../../clients/avi/types.js";
import type { PlanItem } from "../ensure.js";

/** What every infrastructure workflow returns: the plan (done or, with --dry-run, to do) and warnings. */
export interface InfraResult {
  dryRun: boolean;
  plan: PlanItem[];
  warnings: string[];
  writes: number;
}

export async function requireCloud(avi: AviClient, name: string): Promise<Cloud & { uuid: string }> {
  const cloud = await avi.getByName<Cloud>("cloud", name);
  if (!cloud?.uuid) throw new UsageError(`cloud "${name}" does not exist on the controller`, "list clouds with 'avictl status' or pass --cloud");
  return cloud as Cloud & { uuid: string };
}

export async function requireNetwork(avi: AviClient, name: string, cloud: { uuid: string; name?: string }): Promise<Network & { uuid: string }> {
  const net = await avi.getByName<Network>("network", name, { cloudUuid: cloud.uuid });
  if (!net?.uuid) throw new UsageError(`network "${name}" is not discovered on cloud ${cloud.name ?? cloud.uuid}`, "check the port group name in vCenter and the cloud's discovery");
  return net as Network & { uuid: string };
}

/** A ref for an object that may not exist yet: its real ref, or on --dry-run a name ref the controller also accepts. */
export function refOrName(avi: AviClient, type: string, uuid: string | undefined, name: string): string {
  return uuid ? avi.ref(type, uuid) : `/api/${type}?name=${encodeURIComponent(name)}`;
}
