import { expect } from "chai";
import hre from "hardhat";

import { DEFAULT_HEDGE_DEMO, runDeltaHedgeDemo } from "../../src/demo/deltaHedgeDemo";
import { DEFAULT_DEMO, runTargetWeightDemo } from "../../src/demo/targetWeightDemo";
import { demoVaultPreset } from "../../src/vault/targetWeight";

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
    expect(lines.some((l) => /bought [\d.]+ WETH with/.test(l))).to.equal(true);
  });
});
