import { expect } from "chai";
import fc from "fast-check";

import { sqrtPriceX96AtOracleMove, swapPoolTo } from "../../src/market/localMarket";
import { Mode, Reason } from "../../src/vault/enums";
import { demoHedgePreset } from "../../src/vault/deltaHedge";
import { demoVaultPreset } from "../../src/vault/targetWeight";
import type { IDeltaHedgeVault, ITargetWeightVault } from "../../typechain-types";
import { sampleSize } from "../shared/coverage";
import { balancedVaultFixture, hedgeFixture, type MarketFixture } from "../shared/fixtures";
import { adminChange, advanceAndMove, currentPrices, expectPredicateAgreement } from "../shared/helpers";

/**
 * F4: the views say due exactly when rebalance() would succeed. Random states of both vault kinds —
 * price moves, pools pushed inside and outside the deviation bound, every setting redrawn within its
 * bounds (slippage, deviation, trade cap, minimum trade, mode), the hedger's quote drained or not,
 * keepers executing and time passing — and after each one checkUpkeep, checker and rebalanceStatus
 * must agree, and a simulated rebalance() must succeed exactly when they say due
 * (`expectPredicateAgreement`). AGREEMENT_RUNS runs of 10 states each: 1,000 states by default.
 */

const tw = demoVaultPreset();
const hedge = demoHedgePreset();

type Mutation =
  | { kind: "move"; gap: number; eth: number; btc: number }
  | { kind: "push"; asset: 0 | 1; bps: number }
  | {
      kind: "settings";
      deviation: number;
      extraSlippage: number;
      maxTradeBps: number;
      minTradeCents: number;
      toEdge: boolean;
    }
  | { kind: "quote"; keepFraction: number }
  | { kind: "keeper" };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({
    kind: fc.constant("move" as const),
    gap: fc.integer({ min: 0, max: 3 * 3600 }),
    eth: fc.double({ min: 0.85, max: 1.2, noNaN: true }),
    btc: fc.double({ min: 0.85, max: 1.2, noNaN: true }),
  }),
  fc.record({
    kind: fc.constant("push" as const),
    asset: fc.constantFrom(0 as const, 1 as const),
    bps: fc.integer({ min: -90, max: 90 }),
  }),
  fc.record({
    kind: fc.constant("settings" as const),
    deviation: fc.integer({ min: 1, max: 60 }),
    extraSlippage: fc.integer({ min: 0, max: 200 }),
    maxTradeBps: fc.integer({ min: 100, max: 10_000 }),
    minTradeCents: fc.oneof(fc.integer({ min: 1, max: 1000 }), fc.integer({ min: 1000, max: 100_000_000 })),
    toEdge: fc.boolean(),
  }),
  fc.record({ kind: fc.constant("quote" as const), keepFraction: fc.constantFrom(0, 0.001, 0.01, 0.2, 1) }),
  fc.constant({ kind: "keeper" as const }),
);

async function apply(
  f: MarketFixture & { vault: ITargetWeightVault | IDeltaHedgeVault },
  isHedge: boolean,
  m: Mutation,
): Promise<void> {
  const vault = f.vault as ITargetWeightVault; // the engine's ABI, shared by both kinds
  const { market, arbitrageur } = f;
  if (m.kind === "move") {
    const p = await currentPrices(market, ["WETH", "WBTC"]);
    await advanceAndMove(market, arbitrageur, m.gap, {
      WETH: (Number(p.WETH) * m.eth).toFixed(8),
      WBTC: (Number(p.WBTC) * m.btc).toFixed(8),
    });
  } else if (m.kind === "push") {
    const asset = isHedge || m.asset === 0 ? "WETH" : "WBTC";
    await swapPoolTo(market, asset, await sqrtPriceX96AtOracleMove(market, asset, m.bps), arbitrageur);
  } else if (m.kind === "settings") {
    const base = isHedge ? hedge.settings : tw.settings;
    const maxFeeBps = isHedge ? 5 : 30; // WETH/USDC 0.05%, WBTC/USDC 0.3%
    await adminChange(f, "setEngineSettings", [
      {
        ...base,
        maxPoolDeviationBps: m.deviation,
        maxSlippageBps: m.deviation + maxFeeBps + 1 + m.extraSlippage,
        maxTradeBps: m.maxTradeBps,
        mode: m.toEdge ? Mode.ToBandEdge : Mode.ToTarget,
      },
    ]);
    const amounts = isHedge ? hedge.amounts : tw.amounts;
    await adminChange(f, "setAmountSettings", [
      { ...amounts, minTradeValue: BigInt(m.minTradeCents) * 10_000n },
    ]);
  } else if (m.kind === "quote") {
    if (!isHedge) return;
    const h = f.vault as IDeltaHedgeVault;
    const usdc = market.tokens.USDC;
    const held = await usdc.balanceOf(h);
    const keep = BigInt(Math.floor(Number(held) * m.keepFraction));
    if (held > keep) await (await h.withdrawFunds(0, held - keep, f.admin.address)).wait();
  } else {
    const st = await vault.rebalanceStatus();
    if (st.reason === BigInt(Reason.Due)) await (await vault.connect(f.keeper).rebalance()).wait();
  }
}

