import { Command } from "@commander-js/extra-typings";
import { describe, expect, it } from "vitest";
import { flagsFor } from "../../../src/cli/options.js";

/** A workflow input, as a `toXOptions(raw)` declares it. */
interface Input {
  network?: string[];
  dryRun?: boolean;
}

describe("typed flags", () => {
  it("parse into an object typed from the option definitions", () => {
    const cmd = new Command("x").option("--network <spec>", "network", (v: string, all: string[] = []) => [...all, v]).exitOverride();
    cmd.parse(["--network", "a", "--network", "b"], { from: "user" });
    const network: string[] | undefined = cmd.opts().network;
    expect(network).toEqual(["a", "b"]);
    // @ts-expect-error a flag the command does not define is a compile error
    expect(cmd.opts().net).toBeUndefined();
  });

  it("reach a workflow input only when every input key is a flag (a renamed flag fails to compile)", () => {
    const good = { network: ["a"] as string[] | undefined, dryRun: true };
    expect(flagsFor<Input>()(good)).toBe(good);
    const renamed = { net: ["a"] as string[] | undefined, dryRun: true };
    // @ts-expect-error `network` is missing: the flag was renamed to --net
    expect(flagsFor<Input>()(renamed)).toBe(renamed);
  });
});
