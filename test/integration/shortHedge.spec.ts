import { expect } from "chai";
import { type Contract, encodeBytes32String } from "ethers";
import hre, { deployments } from "hardhat";
import { time } from "@nomicfoundation/hardhat-network-helpers";

import { wad } from "../../src/math/grids";
import { localLendingInit } from "../../src/market/lending";
import { loadLocalMarket, movePrices, setFeedPrice } from "../../src/market/localMarket";
import { demoHedgePreset } from "../../src/vault/deltaHedge";
import { Reason, VaultKind } from "../../src/vault/enums";
import type { StatusDocument } from "../../src/keeper/statusJson";
import { readVaultKind } from "../../src/vault/kind";
import {
  engineInit,
  engineParams,
  localAssetInputs,
  localChain,
  venueInit,
} from "../../src/vault/localDeploy";
import { type LendingHedgeFixture, lendingHedgeFixture } from "../shared/fixtures";
import { WAD, currentPrices, expectPredicateAgreement, runCaptured } from "../shared/helpers";

/**
 * Short hedges (issue 19): a `DeltaHedgeLendingVault` on the local market's real Uniswap V3 and Aave
 * V3 bytecode. Its book is long calls, so it needs negative underlying: it supplies USDC to Aave,
 * borrows WETH and sells it; as delta falls it buys back and repays. Every figure it reports is
 * checked against Aave's own record of the position (the data provider and the pool), never against
 * the vault's arithmetic.
 */

type F = LendingHedgeFixture;
const USDC = (n: bigint) => n * 10n ** 6n;
const abs = (x: bigint) => (x < 0n ? -x : x);

const configurator = (f: F) => f.lending.configurator.connect(f.admin) as Contract;
const addr = (f: F, symbol: string) => f.market.tokens[symbol].getAddress();

/** The vault's position as Aave records it: aUSDC, WETH owed, and the pool's account data. */
async function aave(f: F) {
  const vault = await f.vault.getAddress();
  const usdc = await f.lending.dataProvider.getUserReserveData(await addr(f, "USDC"), vault);
  const weth = await f.lending.dataProvider.getUserReserveData(await addr(f, "WETH"), vault);
  const account = await f.lending.pool.getUserAccountData(vault);
  return {
    collateral: usdc[0] as bigint,
    debt: weth[2] as bigint,
    healthFactor: account[5] as bigint,
  };
}

async function rebalanceReceipt(f: F) {
  const tx = await f.vault.connect(f.stranger).rebalance();
  const receipt = await tx.wait();
  const events = receipt!.logs
    .map((l) => {
      try {
        return f.vault.interface.parseLog({ topics: [...l.topics], data: l.data });
      } catch {
        return null;
      }
    })
    .filter((e) => e !== null);
  return { receipt: receipt!, events, names: events.map((e) => e!.name) };
}

/** Moves the oracle and the pools together to `weth` USD. */
async function wethTo(f: F, weth: number) {
  const prices = await currentPrices(f.market, ["USDC", "WETH", "WBTC"]);
  await movePrices(f.market, { ...prices, WETH: weth }, f.arbitrageur);
}

/** Rebalances until the predicate says something else than Due (at most `max` calls). */
async function rebalanceWhileDue(f: F, max = 8) {
  const names: string[] = [];
  for (let i = 0; i < max && (await f.vault.rebalanceStatus()).reason === BigInt(Reason.Due); ++i)
    names.push(...(await rebalanceReceipt(f)).names);
  return names;
}

