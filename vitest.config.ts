import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: "forks",
    // One test file at a time: lab AKO VIPs are fixed loopback addresses (127.10.25.40…, port 80), so two
    // labs in parallel files would answer each other's requests. Two-core machines run one worker anyway.
    fileParallelism: false,
    globalSetup: ["test/helpers/temp-root.ts"],
  },
});
