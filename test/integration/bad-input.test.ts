import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { S1AZ1 } from "../helpers/blog.js";
import { labAdmin, startTestController } from "../helpers/lab.js";
import { isolatedConfig, runCli } from "../helpers/run-cli.js";
import type { SentRequest } from "../helpers/swagger-conformance.js";

const dir = mkdtempSync(join(tmpdir(), "avictl-bad-input-"));
const file = (name: string, text: string) => {
  writeFileSync(join(dir, name), text);
  return join(dir, name);
};
mkdirSync(join(dir, "a-directory"));
const aliasBomb = [
  'a: &a ["x","x","x","x","x","x","x","x","x","x"]',
  ...Array.from(
    { length: 8 },
    (_, i) =>
      `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${Array(10)
        .fill(`*${String.fromCharCode(97 + i)}`)
        .join(",")}]`,
  ),
].join("\n");
const values = {
  scalar: file("scalar.yaml", "just a sentence\n"),
  list: file("list.yaml", "- a\n- b\n"),
  notYaml: file("broken.yaml", "AKOSettings: [\n  clusterName: }\n"),
  bomb: file("bomb.yaml", aliasBomb),
  directory: join(dir, "a-directory"),
  missing: join(dir, "missing.yaml"),
};
const notPem = file("not-a-cert.pem", "hello\n");
const notAMap = file("config-list.yaml", "- a\n- b\n");
// Offline AKO values: everything on the command line, so only the input is in question.
const akoValues = [
  "ako",
  "values",
  "--cluster-name",
  "S1-AZ1",
  "--vip-network",
  `${S1AZ1.vipNetwork.name}=${S1AZ1.vipNetwork.cidr}`,
  "--se-group",
  S1AZ1.seGroup,
  "--controller-version",
  S1AZ1.controllerVersion,
];

