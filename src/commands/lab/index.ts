import { Command, type CommandUnknownOpts } from "@commander-js/extra-typings";
import type { App } from "../../cli/app.js";
import { build as up } from "./up.js";
import { build as down } from "./down.js";
import { build as env } from "./env.js";
import { build as demo } from "./demo.js";
import { build as status } from "./status.js";
import { build as faults } from "./faults.js";
import { buildStartSite, buildStopSite } from "./site.js";

export function build(app: App): CommandUnknownOpts {
  const cmd = new Command("lab").description(
    "the embedded lab: a simulated controller, DNS service, backends and Kubernetes API on loopback",
  );
  for (const b of [up, down, env, status, faults, buildStopSite, buildStartSite, demo]) cmd.addCommand(b(app));
  return cmd;
}
