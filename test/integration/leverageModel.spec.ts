import { expect } from "chai";
import { type Contract, MaxUint256, parseUnits } from "ethers";
import hre, { deployments } from "hardhat";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";

import type { ILeverageVault } from "../../typechain-types";
import { type ModelSettings, type ModelStatus, pricesFromFeeds } from "../../src/backtest/engineModel";
import { amountsOf, modelSettings } from "../../src/backtest/simulate";
import {
  type LeverageModelConfig,
  type ModelTerms,
  leverageStatus,
  leverageValuation,
} from "../../src/backtest/leverageModel";
import { TAGS } from "../../src/deployments";
import { seededRandom } from "../../src/math/grids";
import { LENDING_ADAPTER, type LendingMarket, loadLending, seedLending } from "../../src/market/lending";
import { type LocalMarket, loadLocalMarket, movePrices } from "../../src/market/localMarket";
import { Mode, Policy, REASONS, Reason } from "../../src/vault/enums";
import { deployLocalLeverageVault, demoLeveragePreset } from "../../src/vault/leverage";
import { sampleSize } from "../shared/coverage";

/**
 * The backtest's leverage model (src/backtest/leverageModel.ts) against the deployed vault on the
 * real Aave and Uniswap markets: along a seeded random path of price moves, time steps, deposits,
 * redemptions, rebalances and ripcords, the model fed what the chain holds (feed answers, wallet and
 * Aave balances, the adapter's terms, settings and breaker clocks) must give `rebalanceStatus()`
 * field for field and wei for wei.
 */

const STEPS = sampleSize(process.env.LEVERAGE_DIFF_STEPS, 60, 20);

interface Fixture {
  market: LocalMarket;
  lending: LendingMarket;
  vault: ILeverageVault;
  keeper: HardhatEthersSigner;
  arbitrageur: HardhatEthersSigner;
  alice: HardhatEthersSigner;
}

const fixture = deployments.createFixture(async (): Promise<Fixture> => {
  await deployments.fixture([TAGS.LocalMarket, TAGS.LendingMarket]);
  const [, , keeper, arbitrageur, alice, , lender] = await hre.ethers.getSigners();
  const market = await loadLocalMarket(hre);
  const lending = await loadLending(hre);
  await seedLending(lending, market.tokens.USDC, lender, parseUnits("50000000", 6));
  const vault = await deployLocalLeverageVault(hre, "levModel", demoLeveragePreset());
  await (await market.tokens.WETH.mint(alice.address, parseUnits("100000", 18))).wait();
  await (await market.tokens.WETH.connect(alice).approve(await vault.getAddress(), MaxUint256)).wait();
  return { market, lending, vault, keeper, arbitrageur, alice };
});

async function terms(f: Fixture, token: string): Promise<ModelTerms> {
  const adapter = await hre.ethers.getContractAt(
    "AaveV3LendingAdapter",
    (await deployments.get(LENDING_ADAPTER)).address,
  );
  const t = await adapter.terms(await f.lending.pool.getAddress(), token);
  return {
    ltvBps: Number(t.ltvBps),
    liquidationThresholdBps: Number(t.liquidationThresholdBps),
    canSupply: t.canSupply,
    canBorrow: t.canBorrow,
    canUnwind: t.canUnwind,
    supplyRoom: t.supplyRoom === MaxUint256 ? null : t.supplyRoom,
    borrowRoom: t.borrowRoom,
  };
}

/** The model's answer from what the chain holds now (at the latest block's time). */
async function modelStatus(f: Fixture): Promise<ModelStatus> {
  const vaultAddr = await f.vault.getAddress();
  const weth = await f.market.tokens.WETH.getAddress();
  const usdc = await f.market.tokens.USDC.getAddress();
  const w = await f.lending.pool.getReserveData(weth);
  const u = await f.lending.pool.getReserveData(usdc);
  const bal = async (token: string) =>
    (await hre.ethers.getContractAt("IERC20", token)).balanceOf(vaultAddr) as Promise<bigint>;
  const answers = [
    (await f.market.feeds.USDC_USD.latestRoundData())[1],
    (await f.market.feeds.ETH_USD.latestRoundData())[1],
  ];
  const prices = pricesFromFeeds(answers, [8, 8]);
  const fee = Number((await f.market.pools.WETH.contract.getFunction("fee")()) as bigint);
  const assets = [
    { decimals: 6, poolFee: 0 },
    { decimals: 18, poolFee: fee },
  ];
  const v = leverageValuation(assets, prices, {
    quoteHeld: await bal(usdc),
    underlyingHeld: await bal(weth),
    supplied: await bal(w.aTokenAddress),
    owed: await bal(u.variableDebtTokenAddress),
  });
  const settings: ModelSettings = modelSettings(await f.vault.engineSettings());
  const a = await f.vault.amountSettings();
  const st = await f.vault.engineState();
  const c = await f.vault.leverageConfig();
  const config: LeverageModelConfig = {
    targetWad: c.targetWad,
    minWad: c.minWad,
    maxWad: c.maxWad,
    ripcordWad: c.ripcordWad,
    maxLtvBps: Number(c.maxLtvBps),
    ripcordRewardBps: Number(c.ripcordRewardBps),
    maxRipcordReward: c.maxRipcordReward,
  };
  const now = (await hre.ethers.provider.getBlock("latest"))!.timestamp;
  return leverageStatus(
    v,
    config,
    settings,
    amountsOf(a),
    {
      lastRebalanceAt: Number(st.lastRebalanceAt),
      rebalancesClearAt: Number(st.rebalancesClearAt),
      costClearAt: Number(st.costClearAt),
      rewardsClearAt: Number(st.rewardsClearAt),
    },
    now,
    await terms(f, usdc),
    await terms(f, weth),
  );
}

