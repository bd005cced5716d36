#!/usr/bin/env node
/**
 * Runs bun (the CRE workflow's unit tests: `npm run test:cre`) from the npm registry's own build,
 * without relying on bun's postinstall: the platform package `@oven/bun-<os>-<arch>` carries the
 * binary, and bun's postinstall moves it into `bun/bin/bun.exe` when install scripts run. Whichever
 * holds the real binary is used; the exit status is bun's.
 */
const { spawnSync } = require("node:child_process");
const fs = require("node:fs");
const path = require("node:path");

const arch = { x64: "x64", arm64: "aarch64" }[process.arch] ?? process.arch;
const os = { linux: "linux", darwin: "darwin", win32: "windows" }[process.platform] ?? process.platform;
const exe = process.platform === "win32" ? "bun.exe" : "bun";
const candidates = [];
for (const pkg of [`@oven/bun-${os}-${arch}`, `@oven/bun-${os}-${arch}-baseline`]) {
  try {
    candidates.push(path.join(path.dirname(require.resolve(`${pkg}/package.json`)), "bin", exe));
  } catch {
    // not installed for this platform
  }
}
try {
  candidates.push(path.join(path.dirname(require.resolve("bun/package.json")), "bin", "bun.exe"));
} catch {
  // bun itself is missing: reported below
}
// The placeholder bun ships before its postinstall is a small text file; the binary is ~100 MB.
const binary = candidates.find((c) => fs.existsSync(c) && fs.statSync(c).size > 1_000_000);
if (!binary) {
  console.error(
    `bun: no bun binary in node_modules (looked in ${candidates.join(", ") || "nothing"}); run npm ci.`,
  );
  process.exit(1);
}
const run = spawnSync(binary, process.argv.slice(2), { stdio: "inherit" });
if (run.error) {
  console.error(`bun: ${run.error.message}`);
  process.exit(1);
}
process.exit(run.status ?? 1);
