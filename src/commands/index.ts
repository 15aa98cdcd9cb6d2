import type { Command } from "commander";
import type { App } from "../cli/app.js";
import { build as status } from "./status.js";
import { build as config } from "./config/index.js";
import { build as lab } from "./lab/index.js";
import { build as completion } from "./completion.js";

/** Every top-level command, in help order. Add one line per command or group. */
export const commandBuilders: ((app: App) => Command)[] = [
  status,
  config,
  lab,
  completion,
];