async function compare(f: Fixture, step: number): Promise<number> {
  // The view and the model read the same block: mine one, then ask both about it.
  await hre.network.provider.send("evm_mine", []);
  const chain = await f.vault.rebalanceStatus();
  const model = await modelStatus(f);
  const at = `step ${step}: ${REASONS[Number(chain.reason)]} on chain, ${REASONS[model.reason]} in the model`;
  expect(Number(chain.reason), at).to.equal(model.reason);
  expect(chain.detail, at).to.equal(model.detail);
  expect(chain.navWad, at).to.equal(model.navWad);
  expect(chain.deviationWad, at).to.equal(model.deviationWad);
  expect(chain.outOfBand, at).to.equal(model.outOfBand);
  expect(chain.nextEligibleAt, at).to.equal(model.nextEligibleAt);
  expect(chain.legs.length, at).to.equal(model.legs.length);
  for (const [i, leg] of model.legs.entries()) {
    expect(chain.legs[i].isSell, at).to.equal(leg.isSell);
    expect(chain.legs[i].amountIn, at).to.equal(leg.amountIn);
    expect(chain.legs[i].minAmountOut, at).to.equal(leg.minAmountOut);
    expect(chain.legs[i].valueWad, at).to.equal(leg.valueWad);
  }
  return model.reason;
}

describe("the backtest's leverage model against the deployed vault (real Aave, real Uniswap)", () => {
  for (const variant of ["demo (hybrid, to target)", "threshold, band edge 30 %"] as const) {
    it(`agrees with rebalanceStatus() wei for wei along a random path: ${variant}`, async () => {
      const f = await fixture();
      if (variant !== "demo (hybrid, to target)") {
        const s = demoLeveragePreset().settings;
        await (
          await f.vault.setEngineSettings({
            ...s,
            policy: Policy.Threshold,
            mode: Mode.ToBandEdge,
            bandHysteresisBps: 3000,
            cooldownSeconds: 600,
          })
        ).wait();
      }
      const next = seededRandom(variant.length * 7919);
      let price = 3000;
      const seen = new Set<number>();
      await (await f.vault.connect(f.alice).deposit(parseUnits("20", 18), f.alice.address)).wait();
      for (let step = 0; step < STEPS; step++) {
        const reason = await compare(f, step);
        seen.add(reason);
        const r = next();
        if (reason === Reason.Due && r < 0.7) {
          await (await f.vault.connect(f.keeper).rebalance()).wait();
        } else if ((await f.vault.leverageStatus()).ripcordDue && r < 0.8) {
          await (await f.vault.connect(f.keeper).ripcord()).wait();
        } else if (r < 0.85) {
          await (
            await f.vault
              .connect(f.alice)
              .deposit(parseUnits((1 + next() * 10).toFixed(3), 18), f.alice.address)
          ).wait();
        } else if (r < 0.9) {
          const shares = (await f.vault.balanceOf(f.alice.address)) / 5n;
          if (shares > 0n)
            await (await f.vault.connect(f.alice).redeem(shares, f.alice.address, f.alice.address)).wait();
        } else {
          // A price move of up to ±15 % and up to two days, the feeds refreshed.
          price = Math.max(800, Math.min(9000, price * (1 + (next() - 0.5) * 0.3)));
          await hre.network.provider.send("evm_increaseTime", [Math.floor(next() * 2 * 86_400)]);
          await movePrices(f.market, { WETH: price.toFixed(2), USDC: 1 }, f.arbitrageur);
        }
        if (next() < 0.3) {
          price = Math.max(800, Math.min(9000, price * (1 + (next() - 0.5) * 0.3)));
          await hre.network.provider.send("evm_increaseTime", [Math.floor(next() * 86_400)]);
          await movePrices(f.market, { WETH: price.toFixed(2), USDC: 1 }, f.arbitrageur);
        }
      }
      // The path must have visited both sides of the predicate.
      expect(seen.has(Reason.Due)).to.equal(true);
      expect([...seen].some((x) => x !== Reason.Due)).to.equal(true);
    });
  }

  it("is exercised on a frozen reserve too: LendingUnavailable on both sides", async () => {
    const f = await fixture();
    await (await f.vault.connect(f.alice).deposit(parseUnits("5", 18), f.alice.address)).wait();
    const configurator = f.lending.configurator.connect((await hre.ethers.getSigners())[0]) as Contract;
    await (await configurator.setReserveFreeze(await f.market.tokens.USDC.getAddress(), true)).wait();
    expect(await compare(f, 0)).to.equal(Reason.LendingUnavailable);
  });
});
