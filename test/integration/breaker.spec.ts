import { expect } from "chai";
import type { Result } from "ethers";
import fc from "fast-check";
import { time } from "@nomicfoundation/hardhat-network-helpers";

import { Reason } from "../../src/vault/enums";
import { demoVaultPreset } from "../../src/vault/targetWeight";
import { sampleSize } from "../shared/coverage";
import { balancedVaultFixture } from "../shared/fixtures";
import {
  adminChange,
  BPS,
  advanceAndMove,
  currentPrices,
  expectPredicateAgreement,
  rebalanceEvents,
} from "../shared/helpers";

/**
 * F3: the circuit breaker's cost cap is a cap. A plan is shrunk to the cost budget left, the window
 * rolls (a leaky bucket: no reset, no cliff), and the keeper's reward counts toward the cost.
 * SPEC §3.2 states the bound: the load never exceeds the cap, so over any span of T seconds holders
 * pay at most maxCostBpsPerPeriod · (1 + T / periodSeconds).
 */

const preset = demoVaultPreset();
const PERIOD = BigInt(preset.settings.periodSeconds as number);
const PER_TRADE =
  BigInt(preset.settings.maxSlippageBps as number) + BigInt(preset.settings.rewardBps as number);

interface Executed {
  at: bigint;
  costBpsE6: bigint; // cost to holders, millionths of a bp of NAV before
}

/** The cost a rebalance put on the holders: NAV lost at oracle prices plus the reward, in 1e-6 bps. */
function costOf(summary: Result): bigint {
  const [before, after, reward] = [summary.navBeforeWad, summary.navAfterWad, summary.reward] as bigint[];
  const lost = before > after ? before - after : 0n;
  const rewardWad = reward * 10n ** 12n; // USDC quote
  return ((lost + rewardWad) * BPS * 1_000_000n) / before;
}

describe("circuit breaker (F3)", () => {
  it("a 1 bp cap shrinks the plan to what 1 bp can pay for, and records no more", async () => {
    const f = await balancedVaultFixture();
    const { vault, market, arbitrageur, keeper } = f;
    await adminChange({ vault, market, arbitrageur }, "setEngineSettings", [
      { ...preset.settings, maxCostBpsPerPeriod: 1 },
    ]);
    // a drift far larger than 1 bp of cost can correct (about 10% of NAV at the pools' real cost)
    await advanceAndMove(market, arbitrageur, 2 * 3600, { WETH: "6000", WBTC: "40000" });
    const st = await expectPredicateAgreement(vault, keeper);
    expect(st.reason).to.equal(BigInt(Reason.Due));
    const planned = st.legs.reduce((a, l) => a + l.valueWad, 0n);
    // worst case: every leg loses maxSlippageBps and pays rewardBps: 1 bp of NAV covers NAV / 105
    expect(planned).to.be.lte(st.navWad / PER_TRADE);
    expect(planned).to.be.gt(0n);
    const r = rebalanceEvents(vault, (await (await vault.connect(keeper).rebalance()).wait())!.logs);
    const first = (await vault.engineState()).lastRebalanceAt;
    let spent = costOf(r.summary!);
    expect(spent).to.be.lte(1_000_000n);
    // Actual costs are below the worst case, so what is left may fund more; keep calling (cooldown
    // 1 minute) until the breaker stops it, which it must, at a time it names.
    await adminChange({ vault, market, arbitrageur }, "setEngineSettings", [
      { ...preset.settings, maxCostBpsPerPeriod: 1, cooldownSeconds: 60 },
    ]);
    let stopped = false;
    for (let k = 0; k < 40 && !stopped; k++) {
      await advanceAndMove(market, arbitrageur, 60);
      const next = await expectPredicateAgreement(vault, keeper);
      if (next.reason === BigInt(Reason.CircuitBreaker)) {
        expect(next.detail).to.be.gt(BigInt(await time.latest()));
        expect(next.nextEligibleAt).to.equal(next.detail);
        stopped = true;
      } else {
        expect(next.reason).to.equal(BigInt(Reason.Due));
        const more = rebalanceEvents(vault, (await (await vault.connect(keeper).rebalance()).wait())!.logs);
        spent += costOf(more.summary!);
      }
      const state = await vault.engineState();
      expect(state.costClearAt - BigInt(await time.latest())).to.be.lte(PERIOD);
    }
    expect(stopped, "the breaker never stopped it").to.equal(true);
    const span = BigInt(await time.latest()) - first;
    expect(spent).to.be.lte(1_000_000n + (1_000_000n * span) / PERIOD + 40n);
  });

  it("property: across period boundaries the load stays within the cap and every span of T costs at most cap · (1 + T/period)", async function () {
    this.timeout(600_000);
    const step = fc.record({
      gap: fc.oneof(
        fc.integer({ min: 60, max: 3 * 3600 }),
        fc.integer({ min: 20 * 3600, max: 2 * 86_400 }), // across the (old) period boundary
      ),
      eth: fc.double({ min: 0.85, max: 1.2, noNaN: true }),
      btc: fc.double({ min: 0.85, max: 1.2, noNaN: true }),
      keeper: fc.boolean(),
    });
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 30 }),
        fc.array(step, { minLength: 4, maxLength: 10 }),
        async (capBps, steps) => {
          const f = await balancedVaultFixture();
          const { vault, market, arbitrageur, keeper } = f;
          await adminChange({ vault, market, arbitrageur }, "setEngineSettings", [
            {
              ...preset.settings,
              maxCostBpsPerPeriod: capBps,
              cooldownSeconds: 60,
            },
          ]);
          const cap = BigInt(capBps) * 1_000_000n;
          const done: Executed[] = [];
          for (const s of steps) {
            const p = await currentPrices(market, ["WETH", "WBTC"]);
            await advanceAndMove(market, arbitrageur, s.gap, {
              WETH: (Number(p.WETH) * s.eth).toFixed(8),
              WBTC: (Number(p.WBTC) * s.btc).toFixed(8),
            });
            const st = await expectPredicateAgreement(vault, keeper);
            if (st.reason !== BigInt(Reason.Due) || !s.keeper) continue;
            const r = await (await vault.connect(keeper).rebalance()).wait();
            const { summary } = rebalanceEvents(vault, r!.logs);
            const state = await vault.engineState();
            expect(state.costClearAt - state.lastRebalanceAt, "load above the cap").to.be.lte(PERIOD);
            const cost = costOf(summary!);
            expect(cost, "one rebalance above the cap").to.be.lte(cap);
            done.push({ at: state.lastRebalanceAt, costBpsE6: cost });
          }
          for (let i = 0; i < done.length; i++) {
            let sum = 0n;
            for (let j = i; j < done.length; j++) {
              sum += done[j].costBpsE6;
              const span = done[j].at - done[i].at;
              // + one unit per rebalance for the rounding of each recorded cost
              const bound = cap + (cap * span) / PERIOD + BigInt(j - i + 1);
              expect(sum, `span ${span}s from rebalance ${i}`).to.be.lte(bound);
            }
          }
        },
      ),
      { numRuns: sampleSize(process.env.BREAKER_RUNS, 12, 3) },
    );
  });
});
