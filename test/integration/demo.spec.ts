import { expect } from "chai";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import hre from "hardhat";

import { DEFAULT_HEDGE_DEMO, runDeltaHedgeDemo } from "../../src/demo/deltaHedgeDemo";
import { DEFAULT_LEVERAGE_DEMO, runLeverageDemo } from "../../src/demo/leverageDemo";
import { DEFAULT_SHORT_HEDGE_DEMO, runShortHedgeDemo } from "../../src/demo/shortHedgeDemo";
import { DEFAULT_DEMO, runTargetWeightDemo } from "../../src/demo/targetWeightDemo";
import { demoVaultPreset } from "../../src/vault/targetWeight";
import { runCaptured } from "../shared/helpers";

describe("demo (npm run demo)", () => {
  it("replays real history and keeps every weight in band after each rebalance", async () => {
    const lines: string[] = [];
    const summary = await runTargetWeightDemo(hre, {
      ...DEFAULT_DEMO,
      from: new Date("2022-06-01T00:00:00Z"),
      to: new Date("2022-06-20T00:00:00Z"),
      log: (l) => lines.push(l),
    });
    const band = demoVaultPreset().assets[0].absBandBps / 1e4;
    expect(summary.steps.length).to.equal(19);
    // The first step deploys 60% of NAV in 25% chunks: three calls.
    expect(summary.steps[0].calls).to.equal(3);
    // ETH fell from ~1,800 to ~1,000 in June 2022: more rebalances followed.
    expect(summary.rebalances).to.be.greaterThan(3);
    for (const s of summary.steps) {
      if (s.calls > 0) expect(s.maxDrift, s.point.time.toISOString()).to.be.lessThan(band);
      else expect(s.reason).to.not.equal("Due");
      expect(s.cost).to.be.gte(0);
    }
    // Rebalancing cost stays within the slippage bound (1%) of NAV over the run.
    expect(summary.totalCost).to.be.lessThan(0.01 * 1_000_000);
    // A falling market: buy-and-hold of the post-rebalance allocation, priced independently here.
    expect(summary.holdNav).to.be.lessThan(1_000_000);
    expect(lines.some((l) => l.startsWith("2022-06-01") && l.includes("rebalanced (3 calls)"))).to.equal(
      true,
    );
    expect(lines.some((l) => /bought [\d.]+ WETH with/.test(l))).to.equal(true);
    // Each row shows the drift that fired the trigger: out of band before every rebalance, in band
    // (or held by a time gate) before every step without one.
    for (const s of summary.steps) {
      if (s.calls > 0) expect(s.outOfBand, s.point.time.toISOString()).to.equal(true);
      else if (s.reason === "WithinBand") expect(s.driftBefore).to.be.lessThan(band);
    }
    // The tracking summary: its share of time out of band is the share of starred rows after the first rebalance.
    const rows = lines.filter((l) => /^2022-06-\d\d /.test(l)).slice(1);
    const starred = rows.filter((l) => /%\* /.test(l)).length;
    expect(summary.tracking.timeOutOfBand).to.be.closeTo(starred / rows.length, 1e-9);
    expect(summary.tracking.maxDrift).to.be.lessThan(0.6); // the all-cash start is not counted
    expect(summary.tracking.costBps).to.be.closeTo((summary.totalCost / 1_000_000) * 1e4, 5);
    expect(lines.some((l) => l.startsWith("tracking (after the first rebalance"))).to.equal(true);
    // ETH and BTC fell: the sentence on why rebalancing trails buy-and-hold.
    expect(summary.finalNav).to.be.lessThan(summary.holdNav);
    expect(lines.some((l) => l.startsWith("why it trails buy and hold: in a falling market"))).to.equal(true);
  });

  it("hedges a short-call book on real ETH history: every rebalance leaves net delta inside the band", async () => {
    const lines: string[] = [];
    const steps = await runDeltaHedgeDemo(hre, {
      ...DEFAULT_HEDGE_DEMO,
      to: new Date("2024-02-16T00:00:00Z"),
      log: (l) => lines.push(l),
    });
    expect(steps.length).to.equal(15);
    // The vault starts with no ETH against a short-call book: the first step must buy.
    expect(steps[0].calls).to.equal(1);
    expect(steps[0].netBefore).to.be.lessThan(-steps[0].halfWidth);
    for (const s of steps) {
      if (s.calls > 0) {
        expect(Math.abs(s.netBefore), s.point.time.toISOString()).to.be.greaterThan(s.halfWidth);
        expect(Math.abs(s.netAfter), s.point.time.toISOString()).to.be.lessThan(s.halfWidth);
      } else {
        expect(s.reason).to.not.equal("Due");
        expect(Math.abs(s.netBefore)).to.be.lessThanOrEqual(s.halfWidth);
      }
      // Short calls: book delta is negative and grows in size as ETH rallies (Feb 2024).
      expect(s.bookDelta).to.be.lessThan(0);
    }
    expect(steps[steps.length - 1].bookDelta).to.be.lessThan(steps[0].bookDelta);
    // Hedge P&L: ETH rallied, so the short calls lost the writer money; the hedge held most of it back.
    const last = steps[steps.length - 1];
    const unhedged = -(last.callsValue - steps[0].callsValue);
    expect(unhedged).to.be.lessThan(0);
    expect(Math.abs(last.hedgedPnl)).to.be.lessThan(0.2 * Math.abs(unhedged));
    expect(steps.reduce((a, s) => a + s.cost, 0)).to.be.greaterThan(0);
    expect(lines.some((l) => l.startsWith("hedge cost: "))).to.equal(true);
    expect(
      lines.some((l) => /^P&L of the writer .* unhedged -[\d,.]+ USD .* hedged -?[\d,.]+ USD/.test(l)),
    ).to.equal(true);
    expect(lines.some((l) => /bought [\d.]+ WETH with/.test(l))).to.equal(true);
  });

  it("keeps 2x ETH on Aave through May–June 2022: every keeper step ends in the band, the ripcord fires on the crash, never liquidatable", async () => {
    const lines: string[] = [];
    const steps = await runLeverageDemo(hre, { ...DEFAULT_LEVERAGE_DEMO, log: (l) => lines.push(l) });
    expect(steps.length).to.equal(61);
    // The first step levers from 1x into the band (Aave lends against the deposit alone).
    expect(steps[0].actions).to.deep.equal(["lever"]);
    expect(steps[0].leverageAfter).to.be.within(1.7, 1.85);
    for (const s of steps) {
      const at = s.point.time.toISOString();
      // After the keeper, leverage is back inside the band (or untouched inside it).
      expect(s.leverageAfter, at).to.be.within(1.68, 2.3);
      // Aave's own health factor never near liquidation.
      expect(s.health, at).to.be.gt(1.4);
      if (s.leverageBefore >= 2.7) expect(s.actions[0], at).to.equal("ripcord");
    }
    // 2022-06-14: ETH 1,387 → 1,173 in a day took the position past the ripcord bound.
    const crash = steps.find((s) => s.point.time.toISOString().startsWith("2022-06-14"))!;
    expect(crash.leverageBefore).to.be.gt(2.7);
    expect(crash.actions).to.include("ripcord");
    const count = (a: string) => steps.reduce((n, s) => n + s.actions.filter((y) => y === a).length, 0);
    expect(count("lever")).to.be.gte(2);
    expect(count("delever")).to.be.gte(2);
    expect(lines.some((l) => /^\d+ levers, \d+ delevers, \d+ ripcords; lowest Aave health/.test(l))).to.equal(
      true,
    );
  });

  it("hedges a long-call book short on Aave through March 2024: shorts as the calls rise, buys back as they fall, inside the band after every step", async () => {
    const lines: string[] = [];
    const steps = await runShortHedgeDemo(hre, { ...DEFAULT_SHORT_HEDGE_DEMO, log: (l) => lines.push(l) });
    expect(steps.length).to.equal(31);
    // The first step opens the short from nothing: the book is long ≈ 22 ETH of delta.
    expect(steps[0].underlyingBefore).to.equal(0);
    expect(steps[0].action).to.equal("short");
    expect(steps[0].underlyingAfter).to.be.lessThan(-20);
    for (const s of steps) {
      const at = s.point.time.toISOString();
      // After the keeper the net delta is inside the ±0.5 ETH band; the vault never holds WETH long.
      expect(Math.abs(s.netAfter), at).to.be.at.most(0.5);
      expect(s.underlyingAfter, at).to.be.lessThan(0);
      expect(s.loanToValueBps, at).to.be.at.most(6000);
      expect(s.health, at).to.be.greaterThan(2);
      if (s.action === "short") expect(s.underlyingAfter, at).to.be.lessThan(s.underlyingBefore);
      if (s.action === "buy back") expect(s.underlyingAfter, at).to.be.greaterThan(s.underlyingBefore);
    }
    expect(steps.filter((s) => s.action === "short").length).to.be.gte(5);
    expect(steps.filter((s) => s.action === "buy back").length).to.be.gte(5);
    expect(lines.some((l) => /^\d+ shorts, \d+ buy-backs; the largest short [\d.]+ WETH/.test(l))).to.equal(
      true,
    );
  });

  it("npx hardhat demo --csv writes both runs' rows; a folder it cannot write is one line", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ballast-demo-"));
    try {
      const { result, err } = await runCaptured<{
        targetWeight: { steps: unknown[] };
        deltaHedge: unknown[];
        shortHedge: unknown[];
        leverage: unknown[];
      }>("demo", {
        csv: dir,
      });
      expect(err).to.equal("");
      const tw = fs.readFileSync(path.join(dir, "target-weight.csv"), "utf8").trim().split("\n");
      const dh = fs.readFileSync(path.join(dir, "delta-hedge.csv"), "utf8").trim().split("\n");
      const lv = fs.readFileSync(path.join(dir, "leverage.csv"), "utf8").trim().split("\n");
      const sh = fs.readFileSync(path.join(dir, "short-hedge.csv"), "utf8").trim().split("\n");
      expect(sh[0]).to.equal(
        "date,eth_usd,book_delta,weth_before,action,weth_after,net_delta,ltv_bps,aave_health",
      );
      expect(sh).to.have.length(result!.shortHedge.length + 1);
      expect(lv[0]).to.equal("date,eth_usd,leverage_before,actions,leverage_after,aave_health,nav_usd");
      expect(lv).to.have.length(result!.leverage.length + 1);
      expect(tw[0]).to.equal(
        "date,eth_usd,btc_usd,drift_before,out_of_band,calls,reason,weight_usdc,weight_weth,weight_wbtc,drift_after,traded_usd,cost_usd,reward_usdc,nav_usd",
      );
      expect(tw).to.have.length(result!.targetWeight.steps.length + 1);
      expect(dh).to.have.length(result!.deltaHedge.length + 1);
      expect(tw[1]).to.match(/^2022-05-01T00:00:00\.000Z,2736\.52,37680\.67,0\.600000,true,3,Due,/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
    // A path under a regular file cannot be a folder.
    const file = path.join(os.tmpdir(), `ballast-not-a-dir-${process.pid}`);
    fs.writeFileSync(file, "");
    process.exitCode = 0;
    try {
      const bad = await runCaptured("demo", { csv: path.join(file, "csv") });
      expect(bad.err).to.equal(
        `Error: cannot write CSV files into --csv ${path.join(file, "csv")}: ENOTDIR.`,
      );
      expect(bad.out).to.equal("");
      expect(process.exitCode).to.equal(1);
    } finally {
      fs.rmSync(file);
    }
    process.exitCode = 0;
  });
});
