import { Command } from "commander";
import type { App } from "../../cli/app.js";
import { build as up } from "./up.js";
import { build as down } from "./down.js";
import { build as env } from "./env.js";
import { build as demo } from "./demo.js";
import { buildStartSite, buildStopSite } from "./site.js";

export function build(app: App): Command {
  const cmd = new Command("lab").description("the embedded lab: a simulated controller, DNS service, backends and Kubernetes API on loopback");
  for (const b of [up, down, env, demo, buildStopSite, buildStartSite]) cmd.addCommand(b(app));
  return cmd;
}
