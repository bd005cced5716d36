import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { expect } from "chai";
import fc from "fast-check";
import { ethers } from "hardhat";

import { type BookLeg, packLegs } from "../../src/hedge/book";
import { wad } from "../../src/math/grids";
import { bookReference, whalleyWilmott } from "../../src/math/hedgeReference";
import { D, WAD, blackScholes, fromWad } from "../../src/math/reference";

const DAY = 86_400n;
const NOW = 1_700_000_000n;
const E36 = new D("1e36");
const BandPolicy = { Absolute: 0, RelativeToGross: 1, WhalleyWilmott: 2 } as const;

async function fixture() {
  const hedge = await ethers.deployContract("HedgeMathHarness");
  const bs = await ethers.deployContract("BlackScholesHarness");
  return { hedge, bs };
}

type Harness = Awaited<ReturnType<typeof fixture>>;

async function leg(
  bs: Harness["bs"],
  isCall: boolean,
  isLong: boolean,
  strike: number | bigint,
  size: number,
  expiry: bigint,
): Promise<BookLeg> {
  const strikeWad = typeof strike === "bigint" ? strike : wad(strike);
  return {
    isCall,
    isLong,
    expiry,
    strikeWad,
    sizeWad: wad(size),
    lnStrikeE36: (await bs.strike(strikeWad)).lnStrikeE36,
  };
}

