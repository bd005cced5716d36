import { expect } from "chai";
import fs from "node:fs";
import path from "node:path";
import hre from "hardhat";

import { measureAdminPaths } from "../src/bench/adminGas";
import { REWARD_ROW, measureOverhead, measureUserPaths } from "../src/bench/gas";
import { measureHedgeRebalance } from "../src/bench/hedgeGas";
import { measureLeveragePaths } from "../src/bench/leverageGas";
import { measureShortHedgePaths } from "../src/bench/shortHedgeGas";

/**
 * Gas is a reviewed artifact: the hot paths' gas is committed in gas-snapshot.json and this test
 * fails on any change. After a deliberate change, rewrite it with UPDATE_GAS_SNAPSHOT=1 and commit
 * the new file with the change that moved it. Rewrite it from a clean build (`npx hardhat clean`):
 * with viaIR, solc's output depends on which sources share a compilation job, so an incremental
 * build can produce different bytecode (and gas) than the fresh clone CI compiles.
 */
const SNAPSHOT = path.join(__dirname, "gas-snapshot.json");

describe("gas snapshot", () => {
  it("matches the committed snapshot: deposit, redeem, redeemInKind, rebalance (2, 4 assets), hedge rebalance (1, 10, 50 legs), admin calls, leverage lever / delever / ripcord / flows, short hedge open / extend / buy back / close", async () => {
    // Token and vault addresses (hence pool token order and swap direction) follow the deployer's
    // nonce, and the gas follows them: measure on a fresh chain, whichever suite ran before. The
    // fixtures other suites saved are then stale; hardhat-deploy sees their snapshots fail to revert
    // and deploys them again.
    await hre.network.provider.send("hardhat_reset");
    const measured: Record<string, string> = {};
    for (const [k, v] of Object.entries(await measureUserPaths(hre))) measured[k] = v.toString();
    const two = await measureOverhead(hre, 2);
    measured["rebalance (2 assets, 1 leg)"] = two.rebalanceGas.toString();
    measured["rebalance (4 assets, 3 legs)"] = (await measureOverhead(hre, 4)).rebalanceGas.toString();
    for (const legs of [1, 10, 50]) {
      measured[`hedge rebalance (${legs} option legs)`] = (
        await measureHedgeRebalance(hre, legs)
      ).rebalanceGas.toString();
    }
    for (const [k, v] of Object.entries(await measureAdminPaths(hre))) measured[k] = v.toString();
    for (const [k, v] of Object.entries(await measureLeveragePaths(hre))) measured[k] = v.toString();
    for (const [k, v] of Object.entries(await measureShortHedgePaths(hre))) measured[k] = v.toString();

    // bench/results.md's row-by-row table: each trace's rows add up to its execution gas, so the
    // difference column adds up to the overhead; the keeper reward is one transfer, counted once.
    const total = (b: Record<string, number>) => BigInt(Object.values(b).reduce((a, x) => a + x, 0));
    expect(total(two.routerBreakdown)).to.equal(two.routerExecution);
    expect(total(two.breakdown) - total(two.routerBreakdown)).to.equal(two.overhead);
    expect(two.breakdown[REWARD_ROW]).to.be.within(5_000, 30_000);
    expect(two.routerBreakdown[REWARD_ROW]).to.equal(undefined);

    if (process.env.GAS_MEASUREMENT_OUT) {
      // scripts/optimizer-sweep.ts: record what this build measures, compare nothing.
      fs.writeFileSync(process.env.GAS_MEASUREMENT_OUT, JSON.stringify(measured, null, 2) + "\n");
      return;
    }
    if (process.env.UPDATE_GAS_SNAPSHOT === "1") {
      fs.writeFileSync(SNAPSHOT, JSON.stringify(measured, null, 2) + "\n");
      console.log(`      wrote ${path.relative(process.cwd(), SNAPSHOT)}`);
      return;
    }
    expect(fs.existsSync(SNAPSHOT), "gas snapshot missing: run with UPDATE_GAS_SNAPSHOT=1").to.equal(true);
    const committed = JSON.parse(fs.readFileSync(SNAPSHOT, "utf8")) as Record<string, string>;
    expect(
      measured,
      "gas moved: review, then npx hardhat clean && UPDATE_GAS_SNAPSHOT=1 npx hardhat test test/gas.spec.ts",
    ).to.deep.equal(committed);
  });
});
