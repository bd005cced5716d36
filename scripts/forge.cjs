#!/usr/bin/env node
/**
 * `npm run test:forge` and `npm test` run forge through this, not through `@foundry-rs/forge`'s own
 * `forge` command: that wrapper (bin.mjs, 1.7.1) spawns the binary but never passes its exit status
 * on, so a failing `forge test` would end with 0 and CI would pass it. This runs the same binary,
 * from the platform package npm installed beside it, and exits with its status.
 */
const { spawnSync } = require("node:child_process");
const path = require("node:path");

const arch = { x64: "amd64", arm64: "arm64" }[process.arch] ?? process.arch;
const pkg = `@foundry-rs/forge-${process.platform}-${arch}`;
let binary;
try {
  binary = path.join(path.dirname(require.resolve(`${pkg}/package.json`)), "bin", "forge");
} catch {
  console.error(`forge: ${pkg} is not installed; run npm ci on linux, macOS (x64, arm64) or Windows x64.`);
  process.exit(1);
}
if (process.platform === "win32") binary += ".exe";

const run = spawnSync(binary, process.argv.slice(2), { stdio: "inherit" });
if (run.error) {
  console.error(`forge: ${run.error.message}`);
  process.exit(1);
}
process.exit(run.status ?? 1);
