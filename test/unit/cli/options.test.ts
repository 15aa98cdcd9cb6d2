import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { Command } from "@commander-js/extra-typings";
import { describe, expect, it } from "vitest";
import { UsageError } from "../../../src/cli/errors.js";
import { checkController, checkInputs } from "../../../src/cli/options.js";
import { checkApiVersion } from "../../../src/clients/avi/version.js";
import { AVI_RANGES } from "../../../src/workflows/infra/ranges.js";
import { parseCount, parseSchemaCount } from "../../../src/workflows/infra/net.js";
import { swaggerDir } from "../../helpers/helm-binary.js";

/** Parse argv with a small command tree, running the input checks as the program does. */
async function parse(argv: string[]): Promise<void> {
  const root = new Command("avictl")
    .exitOverride()
    .option("--controller <host>")
    .configureOutput({ writeErr: () => undefined });
  root.addCommand(
    new Command("seg")
      .argument("<name>", "SE group name")
      .option("--folder <path>")
      .option("--cloud <name>", "cloud", "Default-Cloud")
      .option("--label <kv>", "", (v: string, all: string[] = []) => [...all, v])
      .action(() => undefined),
  );
  root.hook("preAction", (_, action) => checkInputs(action));
  await root.parseAsync(["node", "avictl", ...argv]);
}

describe("checkInputs", () => {
  it.each([
    [["seg", ""], "SE group name must not be empty"],
    [["seg", "S1", "--cloud", "  "], "--cloud must not be empty"],
    [["seg", "S1", "--folder", "a\nb"], "--folder must not contain control characters"],
    [["seg", "S1", "--label", "ok", "--label", "x\ty"], "--label must not contain control characters"],
    [["--controller", "", "seg", "S1"], "--controller must not be empty"],
    [["seg", "x".repeat(257)], "SE group name is 257 characters long; at most 256 are allowed"],
    [["seg", "S1", "--cloud", "c".repeat(257)], "--cloud is 257 characters long"],
  ])("refuses %j", async (argv, message) => {
    await expect(parse(argv)).rejects.toThrow(message);
  });

  it("accepts ordinary values, long folders and defaults", async () => {
    await expect(parse(["seg", "S1-AZ1-SE-Group", "--folder", `AVI K8S/${"f".repeat(300)}`])).resolves.toBeUndefined();
  });
});

describe("numbers", () => {
  it.each(["1e3", "0x1e", "1.0", " ", "", "12abc", "99999999999"])("refuses %j", (text) => {
    expect(() => parseCount(text, "--n", 0, 1e12)).toThrow(UsageError);
  });
  it("accepts decimal whole numbers and applies the schema's range, optionally narrower", () => {
    expect(parseCount("30", "--ttl", 1, 100)).toBe(30);
    expect(parseCount("-3", "--offset", -5, 5)).toBe(-3);
    expect(() => parseSchemaCount("0", "--max-se", "ServiceEngineGroup.max_se", { min: 1 })).toThrow(
      '--max-se must be a whole number from 1 to 1000, not "0"',
    );
    expect(() => parseSchemaCount("65", "--min-scaleout", "ServiceEngineGroup.min_scaleout_per_vs")).toThrow("from 1 to 64");
  });
});

describe("checkController and checkApiVersion", () => {
  it.each([
    ["http://[::1", /is not a valid address/],
    ["ftp://10.10.20.43", /must be http:\/\/ or https:\/\//],
    ["10.10.20.43\n", /must not contain control characters/],
  ])("refuses controller %j", (value, message) => {
    expect(() => checkController(value, "--controller")).toThrow(message);
  });
  it("accepts hosts, host:port and http(s) URLs", () => {
    for (const v of ["10.10.20.43", "avi.example.com:8443", "https://[::1]:8443", "http://127.0.0.1:9000"])
      expect(() => checkController(v, "--controller")).not.toThrow();
  });
  it("refuses malformed and unknown API versions", () => {
    expect(() => checkApiVersion("banana", "--api-version")).toThrow('--api-version "banana" is not an Avi API version like 22.1.3');
    expect(() => checkApiVersion("99.1.1", "env:AVI_VERSION")).toThrow("env:AVI_VERSION 99.1.1 is newer than any Avi version avictl knows");
    expect(() => checkApiVersion("22.1.3", "--api-version")).not.toThrow();
  });
});

describe.skipIf(!existsSync(swaggerDir))("AVI_RANGES", () => {
  it("matches the official schemas (regenerate with node src/workflows/infra/ranges.generate.mjs)", () => {
    const files: Record<string, string> = {
      ServiceEngineGroup: "ServiceEngineGroup",
      IpamDnsInternalProfile: "IpamDnsProviderProfile",
      DnsServiceDomain: "IpamDnsProviderProfile",
      DnsServiceApplicationProfile: "ApplicationProfile",
    };
    for (const [key, [min, max]] of Object.entries(AVI_RANGES)) {
      const [def, field] = key.split(".") as [string, string];
      const doc = JSON.parse(readFileSync(join(swaggerDir, `${files[def]}.json`), "utf8")) as {
        definitions: Record<string, { properties: Record<string, { description?: string }> }>;
      };
      const range = /Allowed values are (-?\d+)-(-?\d+)/.exec(doc.definitions[def]!.properties[field]!.description ?? "");
      expect([min, max], key).toEqual(range ? [Number(range[1]), Number(range[2])] : [0, 2 ** 31 - 1]);
    }
  });
});
