import { time } from "@nomicfoundation/hardhat-network-helpers";
import { expect } from "chai";
import { encodeBytes32String } from "ethers";
import hre from "hardhat";

import type { IDeltaHedgeVault, OptionBook } from "../../typechain-types";
import { Reason } from "../../src/vault/enums";
import { BandPolicy, demoHedgePreset } from "../../src/vault/deltaHedge";
import { type BookLeg, packLegs } from "../../src/hedge/book";
import { wad } from "../../src/math/grids";
import { D, fromWad } from "../../src/math/reference";
import { bookReference, whalleyWilmott } from "../../src/math/hedgeReference";
import { sqrtPriceX96AtOracleMove, swapPoolTo } from "../../src/market/localMarket";
import { type HedgeFixture, deployHedge, hedgeFixture, marketFixture } from "../shared/fixtures";
import {
  WAD,
  adminChange,
  advanceAndMove,
  expectPredicateAgreement,
  rebalanceEvents,
} from "../shared/helpers";

function toBookLeg(l: Awaited<ReturnType<OptionBook["legs"]>>[number]): BookLeg {
  return {
    isCall: l.isCall,
    isLong: l.isLong,
    expiry: l.expiry,
    strikeWad: l.strikeWad,
    sizeWad: l.sizeWad,
    lnStrikeE36: l.lnStrikeE36,
  };
}

/** The book's Greeks from the 50-digit reference, at the fixture's spot (3,000), σ and r, now. */
async function referenceNow(book: OptionBook) {
  const preset = demoHedgePreset();
  const legs = (await book.legs()).map(toBookLeg);
  return bookReference(
    legs,
    wad(3000),
    preset.volatility.sigmaWad,
    preset.rateWad,
    BigInt(await time.latest()),
  );
}

/** Net delta now, from the vault's own status. */
async function netDelta(vault: IDeltaHedgeVault): Promise<bigint> {
  return (await vault.hedgeStatus()).netDeltaWad;
}

