import type { Command } from "commander";
import type { App } from "../cli/app.js";
import { build as status } from "./status.js";
import { build as config } from "./config/index.js";
import { build as lab } from "./lab/index.js";
import { build as completion } from "./completion.js";
import { build as bootstrap } from "./bootstrap/index.js";
import { build as createVrf } from "./create-vrf.js";
import { build as seg } from "./seg/index.js";
import { build as dnsVs } from "./dns-vs/index.js";
import { build as checkDns } from "./check-dns.js";
import { build as infraSetting } from "./infra-setting/index.js";
import { build as ako } from "./ako/index.js";
import { build as amko } from "./amko/index.js";

/** Every top-level command, in help order. Add one line per command or group. */
export const commandBuilders: ((app: App) => Command)[] = [
  status,
  bootstrap,
  createVrf,
  seg,
  dnsVs,
  checkDns,
  ako,
  amko,
  infraSetting,
  config,
  lab,
  completion,
];
