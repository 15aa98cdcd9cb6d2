import { OperationError, UsageError } from "../../base/errors.js";
import { labAdminRequest } from "../../clients/lab-admin.js";
import { readLabState } from "../../lab/state.js";

/** Take a lab site down (controller, DNS service, VIPs) or bring it back, in the running lab. */
export async function setLabSite(name: string, up: boolean): Promise<{ name: string; up: boolean; changed: boolean }> {
  const state = readLabState();
  if (!state) throw new OperationError("no lab is running", "start one with 'avictl lab up --detach'");
  const site = state.controllers.find((c) => c.name === name);
  if (!site) throw new UsageError(`unknown lab site "${name}" (lab sites: ${state.controllers.map((c) => c.name).join(", ")})`);
  if ((site.up !== false) === up) return { name, up, changed: false };
  if (!state.admin)
    throw new OperationError("this lab has no admin endpoint", "restart it with this avictl: avictl lab down && avictl lab up");
  const admin = { name: "admin endpoint", url: state.admin, adminToken: state.controllers[0]?.adminToken ?? "" };
  const r = await labAdminRequest<{ error?: string }>(admin, "POST", `/lab/sites/${encodeURIComponent(name)}/${up ? "start" : "stop"}`);
  if (r.status !== 200)
    throw new OperationError(`the lab could not ${up ? "start" : "stop"} site ${name}: ${r.body?.error ?? `HTTP ${r.status}`}`);
  return { name, up, changed: true };
}