describe("BookGreeksLib", () => {
  it("matches the 50-digit reference on random books (delta ≤ 1e-16 per unit of gross size, gamma ≤ 1e-12)", async () => {
    const { hedge, bs } = await loadFixture(fixture);
    const legArb = fc.record({
      isCall: fc.boolean(),
      isLong: fc.boolean(),
      moneyness: fc.double({ min: 0.5, max: 2, noNaN: true }),
      size: fc.double({ min: 0.01, max: 500, noNaN: true }),
      expiryDays: fc.constantFrom(1n, 7n, 30n, 90n, 365n),
    });
    await fc.assert(
      fc.asyncProperty(
        fc.array(legArb, { minLength: 1, maxLength: 12 }),
        fc.double({ min: 100, max: 5000, noNaN: true }),
        fc.double({ min: 0.1, max: 2, noNaN: true }),
        fc.double({ min: -0.05, max: 0.1, noNaN: true }),
        async (raw, spot, sigma, rate) => {
          const spotWad = wad(spot.toFixed(6));
          const sorted = [...raw].sort((a, b) => Number(a.expiryDays - b.expiryDays));
          const legs = await Promise.all(
            sorted.map((l) =>
              leg(
                bs,
                l.isCall,
                l.isLong,
                wad((spot * l.moneyness).toFixed(6)),
                Number(l.size.toFixed(6)),
                NOW + l.expiryDays * DAY,
              ),
            ),
          );
          const g = await hedge.aggregate(
            packLegs(legs),
            spotWad,
            wad(sigma.toFixed(6)),
            wad(rate.toFixed(6)),
            NOW,
            1,
          );
          const ref = bookReference(legs, spotWad, wad(sigma.toFixed(6)), wad(rate.toFixed(6)), NOW);
          const gross = ref.grossSize;
          expect(fromWad(g.grossSizeWad).eq(gross)).to.be.true;
          expect(g.liveLegs).to.equal(BigInt(legs.length));
          // Each leg adds ≤ 1e-16 of delta per unit of size and ≤ 2 wei of truncation.
          const deltaError = fromWad(g.deltaWad).minus(ref.delta).abs();
          expect(
            deltaError.lte(gross.times("1e-16").plus(new D(2 * legs.length).div(1e18))),
            deltaError.toString(),
          ).to.be.true;
          // Gamma: 1e-12 relative to Σ|size·Γ| (the sum can cancel) plus the library's absolute floor.
          const gammaError = new D(g.gammaE36.toString()).div(E36).minus(ref.gamma).abs();
          const gammaBound = ref.absGamma.times("1e-12").plus(ref.gammaFloor);
          expect(gammaError.lte(gammaBound), `${gammaError} > ${gammaBound}`).to.be.true;
          // The discount is weighted by each leg's gamma, so it inherits gamma's error: 1e-12 relative,
          // plus the floor's share of the weights (Σ floor / Σ|sizeΓ|) times the spread of the legs'
          // e^{−rτ} (< 0.25 for |r| ≤ 10%, τ ≤ 1 y). A book whose legs all sit at |d1| ≥ 9 has exactly
          // zero gamma on-chain; the library then reports 1, which that bound also covers.
          if (ref.absGamma.gt(0)) {
            const discountError = fromWad(g.discountWad).minus(ref.discount).abs();
            const discountBound = new D("1e-12").plus(ref.gammaFloor.div(ref.absGamma).times("0.25"));
            expect(discountError.lte(discountBound), `discount error ${discountError} > ${discountBound}`).to
              .be.true;
          }
        },
      ),
      { numRuns: 60 },
    );
  });

  it("refuses a book out of expiry order: the live legs must be a suffix", async () => {
    const { hedge, bs } = await loadFixture(fixture);
    const near = await leg(bs, true, false, 3000, 10, NOW + 10n * DAY);
    const far = await leg(bs, true, false, 3000, 10, NOW + 30n * DAY);
    const expired = await leg(bs, true, false, 2000, 10, NOW);
    const args = [wad(3000), wad(0.8), wad(0.04), NOW, 1] as const;
    await hedge.aggregate(packLegs([expired, near, far]), ...args); // in order
    await expect(hedge.aggregate(packLegs([far, near]), ...args)).to.be.revertedWithCustomError(
      hedge,
      "InvalidBook",
    );
    await expect(hedge.aggregate(packLegs([near, expired]), ...args)).to.be.revertedWithCustomError(
      hedge,
      "InvalidBook",
    );
  });

  it("refuses a book with a live strike outside [1e-4, 1e12], and values one at either end", async () => {
    const { hedge, bs } = await loadFixture(fixture);
    const args = [wad(3000), wad(0.8), wad(0.04), NOW, 1] as const;
    const [min, max] = [10n ** 14n, 10n ** 30n];
    const ends = [
      await leg(bs, true, false, min, 1, NOW + DAY),
      await leg(bs, false, true, max, 1, NOW + DAY),
    ];
    const g = await hedge.aggregate(packLegs(ends), ...args);
    expect(g.liveLegs).to.equal(2n);
    // The put struck at 1e12 is deep in the money: delta −1 per unit; the call at 1e-4 delta −1 (short).
    expect(g.deltaWad).to.equal(-2n * WAD);
    for (const strikeWad of [min - 1n, max + 1n, 0n, (1n << 128n) - 1n]) {
      const bad = { ...ends[0], strikeWad, lnStrikeE36: 0n };
      await expect(
        hedge.aggregate(packLegs([ends[0], bad]), ...args),
        `strike ${strikeWad}`,
      ).to.be.revertedWithCustomError(hedge, "InvalidBook");
    }
    // An expired leg is not valued, whatever its strike.
    const expiredBad = { ...ends[0], expiry: NOW, strikeWad: 0n, lnStrikeE36: 0n };
    expect((await hedge.aggregate(packLegs([expiredBad, ends[1]]), ...args)).liveLegs).to.equal(1n);
  });

  it("keeps gamma exact where one leg's size·Γ passes 2^128 (a large leg at a small spot: the 512-bit paths)", async () => {
    const { hedge, bs } = await loadFixture(fixture);
    // S = K = 0.01, σ = 100 %, τ = 1 day: Γ ≈ 0.4 / (S·σ√τ) ≈ 760 per unit, 7.6e38 at 1e-36 (> 2^128);
    // a million units makes the expiry's Σ|size·Γ| ≈ 7.6e44 (> 2^128) too, for the discount weight.
    const [spotWad, sigmaWad, rateWad] = [wad(0.01), wad(1), wad(0.05)];
    const legs = [
      await leg(bs, true, false, spotWad, 1_000_000, NOW + DAY),
      await leg(bs, false, true, wad(0.011), 250_000, NOW + DAY),
    ];
    const g = await hedge.aggregate(packLegs(legs), spotWad, sigmaWad, rateWad, NOW, 1);
    const ref = bookReference(legs, spotWad, sigmaWad, rateWad, NOW);
    // The case must reach both paths: one unit's Γ·1e36 and the expiry's Σ|size·Γ|·1e36 past 2^128.
    const unitGamma = blackScholes({ spotWad, strikeWad: spotWad, sigmaWad, tauSeconds: DAY, rateWad }).gamma;
    expect(unitGamma.times(E36).gt(new D(2).pow(128))).to.be.true;
    expect(ref.absGamma.times(E36).gt(new D(2).pow(128).times(1e6))).to.be.true;
    const gammaError = new D(g.gammaE36.toString()).div(E36).minus(ref.gamma).abs();
    expect(gammaError.lte(ref.absGamma.times("1e-12").plus(ref.gammaFloor)), gammaError.toString()).to.be
      .true;
    const deltaError = fromWad(g.deltaWad).minus(ref.delta).abs();
    expect(deltaError.lte(ref.grossSize.times("1e-16").plus("4e-18")), deltaError.toString()).to.be.true;
    const discountError = fromWad(g.discountWad).minus(ref.discount).abs();
    expect(discountError.lte("1e-12"), discountError.toString()).to.be.true;
  });

  it("fades a leg inside the unwind window by τ / window: its delta, gamma and gross size", async () => {
    const { hedge, bs } = await loadFixture(fixture);
    const window = 86_400n;
    for (const left of [window * 2n, window, window / 2n, window / 10n]) {
      const l = await leg(bs, true, false, 3000, 10, NOW + left);
      const full = await hedge.aggregate(packLegs([l]), wad(3000), wad(0.8), wad(0.04), NOW, 1);
      const faded = await hedge.aggregate(packLegs([l]), wad(3000), wad(0.8), wad(0.04), NOW, window);
      const scale = (x: bigint) => (left >= window ? x : (x * left) / window);
      expect(faded.grossSizeWad).to.equal(scale(full.grossSizeWad));
      // the size is scaled before the products, so each truncates once: within a few wei
      const near = (a: bigint, b: bigint) => expect(a - b < 0n ? b - a : a - b).to.be.lte(10n ** 6n);
      near(faded.deltaWad, scale(full.deltaWad));
      near(faded.gammaE36, scale(full.gammaE36));
    }
  });

  it("ignores legs at or past expiry and treats an empty book as flat", async () => {
    const { hedge, bs } = await loadFixture(fixture);
    const live = await leg(bs, true, false, 3000, 10, NOW + 30n * DAY);
    const expired = await leg(bs, true, false, 2000, 10, NOW);
    const withExpired = await hedge.aggregate(
      packLegs([expired, live]),
      wad(3000),
      wad(0.8),
      wad(0.04),
      NOW,
      1,
    );
    const liveOnly = await hedge.aggregate(packLegs([live]), wad(3000), wad(0.8), wad(0.04), NOW, 1);
    expect(withExpired).to.deep.equal(liveOnly);
    expect(withExpired.liveLegs).to.equal(1n);
    const empty = await hedge.aggregate("0x", wad(3000), wad(0.8), wad(0.04), NOW, 1);
    expect([empty.deltaWad, empty.gammaE36, empty.grossSizeWad, empty.discountWad]).to.deep.equal([
      0n,
      0n,
      0n,
      WAD,
    ]);
  });

  it("gives a short call negative delta and gamma, a long put negative delta and positive gamma", async () => {
    const { hedge, bs } = await loadFixture(fixture);
    const shortCall = await hedge.aggregate(
      packLegs([await leg(bs, true, false, 3000, 1, NOW + 30n * DAY)]),
      wad(3000),
      wad(0.8),
      0n,
      NOW,
      1,
    );
    expect(shortCall.deltaWad < 0n && shortCall.gammaE36 < 0n).to.be.true;
    const longPut = await hedge.aggregate(
      packLegs([await leg(bs, false, true, 3000, 1, NOW + 30n * DAY)]),
      wad(3000),
      wad(0.8),
      0n,
      NOW,
      1,
    );
    expect(longPut.deltaWad < 0n && longPut.gammaE36 > 0n).to.be.true;
    // Put-call parity in delta: long call + short put of one strike has delta exactly 1 per unit.
    const synthetic = await hedge.aggregate(
      packLegs([
        await leg(bs, true, true, 3000, 1, NOW + 30n * DAY),
        await leg(bs, false, false, 3000, 1, NOW + 30n * DAY),
      ]),
      wad(3000),
      wad(0.8),
      0n,
      NOW,
      1,
    );
    expect(synthetic.deltaWad).to.be.within(WAD - 2n, WAD + 2n);
    expect(synthetic.gammaE36).to.equal(0n);
  });
});