/** [what, argv, expected sentence, extra env]. */
const cases: [string, string[], RegExp, Record<string, string>?][] = [
  ["an empty name", ["bootstrap", "cloud", "--dns-domain", "avi.iberia.local", "--ipam-profile", ""], /--ipam-profile must not be empty/],
  ["a blank name", ["seg", "create", "   "], /SE group name must not be empty/],
  ["a name with a control character", ["seg", "create", "S1\u0007AZ1"], /SE group name must not contain control characters/],
  ["a name longer than allowed", ["dns-vs", "create", "d".repeat(300)], /virtual service name is 300 characters long; at most 256/],
  [
    "a folder with a newline",
    ["seg", "create", "S1-AZ1-SE-Group", "--folder", "AVI K8S\nSite1"],
    /--folder must not contain control characters/,
  ],
  [
    "--ttl 1e3",
    ["bootstrap", "cloud", "--dns-domain", "avi.iberia.local", "--ttl", "1e3"],
    /--ttl must be a whole number from 1 to 604800, not "1e3"/,
  ],
  [
    "--ttl 0x1e",
    ["dns-vs", "create", "g-dns", "--network", S1AZ1.vipNetwork.name, "--ttl", "0x1e"],
    /--ttl must be a whole number from 0 to 86400, not "0x1e"/,
  ],
  [
    "a negative TTL",
    ["bootstrap", "cloud", "--dns-domain", "avi.iberia.local", "--ttl", "-5"],
    /--ttl must be a whole number from 1 to 604800, not "-5"/,
  ],
  [
    "a zero TTL where the schema's minimum is 1",
    ["bootstrap", "cloud", "--dns-domain", "avi.iberia.local", "--ttl", "0"],
    /--ttl must be a whole number from 1 to 604800, not "0"/,
  ],
  ["--max-se 0", ["seg", "create", "S1-AZ1-SE-Group", "--max-se", "0"], /--max-se must be a whole number from 1 to 1000, not "0"/],
  [
    "--max-se over the schema's maximum",
    ["seg", "create", "S1-AZ1-SE-Group", "--max-se", "1001"],
    /--max-se must be a whole number from 1 to 1000, not "1001"/,
  ],
  [
    "--min-scaleout over the schema's maximum",
    ["seg", "create", "S1-AZ1-SE-Group", "--min-scaleout", "65"],
    /--min-scaleout must be a whole number from 1 to 64, not "65"/,
  ],
  [
    "--answers-per-query over the schema's maximum",
    ["dns-vs", "create", "g-dns", "--network", S1AZ1.vipNetwork.name, "--answers-per-query", "21"],
    /--answers-per-query must be a whole number from 1 to 20, not "21"/,
  ],
  ["--timeout 0", ["status", "--timeout", "0"], /--timeout must be a duration longer than zero/],
  [
    "--count -1",
    ["check-dns", "hello.avi.iberia.local", "1", "--count", "-1", "--server", "127.0.0.1:53"],
    /--count "-1" must be a whole number of at least 1/,
  ],
  ["--api-version banana", ["status", "--api-version", "banana"], /--api-version "banana" is not an Avi API version like 22\.1\.3/],
  [
    "--api-version newer than any known",
    ["status", "--api-version", "99.1.1"],
    /--api-version 99\.1\.1 is newer than any Avi version avictl knows/,
  ],
  ...Object.entries(values).map(([what, path]): [string, string[], RegExp] => [
    `a values file: ${what}`,
    [...akoValues, "-f", path],
    {
      scalar: /must be a map of values/,
      list: /must be a map of values/,
      notYaml: /is not valid YAML/,
      bomb: /uses aliases that expand to more than/,
      directory: /is a directory/,
      missing: /does not exist/,
    }[what]!,
  ]),
  ["--out to a directory", [...akoValues, "--out", join(dir, "a-directory")], /--out .*a-directory is a directory/],
  [
    "--out into a missing folder",
    [...akoValues, "--out", join(dir, "no-such-folder", "values.yaml")],
    /--out .*no-such-folder does not exist/,
  ],
  [
    "AVICTL_CONFIG that is a directory",
    ["config", "get-contexts"],
    /config file .*a-directory is a directory/,
    { AVICTL_CONFIG: join(dir, "a-directory") },
  ],
  [
    "AVICTL_CONFIG that is not a map",
    ["config", "get-contexts"],
    /config file .*config-list\.yaml must be a map/,
    { AVICTL_CONFIG: notAMap },
  ],
  [
    "a --ca-cert that is not PEM",
    ["config", "set-context", "lab", "--controller", "https://127.0.0.1:8443", "--ca-cert", notPem],
    /--ca-cert .*not-a-cert\.pem holds no PEM certificate/,
  ],
  [
    "a missing --ca-cert",
    ["config", "set-context", "lab", "--controller", "https://127.0.0.1:8443", "--ca-cert", join(dir, "missing.pem")],
    /--ca-cert .*missing\.pem does not exist/,
  ],
  ["a missing global --ca-cert", ["status", "--ca-cert", join(dir, "missing.pem")], /--ca-cert .*missing\.pem does not exist/],
  [
    "an option without its value",
    ["seg", "create", "S1-AZ1-SE-Group", "--ha-mode"],
    /error: option '--ha-mode <mode>' argument missing \(run with --help for usage\)/,
  ],
  ["an unknown option", ["seg", "create", "S1-AZ1-SE-Group", "--colour"], /error: unknown option '--colour'/],
  ["an unclosed IPv6 controller URL", ["status", "--controller", "http://[::1"], /controller "http:\/\/\[::1" is not a valid address/],
  [
    "an ftp:// controller",
    ["status", "--controller", "ftp://127.0.0.1"],
    /controller "ftp:\/\/127\.0\.0\.1" must be http:\/\/ or https:\/\//,
  ],
  ["a newline in --controller", ["status", "--controller", "127.0.0.1\nx"], /--controller must not contain control characters/],
  [
    "check-dns --server 300.1.1.1",
    ["check-dns", "hello.avi.iberia.local", "1", "--count", "1", "--server", "300.1.1.1"],
    /--server "300\.1\.1\.1" is not a valid IPv4 address/,
  ],
  [
    "an IPv6 pool",
    ["create-vrf", "VRF_AZ1", "--network", "AVI_FRONTEND_3025=2001:db8::/64@2001:db8::10-2001:db8::20"],
    /IPv6 is not supported for --network AVI_FRONTEND_3025/,
  ],
];

let ctrl: Awaited<ReturnType<typeof startTestController>>;
let env: Record<string, string>;

describe("bad input: exit 2, one sentence, nothing written", () => {
  beforeAll(async () => {
    ctrl = await startTestController();
    env = ctrl.env({ AVICTL_CONFIG: isolatedConfig() });
  });
  afterAll(async () => ctrl?.ctrl.close());

  it.each(cases)("%s", async (_, args, sentence, extra) => {
    const r = await runCli(args, { env: { ...env, ...extra } });
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(sentence);
    expect(r.stderr.trimEnd().split("\n"), r.stderr).toHaveLength(1);
    expect(r.stderr).not.toMatch(/bug|\n\s+at /);
  });

  it("wrote nothing to the controller", async () => {
    const writes = (await labAdmin<SentRequest[]>(ctrl.ctrl, "/lab/requests")).filter((q) => q.method !== "GET");
    expect(writes).toEqual([]);
  });

  it("a full stdout is one line and exit 1, no stack trace", async () => {
    const { spawn } = await import("node:child_process");
    const { binPath } = await import("../helpers/run-cli.js");
    // Asynchronously: the lab controller answers from this very process.
    const child = spawn("sh", ["-c", `"${process.execPath}" "${binPath}" status > /dev/full`], {
      env: { ...process.env, ...env, NO_COLOR: "1", CI: "1" },
    });
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
    expect(code, stderr).toBe(1);
    expect(stderr.trimEnd().split("\n"), stderr).toHaveLength(1);
    expect(stderr).toMatch(/^error: cannot write the output \(ENOSPC\)/);
  });
});
