import { task } from "hardhat/config";

import {
  type AdminChange,
  type AdminTarget,
  adminTarget,
  applyAdminChange,
  bandsChange,
  cancelChange,
  parseAssignments,
  pauseChanges,
  requireTargetWeight,
  settingsChanges,
  targetsChange,
} from "../src/admin/changes";
import {
  bandChange,
  bookChange,
  bookLimitsChange,
  rateChange,
  targetDeltaChange,
  volatilityChange,
} from "../src/admin/hedge";
import { SIGNERS, preflight, runTask } from "../src/cli/connect";
import { parseChoice, parseIntList } from "../src/cli/args";
import { UserError } from "../src/config/env";

/**
 * The admin tasks: each prints the change, simulates it, and sends it — unless --dry-run (the
 * convention of every task that changes state). --signer picks who signs; `unsigned` writes a Safe
 * Transaction Builder batch for the owner instead (to --out, or printed).
 */
function adminTask(
  name: string,
  description: string,
  build: (args: Record<string, string>, target: AdminTarget) => Promise<AdminChange[]>,
  params: [string, string][] = [],
) {
  let t = task(name, `${description} (sends unless --dry-run)`)
    .addParam("vault", "a deployment name or address")
    .addFlag("dryRun", "print and simulate only; send nothing")
    .addOptionalParam("signer", `who signs: ${SIGNERS.join(", ")}`, "deployer")
    .addOptionalParam("out", "with --signer unsigned: write the Safe batch to this file (default: print it)");
  for (const [p, d] of params) t = t.addParam(p, d);
  t.setAction(
    async (
      args: Record<string, string> & { vault: string; dryRun: boolean; signer: string; out?: string },
      hre,
    ) =>
      runTask(async () => {
        const signer = parseChoice("signer", args.signer, SIGNERS);
        if (args.out !== undefined && signer !== "unsigned")
          throw new UserError("--out is for --signer unsigned (the batch file); other signers send.");
        await preflight(hre);
        const target = await adminTarget(hre, args.vault);
        const results = [];
        for (const change of await build(args, target))
          results.push(
            await applyAdminChange(hre, target, change, { dryRun: args.dryRun, signer, out: args.out }, (l) =>
              console.log(l),
            ),
          );
        return results;
      }),
  );
}

adminTask(
  "vault:pause",
  "Pauses a vault (owner or guardian); nothing is sent when it already is",
  async (_, t) => pauseChanges(t, true, (l) => console.log(l)),
);
adminTask("vault:unpause", "Unpauses a vault (owner); nothing is sent when it is not paused", async (_, t) =>
  pauseChanges(t, false, (l) => console.log(l)),
);
adminTask(
  "vault:settings",
  "Changes engine thresholds and amounts, e.g. --set maxSlippageBps=150,cooldownSeconds=600",
  async (args, t) => settingsChanges(t.contract, parseAssignments(args.set)),
  [["set", "comma-separated key=value pairs"]],
);
adminTask(
  "vault:targets",
  "Sets target weights in bps, quote asset first, e.g. --targets 4000,3000,3000 (queued first; the same command applies them after the delay)",
  async (args, t) => {
    requireTargetWeight(t, "setTargets");
    return [await targetsChange(t, parseIntList("targets", args.targets, 0, 10_000))];
  },
  [["targets", "comma-separated bps, summing to 10000"]],
);
adminTask(
  "vault:cancel-change",
  "Drops a queued change by its id (owner or guardian)",
  async (args) => [cancelChange(args.id)],
  [["id", "the change id vault:settings, vault:targets or vault:bands printed"]],
);
adminTask(
  "vault:bands",
  "Sets per-asset bands in bps, e.g. --abs 500,500,500 --rel 0,0,0",
  async (args, t) => [
    await bandsChange(t, parseIntList("abs", args.abs, 0, 10_000), parseIntList("rel", args.rel, 0, 10_000)),
  ],
  [
    ["abs", "absolute band per asset, bps of NAV (0 = off)"],
    ["rel", "relative band per asset, bps of the target (0 = off)"],
  ],
);

/* The delta-hedged vault's own parameters (src/admin/hedge.ts): values in a strategist's units. */
adminTask(
  "vault:book",
  "Points a delta-hedged vault at another options book",
  async (args, t) => [await bookChange(t, args.book)],
  [["book", "the IOptionBook address"]],
);
adminTask(
  "vault:volatility",
  "Sets σ's source and bounds, e.g. --set sigma=80%,minSigma=0.1,maxSigma=3 or --set feed=0x…,maxStaleness=1h",
  async (args, t) => [await volatilityChange(t, args.set)],
  [
    [
      "set",
      "comma-separated key=value: feed, maxStaleness (duration), sigma, minSigma, maxSigma (0.8 or 80%)",
    ],
  ],
);
adminTask(
  "vault:rate",
  "Sets r, annual and continuously compounded, e.g. --rate 4% or --rate 0.04",
  async (args, t) => [await rateChange(t, args.rate)],
  [["rate", "a fraction or a percentage (|r| ≤ 100%)"]],
);
adminTask(
  "vault:target-delta",
  "Sets the hedge's target net delta in underlying units, e.g. --delta 0 or --delta -0.5",
  async (args, t) => [await targetDeltaChange(t, args.delta)],
  [["delta", "underlying units (WETH for an ETH hedge)"]],
);
adminTask(
  "vault:band",
  "Sets the no-trade band, e.g. --set policy=WhalleyWilmott,costBps=10,riskAversion=1,minHalfWidth=0.1",
  async (args, t) => [await bandChange(t, args.set)],
  [
    [
      "set",
      "comma-separated key=value: policy (Absolute, RelativeToGross, WhalleyWilmott), relativeBps, costBps, absolute, riskAversion, minHalfWidth, maxHalfWidth",
    ],
  ],
);
adminTask(
  "vault:book-limits",
  "Sets how the hedge follows its book, e.g. --set expiryUnwind=1d,bookCooldown=1h",
  async (args, t) => [await bookLimitsChange(t, args.set)],
  [["set", "comma-separated key=value: expiryUnwind, bookCooldown (durations)"]],
);
