#!/usr/bin/env node
/**
 * `npm run test:fork`: the forked suite alone, with BALLAST_FORK=mainnet. With MAINNET_RPC_URL set,
 * hardhat.config then forks mainnet at the pinned block (live mode); without it the suite builds the
 * offline replica (replica mode). Either way the output says which ran. Exits with Hardhat's status.
 */
const { spawnSync } = require("node:child_process");
const fs = require("node:fs");
const path = require("node:path");

const dir = path.join(__dirname, "..", "test", "fork");
const files = fs
  .readdirSync(dir)
  .filter((f) => f.endsWith(".spec.ts"))
  .map((f) => path.join("test", "fork", f));
const env = { ...process.env, BALLAST_FORK: process.env.BALLAST_FORK || "mainnet" };
const run = spawnSync(
  process.execPath,
  [require.resolve("hardhat/internal/cli/bootstrap"), "test", ...files],
  {
    stdio: "inherit",
    env,
    cwd: path.join(__dirname, ".."),
  },
);
if (run.error) {
  console.error(`test:fork: ${run.error.message}`);
  process.exit(1);
}
process.exit(run.status ?? 1);
