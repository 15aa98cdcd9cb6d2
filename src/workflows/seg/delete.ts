import type { ServiceEngineGroup, VirtualService } from "../../clients/avi/models.js";
import type { AviClient } from "../../clients/avi/types.js";
import { OperationError, UsageError } from "../../base/errors.js";
import type { Events } from "../events.js";
import { requireCloud } from "../infra/common.js";

export interface SegDeleteResult {
  name: string;
  action: "deleted" | "absent" | "would delete";
}

/** Delete a service engine group, refusing while virtual services are still placed on it. */
export async function deleteSeg(
  o: { name: string; cloud: string; dryRun: boolean },
  avi: AviClient,
  events: Events,
): Promise<SegDeleteResult> {
  const cloud = await requireCloud(avi, o.cloud);
  const seg = await avi.getByName<ServiceEngineGroup>("serviceenginegroup", o.name, { cloudUuid: cloud.uuid });
  if (!seg?.uuid) return { name: o.name, action: "absent" };
  if (seg.name === "Default-Group") throw new UsageError("Default-Group is the cloud's system SE group and cannot be deleted");
  const vses = await avi.list<VirtualService>("virtualservice", { refers_to: `serviceenginegroup:${seg.uuid}`, fields: "name" });
  if (vses.length > 0) {
    throw new OperationError(
      `SE group ${o.name} still hosts ${vses.length} virtual service(s): ${vses.map((v) => v.name).join(", ")}`,
      "delete or move those virtual services first; their service engines are removed after the group's se_deprovision_delay (120 min by default), then the group can go",
    );
  }
  if (o.dryRun) return { name: o.name, action: "would delete" };
  events.step("deleting", { seGroup: o.name });
  await avi.remove("serviceenginegroup", seg.uuid);
  return { name: o.name, action: "deleted" };
}
