import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../../src/base/config.js";
import { writeLabState, type LabState } from "../../../src/lab/state.js";
import { runLabUp } from "../../../src/workflows/lab/up.js";

const events = { step: () => undefined, progress: () => undefined, warn: () => undefined, info: () => undefined };

describe("lab up while a lab runs", () => {
  it("starts nothing, reports the running lab and points the lab context (with its DNS server) at it", async () => {
    process.env.AVICTL_CONFIG = join(mkdtempSync(join(tmpdir(), "avictl-labup-")), "config.yaml");
    const running: LabState = {
      pid: process.pid,
      startedAt: new Date().toISOString(),
      controllers: [
        {
          name: "site1",
          url: "https://127.0.0.1:40001",
          version: "30.2.1",
          username: "admin",
          passwordFile: "/dev/null",
          caCert: "/dev/null",
          adminToken: "t",
        },
      ],
      dns: [],
      backends: [],
      clusters: [],
      systemDns: { host: "127.0.0.1", port: 40053 },
    };
    writeLabState(running);
    const r = await runLabUp({ port: 0, aviVersion: "30.2.1", detach: true, ttlMs: 60_000 }, events, new AbortController().signal);
    expect(r).toMatchObject({ alreadyRunning: true, pid: process.pid, contextAction: "created" });
    expect(loadConfig().contexts).toEqual([
      expect.objectContaining({ name: "lab", controller: "https://127.0.0.1:40001", caCert: "/dev/null", dnsServer: "127.0.0.1:40053" }),
      expect.objectContaining({
        name: "lab-site1",
        controller: "https://127.0.0.1:40001",
        caCert: "/dev/null",
        dnsServer: "127.0.0.1:40053",
      }),
    ]);
  });
});
