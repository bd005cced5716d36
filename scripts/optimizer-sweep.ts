import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

/**
 * `npm run bench:optimizer`: compiles the vaults at several optimizer settings (BALLAST_TW_CORE_RUNS and
 * BALLAST_CORE_RUNS, set alike, for the two cores; BALLAST_TW_EXT_RUNS and BALLAST_EXT_RUNS for the
 * extensions), measures the
 * gas snapshot's paths and the bytecode sizes at each, and writes bench/optimizer.md (committed), the
 * measurement behind hardhat.config.ts's choice: for each core separately, the setting with its
 * lowest rebalance gas at which it fits with MARGIN bytes to spare. Each setting is a clean viaIR build (about two minutes on two cores); the default build is
 * restored at the end.
 */
const ROOT = path.join(__dirname, "..");
const OUT = path.join(ROOT, "bench", "optimizer.md");
// The target-weight extension (legacy code generator, no viaIR) fits only at 1 run; the other
// halves are swept as before. Among settings of equal rebalance gas the earlier row wins.
const SETTINGS: { core: number; ext: number }[] = [
  { core: 150, ext: 1 },
  { core: 200, ext: 1 },
  { core: 300, ext: 1 },
  { core: 1_000, ext: 200 },
  { core: 10_000, ext: 200 },
  { core: 100_000, ext: 200 },
  { core: 100_000, ext: 1 },
];
const SIZED = ["TargetWeightVault", "TargetWeightVaultExt", "DeltaHedgeVault", "DeltaHedgeVaultExt"];
const LIMIT = 24_576 - 4_096;
// A core chosen within this many bytes of LIMIT would be undone by the next ordinary change to it
// (the venues' and flows' changes moved the cores by 100–500 bytes each), for well under 100 gas a
// call between neighbouring settings: the choice keeps this much room for the code still to come.
const MARGIN = 200;

function hardhat(args: string[], env: NodeJS.ProcessEnv): void {
  execFileSync("npx", ["hardhat", ...args], { cwd: ROOT, env, stdio: ["ignore", "ignore", "inherit"] });
}

function size(name: string): number {
  const file = path.join(ROOT, "artifacts", "contracts", "vaults", `${name}.sol`, `${name}.json`);
  const artifact = JSON.parse(fs.readFileSync(file, "utf8")) as { deployedBytecode: string };
  return (artifact.deployedBytecode.length - 2) / 2;
}

function main(): void {
  const rows: { core: number; ext: number; gas: Record<string, string>; sizes: number[] }[] = [];
  for (const s of SETTINGS) {
    process.stdout.write(`core runs ${s.core}, extension runs ${s.ext}: compiling and measuring... `);
    const out = path.join(os.tmpdir(), `ballast-gas-${s.core}-${s.ext}.json`);
    const env = {
      ...process.env,
      BALLAST_TW_CORE_RUNS: String(s.core),
      BALLAST_CORE_RUNS: String(s.core),
      BALLAST_EXT_RUNS: String(s.ext),
      BALLAST_TW_EXT_RUNS: String(s.ext),
      GAS_MEASUREMENT_OUT: out,
    };
    hardhat(["clean"], env);
    hardhat(["test", "test/gas.spec.ts"], env);
    const gas = JSON.parse(fs.readFileSync(out, "utf8")) as Record<string, string>;
    rows.push({ ...s, gas, sizes: SIZED.map(size) });
    console.log(`rebalance (2 assets) ${gas["rebalance (2 assets, 1 leg)"]}`);
  }
  hardhat(["clean"], process.env);
  hardhat(["compile", "--quiet"], process.env);

  const keys = Object.keys(rows[0].gas);
  // The rule hardhat.config.ts follows, per vault kind: its lowest rebalance gas with its core
  // MARGIN bytes within the limit and its extension within it (each kind's two halves are compiled
  // apart from the other's).
  const fits = (r: (typeof rows)[number], core: string) =>
    r.sizes[SIZED.indexOf(core)] <= LIMIT - MARGIN && r.sizes[SIZED.indexOf(`${core}Ext`)] <= LIMIT;
  const bestFor = (core: string, path: string) =>
    rows.filter((r) => fits(r, core)).reduce((a, b) => (Number(b.gas[path]) < Number(a.gas[path]) ? b : a));
  const REBALANCE = "rebalance (2 assets, 1 leg)";
  const HEDGE = "hedge rebalance (10 option legs)";
  const bestTw = bestFor("TargetWeightVault", REBALANCE);
  const bestHedge = bestFor("DeltaHedgeVault", HEDGE);
  const fmt = (x: string | number) => Number(x).toLocaleString("en-US");
  const lines = [
    "# Optimizer runs",
    "",
    "Written by `npm run bench:optimizer` (scripts/optimizer-sweep.ts); do not edit by hand.",
    "",
    "Gas of the snapshot's paths (test/gas.spec.ts) and runtime bytecode sizes at each setting: `core`",
    "is the optimizer's `runs` for TargetWeightVault and DeltaHedgeVault, `ext` for their extensions.",
    `Every contract must stay at or under ${fmt(LIMIT)} bytes (4,096 under EIP-170); a core is chosen`,
    `only with ${fmt(MARGIN)} bytes more to spare (‡ marks a core that fits without them), so the next`,
    "change to it does not undo the choice.",
    "",
    `| path | ${rows.map((r) => `core ${fmt(r.core)} / ext ${fmt(r.ext)}`).join(" | ")} |`,
    `|---|${rows.map(() => "---:").join("|")}|`,
    ...keys.map((k) => `| ${k} | ${rows.map((r) => fmt(r.gas[k])).join(" | ")} |`),
    ...SIZED.map(
      (n, i) =>
        `| size: ${n} (bytes) | ${rows.map((r) => `${fmt(r.sizes[i])}${r.sizes[i] > LIMIT ? " ✗" : !n.endsWith("Ext") && r.sizes[i] > LIMIT - MARGIN ? " ‡" : ""}`).join(" | ")} |`,
    ),
    "",
    `TargetWeightVault: lowest \`${REBALANCE}\` gas within the rule at core ${fmt(bestTw.core)} / ext ` +
      `${fmt(bestTw.ext)}. DeltaHedgeVault: lowest \`${HEDGE}\` gas within the rule at core ` +
      `${fmt(bestHedge.core)} / ext ${fmt(bestHedge.ext)}. hardhat.config.ts uses them.`,
    "",
  ];
  fs.writeFileSync(OUT, lines.join("\n"));
  console.log(`wrote ${path.relative(process.cwd(), OUT)}`);
}

main();