describe("DeltaHedgeVault", () => {
  describe("#rebalance", () => {
    it("brings net delta from out of band to the band edge, for a stranger, within 0.1% of the traded size", async () => {
      const { vault, stranger } = await hedgeFixture();
      const before = await vault.hedgeStatus();
      expect(before.reason).to.equal(Reason.Due);
      expect(before.netDeltaWad).to.be.lessThan(-6n * WAD);
      expect(before.halfWidthWad).to.equal(WAD / 2n);
      await expectPredicateAgreement(vault, stranger);

      await expect(vault.connect(stranger).rebalance()).to.emit(vault, "Hedged");
      const after = await netDelta(vault);
      // Band edge less 10% hysteresis on the side it came from: −0.45 ETH. Buying through a 0.05% pool
      // delivers slightly less than the oracle amount.
      const traded = after - before.netDeltaWad;
      const landing = (-WAD * 45n) / 100n;
      expect(after).to.be.within(landing - traded / 1000n, landing);
    });

    it("reverts with WithinBand once inside the band, and every view agrees", async () => {
      const { vault, stranger } = await hedgeFixture();
      await (await vault.connect(stranger).rebalance()).wait();
      const st = await expectPredicateAgreement(vault, stranger);
      expect(st.reason).to.equal(Reason.WithinBand);
      await expect(vault.connect(stranger).rebalance())
        .to.be.revertedWithCustomError(vault, "RebalanceNotDue")
        .withArgs(Reason.WithinBand, 0);
    });

    it("re-hedges after a price move pushes the short call's delta out of band", async () => {
      const { vault, market, arbitrageur, stranger } = await hedgeFixture();
      await (await vault.connect(stranger).rebalance()).wait();
      await advanceAndMove(market, arbitrageur, 3600, { WETH: 3150 });
      const st = await vault.hedgeStatus();
      expect(st.reason).to.equal(Reason.Due);
      expect(st.netDeltaWad).to.be.lessThan(-WAD);
      await (await vault.connect(stranger).rebalance()).wait();
      expect(await netDelta(vault)).to.be.within((-WAD * 46n) / 100n, (-WAD * 45n) / 100n);
    });

    it("lands on target in ToTarget mode", async () => {
      const preset = demoHedgePreset();
      preset.settings = { ...preset.settings, mode: 0 };
      const { vault, stranger } = await deployHedge(await marketFixture(), "HedgeToTarget", preset);
      const before = await netDelta(vault);
      await (await vault.connect(stranger).rebalance()).wait();
      const after = await netDelta(vault);
      expect(after).to.be.within((before * 1n) / 1000n, 0n);
    });
  });

  describe("book delta and gamma", () => {
    it("match the 50-digit reference at the oracle spot", async () => {
      const { vault, book } = await hedgeFixture();
      const st = await vault.hedgeStatus();
      const ref = await referenceNow(book);
      expect(fromWad(st.bookDeltaWad).minus(ref.delta).abs().lte("1e-14")).to.be.true;
      const gamma = new D(st.bookGammaE36.toString()).div("1e36");
      expect(gamma.minus(ref.gamma).abs().div(ref.gamma.abs()).lte("1e-12")).to.be.true;
    });

    it("sizes the Whalley–Wilmott band as the reference does", async () => {
      const { vault, book } = await hedgeFixture();
      const band = {
        policy: BandPolicy.WhalleyWilmott,
        relativeBps: 0,
        costBps: 10,
        absoluteWad: 0n,
        riskAversionWad: wad(0.00001),
        minHalfWidthWad: 0n,
        maxHalfWidthWad: wad(1000),
      };
      await (await vault.setBand(band)).wait();
      const st = await vault.hedgeStatus();
      const ref = await referenceNow(book);
      const h = whalleyWilmott(ref.gamma, new D(3000), ref.discount, 10, new D("0.00001"));
      expect(
        fromWad(st.halfWidthWad).minus(h).abs().div(h).lte("1e-11"),
        `${fromWad(st.halfWidthWad)} vs ${h}`,
      ).to.be.true;
    });

    it("sizes a band relative to the book's gross size", async () => {
      const { vault } = await hedgeFixture();
      const band = await vault.band();
      await (
        await vault.setBand({
          policy: BandPolicy.RelativeToGross,
          relativeBps: 150,
          costBps: 0,
          absoluteWad: 0n,
          riskAversionWad: 0n,
          minHalfWidthWad: band.minHalfWidthWad,
          maxHalfWidthWad: band.maxHalfWidthWad,
        })
      ).wait();
      // 1.5% of 100 ETH of calls.
      expect((await vault.hedgeStatus()).halfWidthWad).to.equal((3n * WAD) / 2n);
    });

    it("moves the target when the book manager changes the book", async () => {
      const { vault, book, guardian, expiry } = await hedgeFixture();
      const before = await vault.hedgeStatus();
      await (await book.connect(guardian).addLeg(false, false, wad(2850), wad(50), expiry)).wait(); // short puts: +delta
      const after = await vault.hedgeStatus();
      expect(after.bookDeltaWad).to.be.greaterThan(before.bookDeltaWad);
      expect(after.liveLegs).to.equal(2n);
      await (await book.connect(guardian).removeLeg(0)).wait();
      expect((await vault.hedgeStatus()).liveLegs).to.equal(1n);
    });
  });

  describe("time and hybrid policies", () => {
    it("time policy: waits for the interval inside the band, then hedges to target", async () => {
      const { vault, stranger, market, arbitrageur } = await hedgeFixture();
      await (await vault.connect(stranger).rebalance()).wait(); // threshold policy: to −0.45
      const settings = await vault.engineSettings();
      await adminChange({ vault, market, arbitrageur }, "setEngineSettings", [
        {
          policy: 0, // Time
          mode: 0, // ToTarget
          maxSlippageBps: settings.maxSlippageBps,
          maxPoolDeviationBps: settings.maxPoolDeviationBps,
          maxTradeBps: settings.maxTradeBps,
          bandHysteresisBps: settings.bandHysteresisBps,
          cooldownSeconds: settings.cooldownSeconds,
          intervalSeconds: 86_400,
          periodSeconds: settings.periodSeconds,
          maxRebalancesPerPeriod: settings.maxRebalancesPerPeriod,
          maxCostBpsPerPeriod: settings.maxCostBpsPerPeriod,
          rewardBps: settings.rewardBps,
        },
      ]);
      expect((await vault.hedgeStatus()).reason).to.equal(Reason.IntervalNotElapsed);
      await advanceAndMove(market, arbitrageur, 86_400);
      const st = await expectPredicateAgreement(vault, stranger);
      expect(st.reason).to.equal(Reason.Due);
      expect(st.outOfBand).to.equal(false); // inside the band, due by time alone
      await (await vault.connect(stranger).rebalance()).wait();
      expect(await netDelta(vault)).to.be.within(-WAD / 1000n, WAD / 1000n);
    });
  });

  describe("at and across expiry", () => {
    it("ignores the expired leg and unwinds the hedge toward the target", async () => {
      const { vault, market, arbitrageur, stranger, expiry } = await hedgeFixture();
      await (await vault.connect(stranger).rebalance()).wait();
      const held = (await vault.hedgeStatus()).underlyingWad;
      await time.increaseTo(expiry);
      await advanceAndMove(market, arbitrageur, 1);
      const st = await vault.hedgeStatus();
      expect(st.liveLegs).to.equal(0n);
      expect(st.bookDeltaWad).to.equal(0n);
      expect(st.netDeltaWad).to.equal(held);
      await (await vault.connect(stranger).rebalance()).wait();
      expect(await netDelta(vault)).to.be.within(0n, WAD / 2n);
    });
  });

  describe("an expiring hedge (F7)", () => {
    it("unwinds over the leg's last day in chunks of about an hour's fade, not at the expiry second", async () => {
      const { vault, market, arbitrageur, keeper, expiry } = await hedgeFixture();
      const unwind = demoHedgePreset().limits.expiryUnwindSeconds; // 1 day
      // Deep in the money two days out: the 100 short calls' delta ≈ −99, hedged with ≈ +99 ETH.
      await time.increaseTo(expiry - 2 * unwind);
      await advanceAndMove(market, arbitrageur, 0, { WETH: "3600" });
      await (await vault.connect(keeper).rebalance()).wait();
      const start = await vault.hedgeStatus();
      expect(start.underlyingWad).to.be.gt(95n * WAD);
      const nav0 = (await vault.rebalanceStatus()).navWad;
      // A keeper checks every hour until an hour past expiry.
      const sales: bigint[] = [];
      let soldAtExpiry = 0n;
      for (let t = expiry - 2 * unwind + 3600; t <= expiry + 3600; t += 3600) {
        await time.increaseTo(t);
        await advanceAndMove(market, arbitrageur, 0);
        const st = await expectPredicateAgreement(vault, keeper);
        if (st.reason !== BigInt(Reason.Due)) continue;
        const before = (await vault.hedgeStatus()).underlyingWad;
        await (await vault.connect(keeper).rebalance()).wait();
        const sold = before - (await vault.hedgeStatus()).underlyingWad;
        sales.push(sold);
        if (t >= expiry) soldAtExpiry += sold;
      }
      const largest = sales.reduce((a, b) => (b > a ? b : a), 0n);
      // The first day holds (the fade has not begun); the last day sells ≈ 99/24 ETH an hour.
      expect(sales.length).to.be.gte(20);
      expect(largest).to.be.lte(start.underlyingWad / 24n + WAD); // an hour's fade plus the band
      // At the expiry second only the last check interval's fade is left (≈ an hour's: 4.2 ETH),
      // where the whole hedge (≈ 99 ETH) used to be.
      expect(soldAtExpiry).to.be.lte(start.underlyingWad / 24n + WAD);
      expect((await vault.hedgeStatus()).underlyingWad).to.be.lte(WAD);
      console.log(
        `      expiry unwind: ${sales.length} sales, largest ${fromWad(largest).toFixed(2)} ETH ` +
          `(${((Number(fromWad(largest)) * 3600 * 100) / Number(fromWad(nav0))).toFixed(1)}% of NAV), ` +
          `${fromWad(soldAtExpiry).toFixed(3)} ETH from the expiry second on`,
      );
    });

    it("fades the leg's size by τ / window inside the window, and not before it", async () => {
      const { vault, keeper, market, arbitrageur, expiry } = await hedgeFixture();
      await (await vault.connect(keeper).rebalance()).wait();
      const unwind = demoHedgePreset().limits.expiryUnwindSeconds;
      await time.increaseTo(expiry - unwind - 60);
      await advanceAndMove(market, arbitrageur, 0, { WETH: "4000" }); // deep ITM: |Δ| ≈ 100
      const outside = (await vault.hedgeStatus()).bookDeltaWad;
      expect(outside).to.be.lt(-99n * WAD);
      await time.increaseTo(expiry - unwind / 4);
      await advanceAndMove(market, arbitrageur, 0);
      const inside = (await vault.hedgeStatus()).bookDeltaWad;
      // a quarter of the window left: a quarter of the size counts (N(d1) ≈ 1 this deep)
      expect(inside).to.be.within(-25n * WAD - WAD / 10n, -25n * WAD + WAD / 10n);
    });
  });

  describe("book churn (F7)", () => {
    const cooldown = demoHedgePreset().limits.bookCooldownSeconds;

    it("a manager flipping the book every hour moves the hedge once per cooldown, and the views say when", async () => {
      const { vault, book, guardian, keeper, market, arbitrageur, expiry } = await hedgeFixture();
      await (await vault.connect(keeper).rebalance()).wait(); // follows the fixture's book: the cooldown starts
      let rebalances = 0;
      let traded = 0n;
      let waited = 0;
      for (let hour = 1; hour <= 24; hour++) {
        await advanceAndMove(market, arbitrageur, 3600);
        if (hour % 2 === 1)
          await (await book.connect(guardian).addLeg(true, false, wad(3000), wad(100), expiry)).wait();
        else await (await book.connect(guardian).removeLeg(1)).wait();
        const st = await expectPredicateAgreement(vault, keeper);
        if (st.reason === BigInt(Reason.Due)) {
          const receipt = await (await vault.connect(keeper).rebalance()).wait();
          traded += rebalanceEvents(vault as never, receipt!.logs).summary!.tradedValueWad;
          rebalances++;
          continue;
        }
        // a flip back to where the hedge already is leaves nothing to do
        if (st.reason === BigInt(Reason.WithinBand)) continue;
        expect(st.reason).to.equal(BigInt(Reason.BookChangeCooldown));
        const [, at] = await vault.bookMark();
        expect(st.detail).to.equal(at + BigInt(cooldown));
        await expect(vault.connect(keeper).rebalance())
          .to.be.revertedWithCustomError(vault, "RebalanceNotDue")
          .withArgs(Reason.BookChangeCooldown, at + BigInt(cooldown));
        waited++;
      }
      // 24 flips a day, at most one hedge per 4 hours follows them (the old vault followed all 24)
      expect(rebalances).to.be.lte((24 * 3600) / cooldown + 1);
      expect(rebalances).to.be.gte(3); // the hedge still follows the book, at the limited pace
      expect(waited).to.be.gte(8);
      console.log(
        `      book churn: ${rebalances} rebalances in 24 flips, ${fromWad(traded).toFixed(0)} USDC traded`,
      );
    });

    it("does not hold back a hedge the book did not cause: a price move re-hedges inside the cooldown", async () => {
      const { vault, book, guardian, keeper, market, arbitrageur, expiry } = await hedgeFixture();
      await (await vault.connect(keeper).rebalance()).wait(); // follows the fixture's book
      await advanceAndMove(market, arbitrageur, cooldown);
      await (await book.connect(guardian).addLeg(true, false, wad(3000), wad(20), expiry)).wait();
      await advanceAndMove(market, arbitrageur, 600);
      await (await vault.connect(keeper).rebalance()).wait(); // the first change since: allowed at once
      const [, at] = await vault.bookMark();
      expect(at).to.equal(BigInt(await time.latest()));
      await advanceAndMove(market, arbitrageur, 600, { WETH: "3150" }); // the book is unchanged
      const st = await expectPredicateAgreement(vault, keeper);
      expect(st.reason).to.equal(BigInt(Reason.Due));
      expect(BigInt(await time.latest())).to.be.lt(at + BigInt(cooldown));
    });

    it("refuses limits out of bounds, and only the owner sets them", async () => {
      const { vault, stranger } = await hedgeFixture();
      await expect(vault.setBookLimits({ expiryUnwindSeconds: 60, bookCooldownSeconds: 0 }))
        .to.be.revertedWithCustomError(vault, "OutOfBounds")
        .withArgs(encodeBytes32String("expiryUnwindSeconds"), 60, 3600, 30 * 86400);
      await expect(vault.setBookLimits({ expiryUnwindSeconds: 3600, bookCooldownSeconds: 8 * 86400 }))
        .to.be.revertedWithCustomError(vault, "OutOfBounds")
        .withArgs(encodeBytes32String("bookCooldownSeconds"), 8 * 86400, 0, 7 * 86400);
      await expect(
        vault.connect(stranger).setBookLimits({ expiryUnwindSeconds: 3600, bookCooldownSeconds: 0 }),
      ).to.be.revertedWithCustomError(vault, "OwnableUnauthorizedAccount");
      await expect(vault.setBookLimits({ expiryUnwindSeconds: 3600, bookCooldownSeconds: 0 }))
        .to.emit(vault, "BookLimitsSet")
        .withArgs([3600, 0]);
      expect(await vault.bookLimits()).to.deep.equal([3600n, 0n]);
    });
  });

  describe("clipping", () => {
    it("sells everything when the book needs more short delta than the vault holds, and says so", async () => {
      const { vault, book, guardian, stranger, expiry } = await hedgeFixture();
      await (await book.connect(guardian).resizeLeg(0, 0)).wait();
      await (await book.connect(guardian).addLeg(true, true, wad(2500), wad(100), expiry)).wait(); // long deep-ITM calls
      const st = await vault.hedgeStatus();
      expect(st.clipped).to.equal(true);
      await expect(vault.connect(stranger).rebalance()).to.emit(vault, "HedgeClipped");
      const after = await vault.hedgeStatus();
      expect(after.underlyingWad).to.equal(0n);
      expect(after.netDeltaWad).to.equal(after.bookDeltaWad);
    });
  });

  // F4: a hedger that must buy underlying (the fixture is net −6.7 ETH against a ±0.5 band) but
  // holds no quote used to report Due forever while rebalance() reverted.
  describe("buying with the quote it holds", () => {
    it("with no quote left, every view and rebalance() agree that nothing can trade", async () => {
      const f = await hedgeFixture();
      const { vault, admin, stranger } = f;
      await (await vault.withdrawFunds(0, await f.market.tokens.USDC.balanceOf(vault), admin.address)).wait();
      const st = await expectPredicateAgreement(vault, stranger); // simulates rebalance() too
      expect(st.reason).to.equal(Reason.BelowMinTrade);
      expect(st.legs.length).to.equal(0);
    });

    it("with a little quote, the plan buys only what it can pay for, and rebalance() executes it", async () => {
      const f = await hedgeFixture();
      const { vault, admin, stranger } = f;
      const usdc = f.market.tokens.USDC;
      const keep = 2_000n * 10n ** 6n;
      await (await vault.withdrawFunds(0, (await usdc.balanceOf(vault)) - keep, admin.address)).wait();
      const st = await expectPredicateAgreement(vault, stranger);
      expect(st.reason).to.equal(Reason.Due);
      expect(st.legs.length).to.equal(1);
      expect(st.legs[0].isSell).to.equal(false);
      expect(st.legs[0].amountIn).to.be.lte(keep);
      await expect(vault.connect(stranger).rebalance()).to.emit(vault, "Rebalanced");
    });
  });

  describe("attacks and faults", () => {
    async function holdings(f: HedgeFixture): Promise<bigint[]> {
      return Promise.all(["USDC", "WETH"].map((sym) => f.market.tokens[sym].balanceOf(f.vault)));
    }

    async function expectRefused(f: HedgeFixture, reason: number, detail = 0) {
      const before = await holdings(f);
      const st = await expectPredicateAgreement(f.vault, f.stranger);
      expect(st.reason).to.equal(reason);
      await expect(f.vault.connect(f.stranger).rebalance())
        .to.be.revertedWithCustomError(f.vault, "RebalanceNotDue")
        .withArgs(reason, detail);
      expect(await holdings(f)).to.deep.equal(before);
      expect((await f.vault.hedgeStatus()).reason).to.equal(reason);
    }

    /** The fixture with σ from a Chainlink MockV3Aggregator (8 decimals) answering 80%. */
    async function withVolFeed() {
      const f = await hedgeFixture();
      const feed = await hre.ethers.deployContract("MockV3Aggregator", [8, 80_000_000n]);
      await (
        await f.vault.setVolatility({
          feed: await feed.getAddress(),
          maxStalenessSeconds: 3600,
          sigmaWad: 0n,
          minSigmaWad: wad(0.05),
          maxSigmaWad: wad(3),
        })
      ).wait();
      return { ...f, feed };
    }

    it("hedges with σ from a fresh volatility feed", async () => {
      const f = await withVolFeed();
      expect((await f.vault.hedgeStatus()).sigmaWad).to.equal(wad(0.8));
      await (await f.vault.connect(f.stranger).rebalance()).wait();
    });

    it("refuses with VolatilityUnhealthy on a stale volatility feed", async () => {
      const f = await withVolFeed();
      await time.increase(3601);
      await advanceAndMove(f.market, f.arbitrageur, 0); // prices fresh, σ stale
      await expectRefused(f, Reason.VolatilityUnhealthy);
    });

    it("refuses with VolatilityUnhealthy when the feed reports σ outside its bounds (manipulated)", async () => {
      const f = await withVolFeed();
      for (const answer of [5_000_000_000n, 1_000_000n, 0n, -1n]) {
        await (await f.feed.updateAnswer(answer)).wait(); // 5,000%, 1%, zero, negative
        await expectRefused(f, Reason.VolatilityUnhealthy);
      }
    });

    it("refuses with OracleStale on a stale price feed", async () => {
      const f = await hedgeFixture();
      await time.increase(86_401);
      await expectRefused(f, Reason.OracleStale, 0);
    });

    it("refuses with PoolPriceDeviation when the pool is pushed 2% from the oracle", async () => {
      const f = await hedgeFixture();
      await swapPoolTo(f.market, "WETH", await sqrtPriceX96AtOracleMove(f.market, "WETH", 200), f.stranger);
      await expectRefused(f, Reason.PoolPriceDeviation, 1);
    });

    for (const [name, behaviour] of [
      ["reverts", 1],
      ["burns all the gas it is given", 2],
      ["returns more than 64 legs", 3],
      ["returns a malformed list", 4],
      ["tries to move the vault's funds and write state", 5],
    ] as const) {
      it(`refuses with BookUnreadable when an external book ${name}`, async () => {
        const f = await hedgeFixture();
        const hostile = await hre.ethers.deployContract("HostileOptionBook");
        const wethAddress = await f.market.tokens.WETH.getAddress();
        await (await hostile.set(behaviour, "0x", wethAddress, await f.vault.getAddress())).wait();
        await (await f.vault.setBook(await hostile.getAddress())).wait();
        await expectRefused(f, Reason.BookUnreadable);
        expect(await hostile.sideEffect()).to.equal(0n);
      });
    }

    it("reads an honest external book like its own", async () => {
      const f = await hedgeFixture();
      const hostile = await hre.ethers.deployContract("HostileOptionBook");
      await (
        await hostile.set(0, await f.book.packedLegs(), hre.ethers.ZeroAddress, hre.ethers.ZeroAddress)
      ).wait();
      await (await f.vault.setBook(await hostile.getAddress())).wait();
      const st = await f.vault.hedgeStatus();
      const ref = await referenceNow(f.book);
      expect(st.reason).to.equal(Reason.Due);
      expect(fromWad(st.bookDeltaWad).minus(ref.delta).abs().lte("1e-14")).to.be.true;
    });

    it("refuses with BookUnreadable when an external book lists a leg outside the Greeks' domain", async () => {
      const f = await hedgeFixture();
      const hostile = await hre.ethers.deployContract("HostileOptionBook");
      const now = BigInt(await time.latest());
      const legs: BookLeg[] = [
        {
          isCall: true,
          isLong: false,
          expiry: now + 11n * 365n * 86_400n,
          strikeWad: wad(3000),
          sizeWad: WAD,
          lnStrikeE36: 0n,
        },
      ];
      await (await hostile.set(0, packLegs(legs), hre.ethers.ZeroAddress, hre.ethers.ZeroAddress)).wait();
      await (await f.vault.setBook(await hostile.getAddress())).wait();
      await expectRefused(f, Reason.BookUnreadable);
      legs[0] = { ...legs[0], expiry: now + 86_400n, strikeWad: 1n };
      await (await hostile.set(0, packLegs(legs), hre.ethers.ZeroAddress, hre.ethers.ZeroAddress)).wait();
      await expectRefused(f, Reason.BookUnreadable);
    });

    it("gives the book manager no way to move funds or change the vault", async () => {
      const { vault, guardian: bookManager } = await hedgeFixture();
      await expect(
        vault.connect(bookManager).withdrawFunds(1, 1n, bookManager.address),
      ).to.be.revertedWithCustomError(vault, "OwnableUnauthorizedAccount");
      await expect(vault.connect(bookManager).setBook(bookManager.address)).to.be.revertedWithCustomError(
        vault,
        "OwnableUnauthorizedAccount",
      );
      await expect(vault.connect(bookManager).setTargetDelta(WAD)).to.be.revertedWithCustomError(
        vault,
        "OwnableUnauthorizedAccount",
      );
    });

    it("stops on pause, while the owner can still withdraw", async () => {
      const f = await hedgeFixture();
      await (await f.vault.connect(f.guardian).pause()).wait();
      await expectRefused(f, Reason.Paused);
      await expect(f.vault.withdrawFunds(1, WAD, f.admin.address))
        .to.emit(f.vault, "FundsWithdrawn")
        .withArgs(1, WAD, f.admin.address);
    });

    it("refuses settings outside their bounds and changes nothing", async () => {
      const { vault } = await hedgeFixture();
      const band = await vault.band();
      await expect(
        vault.setBand({
          policy: BandPolicy.WhalleyWilmott,
          relativeBps: band.relativeBps,
          costBps: 5_000,
          absoluteWad: band.absoluteWad,
          riskAversionWad: wad(0.001),
          minHalfWidthWad: band.minHalfWidthWad,
          maxHalfWidthWad: band.maxHalfWidthWad,
        }),
      )
        .to.be.revertedWithCustomError(vault, "OutOfBounds")
        .withArgs(encodeBytes32String("costBps"), 5_000n, 1n, 1_000n);
      await expect(vault.setRate(wad(2))).to.be.revertedWithCustomError(vault, "OutOfBounds");
      const vol = await vault.volatility();
      await expect(
        vault.setVolatility({
          feed: vol.feed,
          maxStalenessSeconds: vol.maxStalenessSeconds,
          sigmaWad: wad(5),
          minSigmaWad: vol.minSigmaWad,
          maxSigmaWad: vol.maxSigmaWad,
        }),
      ).to.be.revertedWithCustomError(vault, "OutOfBounds");
      expect(await vault.band()).to.deep.equal(band);
      expect(await vault.volatility()).to.deep.equal(vol);
    });
  });
});