const AGREEMENT_RUNS = sampleSize(process.env.AGREEMENT_RUNS, 50, 5);
const LANDING_RUNS = sampleSize(process.env.LANDING_RUNS, 12, 3);

describe("the views and rebalance() agree (F4)", () => {
  for (const isHedge of [false, true]) {
    it(`${isHedge ? "delta-hedged" : "target-weight"} vault: due exactly when a simulated rebalance() succeeds, over random states`, async function () {
      this.timeout(900_000);
      let states = 0;
      let due = 0;
      await fc.assert(
        fc.asyncProperty(fc.array(mutation, { minLength: 10, maxLength: 10 }), async (ms) => {
          const f = isHedge ? await hedgeFixture() : await balancedVaultFixture();
          for (const m of ms) {
            await apply(f, isHedge, m);
            const st = await expectPredicateAgreement(f.vault, f.keeper);
            states++;
            if (st.reason === BigInt(Reason.Due)) due++;
          }
        }),
        // A fixed seed by default, so CI sees the same 1,000 states every time (and the coverage
        // check below cannot flake); AGREEMENT_SEED explores others.
        { numRuns: AGREEMENT_RUNS, seed: Number(process.env.AGREEMENT_SEED ?? 11) },
      );
      // the generator must reach both answers often enough for the property to mean something
      expect(states).to.be.gte(AGREEMENT_RUNS * 10);
      expect(due).to.be.gt(states / 20);
      expect(states - due).to.be.gt(states / 20);
    });
  }
});

/**
 * F9: a completed rebalance lands where it aims — buys are grossed up by the pool's fee — so at
 * unchanged prices the views do not call it due again. Both kinds, both modes, random moves; the
 * cooldown is 0 and the trade cap and breaker wide, so that nothing but the landing could stop it.
 */
describe("a completed rebalance is not due again at unchanged prices (F9)", () => {
  const moves = fc.array(
    fc.record({
      eth: fc.double({ min: 0.8, max: 1.25, noNaN: true }),
      btc: fc.double({ min: 0.8, max: 1.25, noNaN: true }),
      toEdge: fc.boolean(),
    }),
    { minLength: 3, maxLength: 6 },
  );
  it("the measured case: a hedger with no underlying buys ~47 ETH and lands inside its band", async () => {
    const f = await hedgeFixture();
    const { vault, admin, keeper } = f;
    // the reported case: net Δ −46.66 landed at −0.509 against a ±0.500 band. Land 4% of the band
    // inside the edge (0.02 ETH): the buy's fee alone (46.7 ETH × 5 bps = 0.023) used to overshoot
    // that margin; grossed up by the fee, only the pool's impact (≈ 0.013 here) is left.
    await adminChange(f, "setEngineSettings", [{ ...hedge.settings, bandHysteresisBps: 400 }]);
    await (await vault.withdrawFunds(1, await f.market.tokens.WETH.balanceOf(vault), admin.address)).wait();
    expect((await vault.hedgeStatus()).netDeltaWad).to.be.lt(-40n * 10n ** 18n);
    await (await vault.connect(keeper).rebalance()).wait();
    const h = await vault.hedgeStatus();
    const net = h.netDeltaWad - h.targetDeltaWad;
    expect(net < 0n ? -net : net).to.be.lt(h.halfWidthWad);
    expect((await expectPredicateAgreement(vault, keeper)).reason).to.equal(BigInt(Reason.WithinBand));
  });

  for (const isHedge of [false, true]) {
    it(`${isHedge ? "delta-hedged" : "target-weight"} vault, random moves`, async function () {
      this.timeout(600_000);
      let completed = 0;
      await fc.assert(
        fc.asyncProperty(moves, async (ms) => {
          const f = isHedge ? await hedgeFixture() : await balancedVaultFixture();
          const vault = f.vault as ITargetWeightVault;
          const base = isHedge ? hedge.settings : tw.settings;
          for (const m of ms) {
            await adminChange(f, "setEngineSettings", [
              {
                ...base,
                cooldownSeconds: 0,
                maxTradeBps: 10_000,
                maxRebalancesPerPeriod: 1000,
                maxCostBpsPerPeriod: 1000,
                mode: m.toEdge ? Mode.ToBandEdge : Mode.ToTarget,
              },
            ]);
            const p = await currentPrices(f.market, ["WETH", "WBTC"]);
            await advanceAndMove(f.market, f.arbitrageur, 600, {
              WETH: (Number(p.WETH) * m.eth).toFixed(8),
              WBTC: (Number(p.WBTC) * m.btc).toFixed(8),
            });
            const st = await expectPredicateAgreement(vault, f.keeper);
            if (st.reason !== BigInt(Reason.Due)) continue;
            await (await vault.connect(f.keeper).rebalance()).wait();
            completed++;
            const after = await expectPredicateAgreement(vault, f.keeper);
            expect(after.reason, "due again at unchanged prices").to.equal(BigInt(Reason.WithinBand));
          }
        }),
        { numRuns: LANDING_RUNS },
      );
      // at least one completed rebalance for every other random sequence
      expect(completed).to.be.gte(Math.ceil(LANDING_RUNS / 2));
    });
  }
});
