#!/usr/bin/env node
/**
 * `npm run test:invariant`: the deep invariant campaign (foundry.toml's `deep` profile, at least
 * 1,000,000 handler calls over both vaults). The seed is printed first; `SEED=0x… npm run
 * test:invariant` replays a run exactly. Extra arguments go to `forge test`.
 */
const { randomBytes } = require("node:crypto");
const { spawnSync } = require("node:child_process");
const path = require("node:path");

const seed = process.env.SEED ?? `0x${randomBytes(8).toString("hex")}`;
if (!/^0x[0-9a-fA-F]{1,64}$/.test(seed)) {
  console.error(`invariant: SEED must be a hex number such as 0x1f2e, got '${seed}'.`);
  process.exit(1);
}
console.log(`invariant: deep profile, seed ${seed} (replay: SEED=${seed} npm run test:invariant)`);
const started = Date.now();
const run = spawnSync(
  process.execPath,
  [
    path.join(__dirname, "forge.cjs"),
    "test",
    "--match-contract",
    "^(TargetWeight|DeltaHedge)Invariants$",
    "--fuzz-seed",
    seed,
    ...process.argv.slice(2),
  ],
  { stdio: "inherit", env: { ...process.env, FOUNDRY_PROFILE: "deep" } },
);
console.log(
  `invariant: seed ${seed}, ${((Date.now() - started) / 60000).toFixed(1)} min, exit ${run.status}`,
);
process.exit(run.status ?? 1);
