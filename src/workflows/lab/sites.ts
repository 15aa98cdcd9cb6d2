import { OperationError, UsageError } from "../../base/errors.js";
import { labAdminRequest } from "../../lab/admin-client.js";
import { readLabState } from "../../lab/state.js";

/** Take a lab site down (controller, DNS service, VIPs) or bring it back, in the running lab. */
export async function setLabSite(name: string, up: boolean): Promise<{ name: string; up: boolean; changed: boolean }> {
  const state = readLabState();
  if (!state) throw new OperationError("no lab is running", "start one with 'avictl lab up --detach'");
  const site = state.controllers.find((c) => c.name === name);
  if (!site) throw new UsageError(`unknown lab site "${name}" (lab sites: ${state.controllers.map((c) => c.name).join(", ")})`);
  if ((site.up !== false) === up) return { name, up, changed: false };
  const r = await labAdminRequest<{ error?: string }>(state, "POST", `/lab/sites/${encodeURIComponent(name)}/${up ? "start" : "stop"}`);
  if (r.status !== 200)
    throw new OperationError(`the lab could not ${up ? "start" : "stop"} site ${name}: ${r.body?.error ?? `HTTP ${r.status}`}`);
  return { name, up, changed: true };
}
