#!/usr/bin/env node
/**
 * `npm run test:forge` and `npm test` run forge through this, not through `@foundry-rs/forge`'s own
 * `forge` command: that wrapper (bin.mjs, 1.7.1) spawns the binary but never passes its exit status
 * on, so a failing `forge test` would end with 0 and CI would pass it. This runs the same binary,
 * from the platform package npm installed beside it, and exits with its status (and fails a `forge
 * test` that ran no test).
 */
const { spawn, spawnSync } = require("node:child_process");
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

const args = process.argv.slice(2);
if (args[0] !== "test") {
  const run = spawnSync(binary, args, { stdio: "inherit" });
  if (run.error) {
    console.error(`forge: ${run.error.message}`);
    process.exit(1);
  }
  process.exit(run.status ?? 1);
}

// `forge test` also exits 0 when it finds no test at all (a stale build, a filter that matches
// nothing): stream its output and fail that case too.
const child = spawn(binary, args, { stdio: ["inherit", "pipe", "pipe"] });
let noTests = false;
const relay = (to) => (chunk) => {
  if (/no tests (found|match)/i.test(String(chunk))) noTests = true;
  to.write(chunk);
};
child.stdout.on("data", relay(process.stdout));
child.stderr.on("data", relay(process.stderr));
child.on("error", (e) => {
  console.error(`forge: ${e.message}`);
  process.exit(1);
});
child.on("close", (status) => {
  if (noTests) console.error("forge: no test ran; a run that tests nothing fails.");
  process.exit(noTests ? 1 : (status ?? 1));
});
