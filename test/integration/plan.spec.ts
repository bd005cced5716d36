import { expect } from "chai";
import hre from "hardhat";

import { formatPlan, readPlan } from "../../src/keeper/plan";
import { balancedVaultFixture, fundedVaultFixture } from "../shared/fixtures";

describe("rebalance plan (what the rebalance task prints before it sends)", () => {
  it("lists the trigger's legs in token units with their oracle-bounded minimum outputs", async () => {
    const { vault } = await fundedVaultFixture();
    const st = await vault.rebalanceStatus();
    const plan = await readPlan(hre, await vault.getAddress());
    expect(plan.reason).to.equal("Due");
    expect(plan.legs.map((l) => [l.symbol, l.isSell, l.tokenIn, l.tokenOut])).to.deep.equal([
      ["WETH", false, "USDC", "WETH"],
      ["WBTC", false, "USDC", "WBTC"],
    ]);
    st.legs.forEach((leg, i) => {
      expect(plan.legs[i].amountIn).to.equal(Number(leg.amountIn) / 1e6);
      expect(plan.legs[i].minAmountOut).to.equal(Number(leg.minAmountOut) / (i === 0 ? 1e18 : 1e8));
    });
    // 25% of 1M per call (maxTradeBps), 1% slippage bound, 5 bps reward capped at 50 USDC per call:
    // the lens simulated the rebalance, so the reward is the one it paid.
    expect(plan.tradedQuote).to.be.closeTo(250_000, 1);
    expect(plan.maxCostQuote).to.be.closeTo(2_500, 0.01);
    expect(plan.simulation).to.include({ ran: true, ok: true });
    expect(plan.rewardQuote).to.equal(50);
    const lines = formatPlan(plan);
    expect(lines[0]).to.equal("plan: 2 legs, all buys"); // it holds only USDC: nothing to sell
    expect(lines[1]).to.match(
      /^ {2}buy {2}WETH: [\d,.]+ USDC in, at least [\d,.]+ WETH out \(oracle value [\d,.]+\)$/,
    );
    expect(lines[3]).to.match(/cost at most 2,500 \(slippage bound\); keeper reward 50 \(simulated\)$/);
    expect(lines[4]).to.match(/^ {2}note: a buy spends at most the quote the vault holds/);
  });

  it("says why when nothing is due", async () => {
    const { vault } = await balancedVaultFixture();
    const plan = await readPlan(hre, await vault.getAddress());
    expect(plan.legs).to.have.length(0);
    expect(formatPlan(plan)).to.deep.equal([`nothing to do: ${plan.reasonText}`]);
    expect(plan.reasonText).to.match(/^cooling down until /);
  });
});