describe("DeltaHedgeLendingVault: short hedges through a lending market", () => {
  let f: F;
  beforeEach(async () => {
    f = await lendingHedgeFixture();
  });

  describe("a long-call book", () => {
    it("is hedged short: the vault borrows WETH against its USDC, sells it and lands inside its band", async () => {
      const before = await f.vault.hedgeStatus();
      expect(before.underlyingWad).to.equal(0n);
      expect(before.bookDeltaWad).to.be.gt(20n * WAD); // 40 ATM calls
      expect(before.netDeltaWad).to.be.gt(before.halfWidthWad);
      expect(before.clipped).to.equal(false);
      const st = await expectPredicateAgreement(f.vault, f.stranger);
      expect(st.reason).to.equal(BigInt(Reason.Due));
      expect(st.legs[0].isSell).to.equal(true);

      const { events, names } = await rebalanceReceipt(f);
      expect(names).to.include("Hedged");
      expect(names).to.not.include("HedgeClipped");

      const after = await f.vault.hedgeStatus();
      const position = await aave(f);
      // The vault's net underlying is what Aave says it owes (it holds no WETH), within the 1-wei
      // rounding of reading the debt back from its value.
      expect(await f.market.tokens.WETH.balanceOf(f.vault)).to.equal(0n);
      expect(position.debt).to.be.gt(20n * WAD);
      expect(abs(after.underlyingWad + position.debt)).to.be.lte(2n);
      // Band-edge mode lands 10 % inside the ±0.5 ETH band, on the side it came from.
      expect(after.netDeltaWad).to.be.gte(0n);
      expect(after.netDeltaWad).to.be.lte(after.halfWidthWad);
      expect(abs(after.netDeltaWad - (after.halfWidthWad * 9n) / 10n)).to.be.lt(WAD / 100n);
      // The proceeds went in as collateral with the USDC held; the wallet keeps at most the reward's reserve.
      expect(position.collateral).to.be.gt(USDC(200_000n) + USDC(60_000n));
      expect(await f.market.tokens.USDC.balanceOf(f.vault)).to.be.lt(USDC(50n));
      const lending = await f.vault.lendingStatus();
      expect(lending.collateral).to.equal(position.collateral);
      expect(lending.debt).to.equal(position.debt);
      expect(lending.loanToValueBps).to.be.lte(lending.maxLtvBps);
      expect(position.healthFactor).to.be.gt(3n * WAD);
      // Value is conserved up to the pool's price impact and fee: within the slippage bound.
      const rebalanced = events.find((e) => e!.name === "Rebalanced")!;
      const [, navBefore, navAfter, , , traded] = rebalanced.args;
      expect(navBefore - navAfter).to.be.lte((traded * 100n) / 10_000n);
      expect(await f.vault.vaultKind()).to.equal(BigInt(VaultKind.DeltaHedge));
      expect(await readVaultKind(hre, await f.vault.getAddress())).to.equal("delta-hedge");
    });

    it("is unwound as delta falls: buys back and repays, and once the short is closed the collateral comes home", async () => {
      await rebalanceReceipt(f);
      const short = await aave(f);

      await wethTo(f, 2700); // the calls' delta falls: the short is too large
      const mid = await f.vault.hedgeStatus();
      expect(mid.netDeltaWad).to.be.lt(-mid.halfWidthWad);
      const st = await expectPredicateAgreement(f.vault, f.stranger);
      expect(st.legs[0].isSell).to.equal(false);
      await rebalanceReceipt(f);
      const partly = await aave(f);
      expect(partly.debt).to.be.lt(short.debt - 5n * WAD);
      const after = await f.vault.hedgeStatus();
      expect(abs(after.underlyingWad + partly.debt)).to.be.lte(2n);
      expect(after.netDeltaWad).to.be.lte(0n);
      expect(after.netDeltaWad).to.be.gte(-after.halfWidthWad);

      // The book is closed and the target set to +2 ETH: one buy covers the short and goes long; the
      // market takes only what is owed, and with the debt cleared the collateral is withdrawn.
      await (await f.book.connect(f.guardian).resizeLeg(0, 0)).wait();
      await (await f.vault.setTargetDelta(2n * WAD)).wait();
      await time.increase(4 * 3600 + 1); // the book-change cooldown
      await wethTo(f, 2700);
      await rebalanceWhileDue(f);
      const closed = await aave(f);
      expect(closed.debt).to.equal(0n);
      expect(closed.collateral).to.equal(0n);
      const flat = await f.vault.hedgeStatus();
      expect(flat.underlyingWad).to.be.gt(WAD); // long now, held in the wallet
      expect(flat.underlyingWad).to.equal(await f.market.tokens.WETH.balanceOf(f.vault));
      expect(abs(flat.netDeltaWad - 2n * WAD)).to.be.lte(flat.halfWidthWad);
      expect(await f.market.tokens.USDC.balanceOf(f.vault)).to.be.gt(USDC(190_000n));
    });
  });

  it("a vault that never went short buys with all its quote: nothing to withdraw, views and rebalance() agree", async () => {
    // Target +100 ETH against a book of ≈ +22: a buy of ≈ 78 ETH (≈ 234k) that 200k of USDC clips.
    await (await f.vault.setTargetDelta(100n * WAD)).wait();
    const st = await expectPredicateAgreement(f.vault, f.stranger);
    expect(st.reason).to.equal(BigInt(Reason.Due));
    expect(st.legs[0].isSell).to.equal(false);
    await rebalanceReceipt(f);
    expect(await f.market.tokens.USDC.balanceOf(f.vault)).to.be.lt(USDC(1_000n));
    expect(await f.market.tokens.WETH.balanceOf(f.vault)).to.be.gt(60n * WAD);
    const position = await aave(f);
    expect(position.collateral).to.equal(0n);
    expect(position.debt).to.equal(0n);
  });

  describe("its LTV cap", () => {
    it("stops a short the cap cannot carry at the cap, says it is clipped, and then has nothing due", async () => {
      // 200 more calls deep in the money: the book needs ≈ −240 ETH, ≈ $720k against $200k of USDC.
      await (await f.book.connect(f.guardian).addLeg(true, true, wad(1000), wad(200), f.expiry)).wait();
      await time.increase(4 * 3600 + 1);
      await wethTo(f, 3000);
      expect((await f.vault.hedgeStatus()).clipped).to.equal(true);
      const names = await rebalanceWhileDue(f);
      expect(names.filter((n) => n === "Rebalanced").length).to.be.gte(2); // the market's LTV paces it
      expect(names).to.include("HedgeClipped");
      const lending = await f.vault.lendingStatus();
      expect(lending.loanToValueBps).to.be.lte(6000n);
      expect(lending.loanToValueBps).to.be.gte(5800n); // sized to the cap less its 1 % margin
      const st = await f.vault.rebalanceStatus();
      expect(st.reason).to.equal(BigInt(Reason.BelowMinTrade));
      await expect(f.vault.connect(f.stranger).rebalance()).to.be.revertedWithCustomError(
        f.vault,
        "RebalanceNotDue",
      );
      expect((await f.vault.hedgeStatus()).clipped).to.equal(true);
      expect((await aave(f)).healthFactor).to.be.gt((WAD * 8000n) / 6000n - WAD / 100n);
    });

    it("after a rally pushes LTV over the cap, refuses to short more but still buys back", async () => {
      await (await f.book.connect(f.guardian).addLeg(true, true, wad(1000), wad(200), f.expiry)).wait();
      await time.increase(4 * 3600 + 1);
      await wethTo(f, 3000);
      await rebalanceWhileDue(f);
      await wethTo(f, 3300); // +10 %: the debt's value rises, LTV ≈ 63 % > 60 %
      expect((await f.vault.lendingStatus()).loanToValueBps).to.be.gt(6000n);
      const st = await f.vault.rebalanceStatus();
      expect(st.reason).to.equal(BigInt(Reason.BelowMinTrade)); // more short needed, no room
      // The deep calls are sold: the short is now too large, and buying back lowers the LTV.
      await (await f.book.connect(f.guardian).resizeLeg(1, 0)).wait();
      await time.increase(4 * 3600 + 1);
      await wethTo(f, 3300);
      const debtBefore = (await aave(f)).debt;
      await rebalanceReceipt(f);
      expect((await aave(f)).debt).to.be.lt(debtBefore);
      expect((await f.vault.lendingStatus()).loanToValueBps).to.be.lt(6000n);
    });
  });

  describe("market faults", () => {
    it("borrowing switched off: LendingUnavailable (asset 1), rebalance refused, nothing moves; back on, it runs", async () => {
      await (await configurator(f).setReserveBorrowing(await addr(f, "WETH"), false)).wait();
      const st = await expectPredicateAgreement(f.vault, f.stranger);
      expect(st.reason).to.equal(BigInt(Reason.LendingUnavailable));
      expect(st.detail).to.equal(1n);
      await expect(f.vault.connect(f.stranger).rebalance())
        .to.be.revertedWithCustomError(f.vault, "RebalanceNotDue")
        .withArgs(Reason.LendingUnavailable, 1);
      expect((await aave(f)).collateral).to.equal(0n);
      await (await configurator(f).setReserveBorrowing(await addr(f, "WETH"), true)).wait();
      await rebalanceReceipt(f);
      expect((await aave(f)).debt).to.be.gt(20n * WAD);
    });

    it("the quote reserve frozen (no new collateral): LendingUnavailable (asset 0)", async () => {
      await (await configurator(f).setReserveFreeze(await addr(f, "USDC"), true)).wait();
      const st = await f.vault.rebalanceStatus();
      expect(st.reason).to.equal(BigInt(Reason.LendingUnavailable));
      expect(st.detail).to.equal(0n);
    });

    it("the underlying's reserve paused while short: the buy-back waits (LendingUnavailable), then runs", async () => {
      await rebalanceReceipt(f);
      await wethTo(f, 2700);
      await (await configurator(f).setReservePause(await addr(f, "WETH"), true)).wait();
      const st = await expectPredicateAgreement(f.vault, f.stranger);
      expect(st.reason).to.equal(BigInt(Reason.LendingUnavailable));
      expect(st.detail).to.equal(1n);
      await (await configurator(f).setReservePause(await addr(f, "WETH"), false)).wait();
      const debt = (await aave(f)).debt;
      await rebalanceReceipt(f);
      expect((await aave(f)).debt).to.be.lt(debt);
    });

    it("a borrow cap nearly reached: the short borrows only the room left", async () => {
      // Someone else borrows first, so the cap's room is what is left of 10 WETH.
      await (await configurator(f).setBorrowCap(await addr(f, "WETH"), 10)).wait();
      await rebalanceReceipt(f);
      const position = await aave(f);
      expect(position.debt).to.be.lte(10n * WAD);
      expect(position.debt).to.be.gt(9n * WAD);
      expect((await f.vault.hedgeStatus()).netDeltaWad).to.be.gt(10n * WAD); // the rest stays unhedged
    });

    it("the quote's reserve paused while short: no collateral can come out, so the buy-back is clipped to the quote held (nothing trades)", async () => {
      await rebalanceReceipt(f);
      await wethTo(f, 2700);
      await (await configurator(f).setReservePause(await addr(f, "USDC"), true)).wait();
      const st = await expectPredicateAgreement(f.vault, f.stranger);
      expect(st.reason).to.equal(BigInt(Reason.BelowMinTrade)); // the wallet keeps only the reward's dust
      await (await configurator(f).setReservePause(await addr(f, "USDC"), false)).wait();
      expect((await f.vault.rebalanceStatus()).reason).to.equal(BigInt(Reason.Due));
    });

    it("a supply cap on the quote: the short is sized so that its proceeds fit the room left", async () => {
      // 230k USDC of room: the 200k held goes in first, so ≈ 30k of proceeds (≈ 10 WETH) fit.
      await (await configurator(f).setSupplyCap(await addr(f, "USDC"), 230_000)).wait();
      await rebalanceReceipt(f);
      const position = await aave(f);
      expect(position.collateral).to.be.lte(USDC(230_000n));
      expect(position.debt).to.be.gt(9n * WAD);
      expect(position.debt).to.be.lt(11n * WAD);
    });

    it("oracle and pool disagree beyond the bound: no venue, nothing borrowed", async () => {
      await setFeedPrice(f.market, "WETH", 3100); // the pools stay at 3,000
      const st = await f.vault.rebalanceStatus();
      expect(st.reason).to.equal(BigInt(Reason.PoolPriceDeviation));
      await expect(f.vault.connect(f.stranger).rebalance()).to.be.reverted;
      expect((await aave(f)).collateral).to.equal(0n);
      expect((await aave(f)).debt).to.equal(0n);
    });
  });

  describe("interest", () => {
    it("moves NAV and the net underlying exactly as Aave's balances move", async () => {
      await rebalanceReceipt(f);
      const a0 = await aave(f);
      const h0 = await f.vault.hedgeStatus();
      const nav0 = (await f.vault.rebalanceStatus()).navWad;
      await time.increase(365 * 86_400);
      // Feeds re-stamped at the same prices (they would be stale after a year).
      await wethTo(f, 3000);
      const a1 = await aave(f);
      const h1 = await f.vault.hedgeStatus();
      const nav1 = (await f.vault.rebalanceStatus()).navWad;
      const interest = a1.debt - a0.debt;
      expect(interest).to.be.gt(0n);
      expect(a1.collateral).to.be.gte(a0.collateral); // no one borrows USDC here: its supply rate is 0
      expect(abs(h1.underlyingWad - h0.underlyingWad + interest)).to.be.lte(2n);
      const supplyGainWad = (a1.collateral - a0.collateral) * 10n ** 12n;
      const debtCostWad = interest * 3000n; // at the oracle's 3,000
      const expected = nav0 + supplyGainWad - debtCostWad;
      expect(abs(nav1 - expected)).to.be.lte(10n ** 13n); // rounding: a few wei of each unit
    });
  });

  it("the operator tools know it as a delta-hedged vault: status reads the short through the lens, rebalance sends it", async () => {
    const status = await runCaptured<{ kind: string; reason: string }[]>("status", {
      vault: "ShortHedge",
      json: false,
    });
    expect(status.err).to.equal("");
    expect(status.result![0].kind).to.equal("delta-hedge");
    expect(status.result![0].reason).to.equal("Due");
    const sent = await runCaptured("rebalance", {
      vault: "ShortHedge",
      all: false,
      dryRun: false,
      gasMode: "skip",
      waitTimeout: "600",
    });
    expect(sent.err).to.equal("");
    expect((await aave(f)).debt).to.be.gt(20n * WAD);
    const { out } = await runCaptured("status", { vault: "ShortHedge", json: true });
    const doc = JSON.parse(out) as StatusDocument;
    const hedge = doc.vaults[0].hedge as Record<string, string> & { lending: Record<string, string> | null };
    const underlying = BigInt(hedge.underlyingWad);
    expect(underlying).to.equal((await f.vault.hedgeStatus()).underlyingWad);
    expect(underlying).to.be.lt(-20n * WAD);
    // The lending position through the lens, as the vault's own view has it.
    const l = await f.vault.lendingStatus();
    expect(hedge.lending).to.deep.equal({
      collateralUnits: l.collateral.toString(),
      debtUnits: l.debt.toString(),
      loanToValueBps: l.loanToValueBps.toString(),
      maxLtvBps: l.maxLtvBps.toString(),
      healthFactorWad: l.healthFactorWad.toString(),
    });
    expect(l.debt).to.equal((await aave(f)).debt);
    const text = await runCaptured("status", { vault: "ShortHedge", json: false });
    const pct = (bps: bigint) => `${+(Number(bps) / 100).toFixed(4)}%`;
    expect(text.out).to.include(`LTV ${pct(l.loanToValueBps)} (cap ${pct(l.maxLtvBps)})`);
    expect(text.out).to.match(/lending: [\d,.]+ USDC supplied, [\d,.]+ WETH owed;/);
  });

  describe("guards", () => {
    it("the module refuses a direct call, and its trade entry is not reachable through the vault", async () => {
      const module = await hre.ethers.getContractAt(
        "DeltaHedgeLendingModule",
        (await deployments.get("HedgeLendingModule_ShortHedge")).address,
      );
      await expect(module.tradeLegs([], [], 0, 0, 0, 0)).to.be.revertedWithCustomError(
        module,
        "NotDelegated",
      );
      await expect(module.hedgeStatus()).to.be.revertedWithCustomError(module, "NotDelegated");
      const asVault = module.attach(await f.vault.getAddress()) as typeof module;
      await expect(asVault.tradeLegs([], [], 0, 0, 0, 0)).to.be.reverted;
      expect((await aave(f)).collateral).to.equal(0n);
    });

    it("a core refuses a module built for another vault", async () => {
      const market = await loadLocalMarket(hre);
      const assets = await localAssetInputs(market, [
        { symbol: "USDC", maxStalenessSeconds: 86400 },
        { symbol: "WETH", maxStalenessSeconds: 86400 },
      ]);
      const { deployer } = await hre.getNamedAccounts();
      const lending = await localLendingInit(hre);
      const other = await hre.deployments.deploy("OtherExt", {
        contract: "DeltaHedgeLendingVaultExt",
        from: deployer,
        args: [engineInit(assets, localChain(market)), lending],
      });
      const preset = demoHedgePreset();
      const chain = localChain(market);
      const foreignModule = (await deployments.get("HedgeLendingModule_ShortHedge")).address;
      const factory = await hre.ethers.getContractFactory("DeltaHedgeLendingVault");
      const hedge = {
        book: await f.book.getAddress(),
        volatility: preset.volatility,
        rateWad: preset.rateWad,
        targetDeltaWad: preset.targetDeltaWad,
        band: preset.band,
        limits: preset.limits,
      };
      const params = engineParams(
        assets,
        { admin: deployer, guardian: deployer },
        preset.settings,
        preset.amounts,
      );
      await expect(
        factory.deploy(other.address, foreignModule, params as never, hedge, 6000, venueInit(assets, chain)),
      )
        .to.be.revertedWithCustomError(f.vault, "LendingModuleMismatch")
        .withArgs(foreignModule);
    });

    it("setMaxLtv: bounds with arguments, owner only, nothing written on refusal", async () => {
      await expect(f.vault.setMaxLtv(0))
        .to.be.revertedWithCustomError(f.vault, "OutOfBounds")
        .withArgs(encodeBytes32String("maxLtvBps"), 0, 1, 7700);
      await expect(f.vault.setMaxLtv(7701))
        .to.be.revertedWithCustomError(f.vault, "OutOfBounds")
        .withArgs(encodeBytes32String("maxLtvBps"), 7701, 1, 7700);
      await expect(f.vault.connect(f.stranger).setMaxLtv(5000)).to.be.revertedWithCustomError(
        f.vault,
        "OwnableUnauthorizedAccount",
      );
      expect(await f.vault.maxLtvBps()).to.equal(6000n);
      await expect(f.vault.setMaxLtv(5000)).to.emit(f.vault, "MaxLtvSet").withArgs(5000);
      expect(await f.vault.maxLtvBps()).to.equal(5000n);
      expect((await f.vault.lending()).market).to.equal(await f.lending.pool.getAddress());
    });
  });

  it("attack: a sandwich around the short sale inside the pool bound costs the vault at most its slippage bound", async () => {
    // The attacker sells WETH into the pool first (the vault then sells lower), then buys back.
    const attacker = f.arbitrageur;
    const prices = await currentPrices(f.market, ["USDC", "WETH", "WBTC"]);
    await movePrices(f.market, { ...prices, WETH: 2990 }, attacker); // pools to 2,990
    await setFeedPrice(f.market, "WETH", 3000); // oracle back at 3,000: the pool is 0.33 % low
    const { events } = await rebalanceReceipt(f);
    const [, navBefore, navAfter, , , traded] = events.find((e) => e!.name === "Rebalanced")!.args;
    expect(navBefore - navAfter).to.be.lte((traded * 100n) / 10_000n);
    expect((await aave(f)).debt).to.be.gt(20n * WAD);
  });
});
