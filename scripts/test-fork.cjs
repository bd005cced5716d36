#!/usr/bin/env node
/**
 * `npm run test:fork`: the forked suites, one Hardhat process per network (mainnet, arbitrum), each with
 * BALLAST_FORK=<network>. With that network's RPC URL set (MAINNET_RPC_URL, ARBITRUM_RPC_URL),
 * hardhat.config forks it at the pinned block (live mode); without it the suite builds the offline
 * replica (replica mode). Either way the output says which ran. BALLAST_FORK=<network> runs only that
 * network. Exits non-zero when any process fails.
 */
const { spawnSync } = require("node:child_process");
const fs = require("node:fs");
const path = require("node:path");

const root = path.join(__dirname, "..");
const files = fs
  .readdirSync(path.join(root, "test", "fork"))
  .filter((f) => f.endsWith(".spec.ts"))
  .map((f) => path.join("test", "fork", f));
const networks = process.env.BALLAST_FORK ? [process.env.BALLAST_FORK] : ["mainnet", "arbitrum"];
let failed = false;
for (const network of networks) {
  console.log(`\n=== forked suite: ${network} ===`);
  const run = spawnSync(
    process.execPath,
    [require.resolve("hardhat/internal/cli/bootstrap"), "test", ...files],
    {
      stdio: "inherit",
      env: { ...process.env, BALLAST_FORK: network },
      cwd: root,
    },
  );
  if (run.error) console.error(`test:fork: ${run.error.message}`);
  failed ||= run.status !== 0;
}
process.exit(failed ? 1 : 0);