describe("HedgeBandLib", () => {
  it("Whalley–Wilmott matches the 50-digit reference to 1e-12 relative over a grid", async () => {
    const { hedge } = await loadFixture(fixture);
    let worst = new D(0);
    for (const gamma of ["1e-6", "3e-4", "0.01", "2.5", "400"]) {
      for (const spot of [1, 3000, 100_000]) {
        for (const discount of ["1", "0.95"]) {
          for (const costBps of [1, 30, 500]) {
            for (const riskAversion of ["1e-6", "0.01", "1"]) {
              const gammaE36 = BigInt(new D(gamma).times(E36).toFixed(0));
              const h = await hedge.whalleyWilmottWad(
                gammaE36,
                wad(spot),
                wad(discount),
                costBps,
                wad(riskAversion),
              );
              const ref = whalleyWilmott(
                new D(gamma),
                new D(spot),
                new D(discount),
                costBps,
                new D(riskAversion),
              );
              if (ref.lt("1e-6") || ref.gt("1e25")) continue;
              worst = D.max(worst, fromWad(h).minus(ref).abs().div(ref));
            }
          }
        }
      }
    }
    expect(worst.lte("1e-12"), worst.toExponential(3)).to.be.true;
  });

  it("is zero without gamma or cost, symmetric in the sign of gamma, and saturates instead of overflowing", async () => {
    const { hedge } = await loadFixture(fixture);
    expect(await hedge.whalleyWilmottWad(0n, wad(3000), WAD, 30, WAD)).to.equal(0n);
    expect(await hedge.whalleyWilmottWad(10n ** 36n, wad(3000), WAD, 0, WAD)).to.equal(0n);
    const g = 5n * 10n ** 33n;
    expect(await hedge.whalleyWilmottWad(-g, wad(3000), WAD, 30, WAD)).to.equal(
      await hedge.whalleyWilmottWad(g, wad(3000), WAD, 30, WAD),
    );
    expect(await hedge.whalleyWilmottWad(10n ** 70n, 10n ** 30n, WAD, 10_000, 1n)).to.equal(2n ** 128n - 1n);
  });

  it("sizes each policy and clamps it to [min, max]", async () => {
    const { hedge } = await loadFixture(fixture);
    const greeks = {
      deltaWad: 0n,
      gammaE36: 2n * 10n ** 33n,
      grossSizeWad: wad(100),
      discountWad: WAD,
      liveLegs: 1n,
    };
    const base = {
      policy: BandPolicy.Absolute,
      relativeBps: 500,
      costBps: 30,
      absoluteWad: wad(2),
      riskAversionWad: wad(0.00001),
      minHalfWidthWad: wad(0.5),
      maxHalfWidthWad: wad(50),
    };
    expect(await hedge.halfWidthWad(base, greeks, wad(3000))).to.equal(wad(2));
    expect(
      await hedge.halfWidthWad({ ...base, policy: BandPolicy.RelativeToGross }, greeks, wad(3000)),
    ).to.equal(wad(5));
    const ww = await hedge.halfWidthWad({ ...base, policy: BandPolicy.WhalleyWilmott }, greeks, wad(3000));
    const ref = whalleyWilmott(new D("0.002"), new D(3000), new D(1), 30, new D("0.00001"));
    expect(fromWad(ww).minus(ref).abs().div(ref).lte("1e-12")).to.be.true;
    expect(await hedge.halfWidthWad({ ...base, absoluteWad: wad(0.1) }, greeks, wad(3000))).to.equal(
      wad(0.5),
    );
    expect(await hedge.halfWidthWad({ ...base, absoluteWad: wad(80) }, greeks, wad(3000))).to.equal(wad(50));
  });
});
