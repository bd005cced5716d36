#!/usr/bin/env node
/**
 * `forge lint` over the contracts and the forge tests, as part of `npm run lint`: forge prints its
 * findings but exits 0 (and its `-D warnings` would also fail on solc's own warnings about
 * dependencies), so this fails the run on any finding forge prints. Findings are fixed, or
 * suppressed in place with `// forge-lint: disable-next-line(<lint>) -- <reason>`.
 */
const { spawnSync } = require("node:child_process");
const fs = require("node:fs");
const path = require("node:path");

// forge lint compiles what it lints and records it in the build cache without writing the test
// build's artifacts, so a later forge test would skip compiling and find tests missing. The cache is
// put back as it was (FOUNDRY_CACHE_PATH and --no-cache do not stop it, forge 1.7.1).
const root = path.join(__dirname, "..");
const cache = path.join(root, "cache_forge", "solidity-files-cache.json");
// In three parts: one forge lint over all of contracts/ and test/forge/ makes one solc-js call of
// 125 files, which crashes the wasm compiler ("memory access out of bounds") on a fresh build.
const product = fs
  .readdirSync(path.join(root, "contracts"), { withFileTypes: true })
  // chainlink/ only imports Chainlink's own sources (feed proxies in Solidity 0.6, KeystoneForwarder at
  // exactly 0.8.24) for the tests: not ours, and forge lint's compiler is 0.8.28.
  .filter((d) => d.isDirectory() && d.name !== "test" && d.name !== "chainlink")
  .map((d) => `contracts/${d.name}`);
const parts = [product, ["contracts/test"], ["test/forge"]];

const saved = fs.existsSync(cache) ? fs.readFileSync(cache) : null;
let out = "";
let failed = false;
try {
  for (const paths of parts) {
    const run = spawnSync(process.execPath, [path.join(__dirname, "forge.cjs"), "lint", ...paths], {
      encoding: "utf8",
      cwd: root,
    });
    out += `${run.stdout ?? ""}${run.stderr ?? ""}`;
    failed ||= run.status !== 0;
  }
} finally {
  if (saved) fs.writeFileSync(cache, saved);
  else fs.rmSync(cache, { force: true });
}
const findings = out.split("\n").filter((l) => /^(error|warning|note|help)\[[a-z0-9-]+\]/.test(l));
if (failed || findings.length > 0) {
  process.stdout.write(out);
  console.error(
    `forge lint: ${findings.length} finding(s); fix each or suppress it in place with the reason.`,
  );
  process.exit(1);
}
console.log("forge lint: no findings in contracts/ and test/forge/.");
