import { expect } from "chai";
import { time } from "@nomicfoundation/hardhat-network-helpers";

import { Mode, Policy, Reason } from "../../src/vault/enums";
import { demoVaultPreset } from "../../src/vault/targetWeight";
import { balancedVaultFixture, fundedVaultFixture } from "../shared/fixtures";
import {
  adminChange,
  BPS,
  WAD,
  advanceAndMove,
  expectPredicateAgreement,
  rebalanceEvents,
  weights,
} from "../shared/helpers";

const HOUR = 3600;
const preset = demoVaultPreset();
const BAND = 0.05; // the demo preset's absolute band on every asset
const TARGETS = [0.4, 0.3, 0.3];

describe("TargetWeightVault", () => {
  describe("#rebalance", () => {
    describe("when a price move pushes a weight out of its band", () => {
      async function drifted() {
        const f = await balancedVaultFixture();
        await advanceAndMove(f.market, f.arbitrageur, 2 * HOUR, { WETH: "4200" }); // ETH +40%
        return f;
      }

      it("reports Due everywhere and a stranger's call lands every weight in band", async () => {
        const { vault, stranger } = await drifted();
        const before = await weights(vault);
        expect(Math.abs(before.w[1] - TARGETS[1])).to.be.greaterThan(BAND);
        const st = await expectPredicateAgreement(vault, stranger);
        expect(st.reason).to.equal(Reason.Due);
        expect(st.outOfBand).to.equal(true);

        await (await vault.connect(stranger).rebalance()).wait();
        const after = await weights(vault);
        for (let i = 0; i < 3; i++) {
          // To-target mode: within fees and rounding of the target, far inside the band.
          expect(Math.abs(after.w[i] - TARGETS[i]), `asset ${i}`).to.be.lessThan(0.005);
        }
        expect((await expectPredicateAgreement(vault, stranger)).reason).to.equal(Reason.Cooldown);
      });

      it("sells before it buys and bounds every leg's output by the oracle less maxSlippageBps", async () => {
        const { vault, keeper, market } = await drifted();
        const receipt = await (await vault.connect(keeper).rebalance()).wait();
        const { legs, summary } = rebalanceEvents(vault, receipt!.logs);
        expect(legs.map((l) => [Number(l.asset), l.isSell])).to.deep.equal([
          [1, true],
          [2, false],
        ]);
        const usd = await market.feeds.USDC_USD.latestAnswer();
        const prices: Record<number, bigint> = {
          1: ((await market.feeds.ETH_USD.latestAnswer()) * WAD) / usd,
          2: ((await market.feeds.BTC_USD.latestAnswer()) * WAD) / usd,
        };
        const units: Record<number, bigint> = { 1: 10n ** 18n, 2: 10n ** 8n };
        const keep = BPS - BigInt(preset.settings.maxSlippageBps as number);
        const ceilDiv = (a: bigint, b: bigint) => (a + b - 1n) / b;
        let traded = 0n;
        for (const l of legs) {
          const a = Number(l.asset);
          const valueWad = l.isSell ? (l.amountIn * prices[a]) / units[a] : (l.amountIn * WAD) / 10n ** 6n;
          traded += valueWad;
          const expectedMin = l.isSell
            ? ceilDiv(valueWad * keep * 10n ** 6n, WAD * BPS)
            : ceilDiv(valueWad * keep * units[a], prices[a] * BPS);
          expect(l.minAmountOut, `leg ${a} minOut`).to.equal(expectedMin);
          expect(l.amountOut).to.be.gte(l.minAmountOut);
        }
        expect(summary!.tradedValueWad).to.equal(traded);
        // NAV lost to fees and impact stays within the slippage bound on the traded value.
        const loss = summary!.navBeforeWad - summary!.navAfterWad;
        expect(loss).to.be.lte((traded * 100n) / BPS);
        expect(summary!.deviationAfterWad).to.be.lessThan(summary!.deviationBeforeWad);
      });

      it("emits the weights before and after as the balances and feed prices give them", async () => {
        const { vault, keeper, market } = await drifted();
        const vaultAddress = await vault.getAddress();
        const symbols = ["USDC", "WETH", "WBTC"] as const;
        const units = [10n ** 6n, 10n ** 18n, 10n ** 8n];
        const usd = await market.feeds.USDC_USD.latestAnswer();
        const prices = [
          WAD,
          ((await market.feeds.ETH_USD.latestAnswer()) * WAD) / usd,
          ((await market.feeds.BTC_USD.latestAnswer()) * WAD) / usd,
        ];
        const balances = () => Promise.all(symbols.map((s) => market.tokens[s].balanceOf(vaultAddress)));
        // Each weight rounded down as the vault rounds: value = ⌊b·p/unit⌋, weight = ⌊value·WAD/NAV⌋.
        const weightsOf = (b: bigint[]) => {
          const values = b.map((x, i) => (x * prices[i]) / units[i]);
          const nav = values.reduce((a, x) => a + x, 0n);
          return values.map((x) => (x * WAD) / nav);
        };
        const before = weightsOf(await balances());
        const receipt = await (await vault.connect(keeper).rebalance()).wait();
        const { summary } = rebalanceEvents(vault, receipt!.logs);
        // The after-valuation is taken before the reward (in the quote asset) leaves.
        const afterBalances = await balances();
        afterBalances[0] += summary!.reward;
        const after = weightsOf(afterBalances);
        const event = receipt!.logs
          .map((l) => vault.interface.parseLog({ topics: [...l.topics], data: l.data }))
          .find((p) => p?.name === "WeightsRebalanced");
        expect(event, "WeightsRebalanced emitted").to.not.equal(undefined);
        expect([...event!.args.weightsBeforeWad]).to.deep.equal(before);
        expect([...event!.args.weightsAfterWad]).to.deep.equal(after);
        expect(after[1]).to.be.lessThan(before[1]); // the rebalance sold ETH
      });
    });

    describe("when every weight is inside its band", () => {
      it("reverts with WithinBand, and the views agree", async () => {
        const { vault, market, arbitrageur, stranger } = await balancedVaultFixture();
        await advanceAndMove(market, arbitrageur, 2 * HOUR, { WETH: "3300" }); // +10%: still in band
        const st = await expectPredicateAgreement(vault, stranger);
        expect(st.reason).to.equal(Reason.WithinBand);
        await expect(vault.connect(stranger).rebalance())
          .to.be.revertedWithCustomError(vault, "RebalanceNotDue")
          .withArgs(Reason.WithinBand, 0);
      });
    });

    describe("during the cooldown", () => {
      it("reverts with Cooldown and the time it ends, then executes once it has passed", async () => {
        const { vault, market, arbitrageur, keeper } = await balancedVaultFixture();
        const last = (await vault.engineState()).lastRebalanceAt;
        await advanceAndMove(market, arbitrageur, 0, { WETH: "4200" });
        const st = await expectPredicateAgreement(vault, keeper);
        expect(st.reason).to.equal(Reason.Cooldown);
        expect(st.detail).to.equal(last + BigInt(preset.settings.cooldownSeconds as number));
        expect(st.nextEligibleAt).to.equal(st.detail);
        await time.increaseTo(st.detail);
        await advanceAndMove(market, arbitrageur, 0);
        expect((await expectPredicateAgreement(vault, keeper)).reason).to.equal(Reason.Due);
        await expect(vault.connect(keeper).rebalance()).to.emit(vault, "Rebalanced");
      });
    });

    describe("when the drift is larger than maxTradeBps of NAV", () => {
      it("completes over several calls, each trading at most maxTradeBps of NAV", async () => {
        const { vault, market, arbitrageur, keeper } = await fundedVaultFixture(); // 100% USDC
        const capBps = BigInt(preset.settings.maxTradeBps as number);
        let calls = 0;
        let previousDeviation = (await vault.rebalanceStatus()).deviationWad;
        for (;;) {
          const st = await expectPredicateAgreement(vault, keeper);
          if (st.reason !== BigInt(Reason.Due)) {
            expect(st.reason).to.equal(Reason.WithinBand);
            break;
          }
          const receipt = await (await vault.connect(keeper).rebalance()).wait();
          const { summary } = rebalanceEvents(vault, receipt!.logs);
          expect(summary!.tradedValueWad).to.be.lte((summary!.navBeforeWad * capBps) / BPS);
          expect(summary!.deviationAfterWad).to.be.lessThan(previousDeviation);
          previousDeviation = summary!.deviationAfterWad;
          calls++;
          await advanceAndMove(market, arbitrageur, HOUR);
          expect(calls).to.be.lessThan(10);
        }
        // 60% of NAV to move at 25% per call: 25% + 25% + 10%.
        expect(calls).to.equal(3);
        const { w } = await weights(vault);
        for (let i = 0; i < 3; i++) expect(Math.abs(w[i] - TARGETS[i])).to.be.lessThan(BAND);
      });
    });

    describe("in band-edge mode", () => {
      it("trades only the assets out of band, to (1 - hysteresis) of the band from target", async () => {
        const { vault, market, arbitrageur, keeper } = await balancedVaultFixture();
        await adminChange({ vault, market, arbitrageur }, "setEngineSettings", [
          { ...preset.settings, mode: Mode.ToBandEdge },
        ]);
        await advanceAndMove(market, arbitrageur, 2 * HOUR, { WETH: "4200" });
        const before = await weights(vault);
        const receipt = await (await vault.connect(keeper).rebalance()).wait();
        const { legs } = rebalanceEvents(vault, receipt!.logs);
        expect(legs.map((l) => Number(l.asset))).to.deep.equal([1]); // WBTC was in band: untouched
        const after = await weights(vault);
        const hysteresis = Number(preset.settings.bandHysteresisBps) / 1e4;
        const landing = TARGETS[1] + BAND * (1 - hysteresis); // 34%
        expect(after.w[1]).to.be.closeTo(landing, 0.001);
        expect(Math.abs(after.w[1] - TARGETS[1])).to.be.lessThan(Math.abs(before.w[1] - TARGETS[1]));
        expect((await expectPredicateAgreement(vault, keeper)).reason).to.equal(Reason.Cooldown);
        await advanceAndMove(market, arbitrageur, 2 * HOUR);
        // Landed inside the band: no flicker back into a rebalance.
        expect((await expectPredicateAgreement(vault, keeper)).reason).to.equal(Reason.WithinBand);
      });

      it("goes all the way to target when the edge would leave the quote asset out of its band", async () => {
        const { vault, market, arbitrageur, keeper } = await balancedVaultFixture();
        await adminChange({ vault, market, arbitrageur }, "setEngineSettings", [
          { ...preset.settings, mode: Mode.ToBandEdge },
        ]);
        // Both risk assets double: USDC falls to ~25%, out of its band, with WETH and WBTC above theirs.
        await advanceAndMove(market, arbitrageur, 2 * HOUR, { WETH: "6000", WBTC: "120000" });
        await adminChange({ vault, market, arbitrageur }, "setEngineSettings", [
          { ...preset.settings, mode: Mode.ToBandEdge, maxTradeBps: 10_000 },
        ]);
        await (await vault.connect(keeper).rebalance()).wait();
        const { w } = await weights(vault);
        for (let i = 0; i < 3; i++) expect(Math.abs(w[i] - TARGETS[i])).to.be.lessThan(0.005);
      });
    });

    describe("under the time policy", () => {
      it("waits out the interval, then rebalances to target even inside the band", async () => {
        const { vault, market, arbitrageur, keeper } = await balancedVaultFixture();
        const interval = 7 * 86400;
        await adminChange({ vault, market, arbitrageur }, "setEngineSettings", [
          {
            ...preset.settings,
            policy: Policy.Time,
            intervalSeconds: interval,
          },
        ]);
        await advanceAndMove(market, arbitrageur, 2 * HOUR, { WETH: "3150" }); // +5%: inside the band
        const last = (await vault.engineState()).lastRebalanceAt;
        const st = await expectPredicateAgreement(vault, keeper);
        expect(st.reason).to.equal(Reason.IntervalNotElapsed);
        expect(st.detail).to.equal(last + BigInt(interval));
        await time.increaseTo(st.detail);
        await advanceAndMove(market, arbitrageur, 0);
        expect((await expectPredicateAgreement(vault, keeper)).reason).to.equal(Reason.Due);
        await (await vault.connect(keeper).rebalance()).wait();
        const { w } = await weights(vault);
        expect(Math.abs(w[1] - TARGETS[1])).to.be.lessThan(0.002);
      });
    });

    describe("when every leg is below minTradeValue", () => {
      it("reverts with BelowMinTrade", async () => {
        const { vault, market, arbitrageur, keeper } = await balancedVaultFixture();
        await adminChange({ vault, market, arbitrageur }, "setAmountSettings", [
          { ...preset.amounts, minTradeValue: 10n ** 12n },
        ]); // 1M USDC
        await advanceAndMove(market, arbitrageur, 2 * HOUR, { WETH: "4200" });
        expect((await expectPredicateAgreement(vault, keeper)).reason).to.equal(Reason.BelowMinTrade);
      });
    });

    describe("when the circuit breaker has tripped", () => {
      it("refuses until one more rebalance fits the rolling window, then executes", async () => {
        const { vault, market, arbitrageur, keeper } = await balancedVaultFixture();
        const period = BigInt(preset.settings.periodSeconds as number);
        await adminChange({ vault, market, arbitrageur }, "setEngineSettings", [
          { ...preset.settings, maxRebalancesPerPeriod: 1 },
        ]);
        await advanceAndMove(market, arbitrageur, 2 * HOUR, { WETH: "4200" });
        await (await vault.connect(keeper).rebalance()).wait();
        const state = await vault.engineState();
        expect(state.rebalancesClearAt).to.equal(state.lastRebalanceAt + period);
        await advanceAndMove(market, arbitrageur, 2 * HOUR, { WETH: "3000" });
        const st = await expectPredicateAgreement(vault, keeper);
        expect(st.reason).to.equal(Reason.CircuitBreaker);
        expect(st.detail).to.equal(state.rebalancesClearAt);
        expect(st.nextEligibleAt).to.equal(state.rebalancesClearAt);
        await time.increaseTo(st.detail - 60n);
        await advanceAndMove(market, arbitrageur, 0);
        expect((await expectPredicateAgreement(vault, keeper)).reason).to.equal(Reason.CircuitBreaker);
        await time.increaseTo(st.detail);
        await advanceAndMove(market, arbitrageur, 0);
        expect((await expectPredicateAgreement(vault, keeper)).reason).to.equal(Reason.Due);
      });
    });
  });

  describe("keeper reward", () => {
    it("pays rewardBps of the traded value, at most maxRewardPerCall, to the caller", async () => {
      const { vault, market, arbitrageur, keeper } = await balancedVaultFixture();
      await adminChange({ vault, market, arbitrageur }, "setAmountSettings", [
        {
          ...preset.amounts,
          maxRewardPerCall: 10n ** 12n,
          rewardCapPerPeriod: 10n ** 12n,
        },
      ]);
      await advanceAndMove(market, arbitrageur, 2 * HOUR, { WETH: "4200" });
      const usdc = market.tokens.USDC;
      const start = await usdc.balanceOf(keeper.address);
      const receipt = await (await vault.connect(keeper).rebalance()).wait();
      const { summary } = rebalanceEvents(vault, receipt!.logs);
      const expected =
        (summary!.tradedValueWad * BigInt(preset.settings.rewardBps as number)) / BPS / 10n ** 12n;
      expect(expected).to.be.greaterThan(0n);
      expect(summary!.reward).to.equal(expected);
      expect((await usdc.balanceOf(keeper.address)) - start).to.equal(expected);
    });

    it("caps the rewards in a rolling window: room drains back linearly, with no reset", async () => {
      const { vault, market, arbitrageur, keeper } = await balancedVaultFixture();
      const period = BigInt(preset.settings.periodSeconds as number);
      const perCall = BigInt(preset.amounts.maxRewardPerCall);
      const cap = 60n * 10n ** 6n;
      await adminChange({ vault, market, arbitrageur }, "setAmountSettings", [
        { ...preset.amounts, rewardCapPerPeriod: cap },
      ]);
      // SPEC §3.2: room = cap · (period − busy) / period, busy = max(clearAt − now, 0)
      const room = async (at: bigint) => {
        const clearAt = (await vault.engineState()).rewardsClearAt;
        const busy = clearAt > at ? clearAt - at : 0n;
        return busy >= period ? 0n : (cap * (period - busy)) / period;
      };
      const min = (...xs: bigint[]) => xs.reduce((a, b) => (b < a ? b : a));
      const rewards: bigint[] = [];
      for (const [gap, weth] of [
        [2 * HOUR, "4200"],
        [2 * HOUR, "3000"],
        [2 * HOUR, "4200"],
        [30 * HOUR, "3000"],
      ] as const) {
        await advanceAndMove(market, arbitrageur, gap, { WETH: weth });
        const at = BigInt(await time.latest()) + 1n;
        const expectedRoom = await room(at);
        await time.setNextBlockTimestamp(at);
        const r = rebalanceEvents(vault, (await (await vault.connect(keeper).rebalance()).wait())!.logs);
        const byRate =
          (r.summary!.tradedValueWad * BigInt(preset.settings.rewardBps as number)) / BPS / 10n ** 12n;
        expect(r.summary!.reward).to.equal(min(byRate, perCall, expectedRoom));
        rewards.push(r.summary!.reward);
      }
      // the three calls within 4 hours paid at most the cap plus what drained in those hours
      expect(rewards[0] + rewards[1] + rewards[2]).to.be.lte(cap + (cap * 4n * 3600n) / period + 1n);
      expect(rewards[1]).to.be.lt(perCall); // the window was nearly full
      expect(rewards[3]).to.be.gt(rewards[1]); // a day later it had drained
    });
  });
});
