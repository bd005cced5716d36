import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { expect } from "chai";
import fc from "fast-check";
import { ethers } from "hardhat";

import {
  BATCH,
  type FullLegResult,
  type LegReport,
  GAMMA_RELATIVE_FLOOR,
  comparePrices,
  collectLegs,
  compareLegs,
} from "../../src/math/differential";
import {
  CORNER_LEGS,
  DOMAIN,
  LEG_GRID,
  NEAR_MONEY_GRID,
  domainGrid,
  legGrid,
  seededRandom,
  wad,
} from "../../src/math/grids";
import {
  D,
  type LegInput,
  SECONDS_PER_YEAR,
  WAD,
  blackScholes,
  fromWad,
  normPdf,
} from "../../src/math/reference";
import type { BlackScholesHarness } from "../../typechain-types";
import { sampleSize, thinned } from "../shared/coverage";

const RUNS = sampleSize(process.env.MATH_RUNS, 1_000, 100);
const E36 = new D("1e36");
// The library's domain (BlackScholesLib constants, restated in src/math/grids.ts so a change there
// fails a test).
const {
  minPriceWad: MIN_PRICE,
  maxPriceWad: MAX_PRICE,
  minSigmaWad: MIN_SIGMA,
  maxSigmaWad: MAX_SIGMA,
  maxTauSeconds: MAX_TAU,
  maxAbsRateWad: MAX_RATE,
} = DOMAIN;
// Legs of the random grid over the whole domain (src/math/grids.ts, domainGrid).
const DOMAIN_LEGS = sampleSize(process.env.DOMAIN_LEGS, 1_500, 150);

async function harnessesFixture() {
  const bs = await ethers.deployContract("BlackScholesHarness");
  const nd = await ethers.deployContract("NormalDistHarness");
  return { bs, nd };
}

function describeLeg(leg: LegInput | undefined): string {
  if (leg === undefined) return "-";
  return `S=${fromWad(leg.spotWad)} K=${fromWad(leg.strikeWad)} σ=${fromWad(leg.sigmaWad)} τ=${leg.tauSeconds}s r=${fromWad(leg.rateWad)}`;
}

/**
 * SPEC §8.4's delta and gamma bounds on one report: delta ≤ 1e-16, gamma ≤ 1e-12 relative where
 * φ(d1) ≥ 1e-6 and two wei of φ over S·σ√τ elsewhere; and most legs in the relative bucket, so the
 * sample is not all at the limits.
 */
function expectLegBounds(report: LegReport, legs: number) {
  expect(
    report.delta.error.lte("1e-16"),
    `delta ${report.delta.error.toExponential(3)} at ${describeLeg(report.delta.at)}`,
  ).to.be.true;
  expect(
    report.gammaRelative.error.lte("1e-12"),
    `gamma ${report.gammaRelative.error.toExponential(3)} at ${describeLeg(report.gammaRelative.at)}`,
  ).to.be.true;
  expect(
    report.gammaAbsolute.error.lte("3e-18"),
    `gamma abs ${report.gammaAbsolute.error.toExponential(3)} (× Sσ√τ) at ${describeLeg(report.gammaAbsolute.at)}`,
  ).to.be.true;
  expect(report.gammaRelativeLegs).to.be.greaterThan(legs / 3);
}

/**
 * SPEC §8.4's price and vega bounds, and d1's error weighted by φ(d1) (its contribution to delta: the
 * logarithms' 2.6e-25 over σ√τ, < 6e-19 on the whole domain, plus the WAD truncation of the output).
 */
async function expectPriceBounds(bs: BlackScholesHarness, legs: LegInput[]) {
  const results: FullLegResult[] = [];
  for (let i = 0; i < legs.length; i += BATCH.legs)
    results.push(...(await bs.evaluate(legs.slice(i, i + BATCH.legs))));
  const report = comparePrices(legs, results);
  expect(
    report.price.error.lte("1e-16"),
    `price ${report.price.error.toExponential(3)} at ${describeLeg(report.price.at)}`,
  ).to.be.true;
  expect(
    report.vega.error.lte("3e-18"),
    `vega ${report.vega.error.toExponential(3)} at ${describeLeg(report.vega.at)}`,
  ).to.be.true;
  expect(
    report.d1Weighted.error.lte("1e-17"),
    `d1 ${report.d1Weighted.error.toExponential(3)} at ${describeLeg(report.d1Weighted.at)}`,
  ).to.be.true;
}

/** A price in the domain, log-uniform over [1e-4, 1e12]. */
const priceArb = fc
  .tuple(fc.integer({ min: 14, max: 29 }), fc.bigInt({ min: 10n ** 17n, max: 10n ** 18n - 1n }))
  .map(([exponent, mantissa]) => (mantissa * 10n ** BigInt(exponent)) / 10n ** 17n);
const legArb = fc.record({
  spotWad: priceArb,
  // K/S in [0.1, 10] around the spot, so legs are neither all deep ITM nor all deep OTM.
  strikeRatio: fc.bigInt({ min: WAD / 10n, max: 10n * WAD }),
  sigmaWad: fc.bigInt({ min: MIN_SIGMA, max: 5n * WAD }),
  tauSeconds: fc.oneof(fc.constant(0n), fc.bigInt({ min: 1n, max: 2n * BigInt(SECONDS_PER_YEAR) })),
  rateWad: fc.bigInt({ min: -WAD / 5n, max: WAD / 5n }),
});
function toLeg(x: {
  spotWad: bigint;
  strikeRatio: bigint;
  sigmaWad: bigint;
  tauSeconds: bigint;
  rateWad: bigint;
}) {
  const strikeWad = (x.spotWad * x.strikeRatio) / WAD;
  const clamped = strikeWad < MIN_PRICE ? MIN_PRICE : strikeWad > MAX_PRICE ? MAX_PRICE : strikeWad;
  return {
    spotWad: x.spotWad,
    strikeWad: clamped,
    sigmaWad: x.sigmaWad,
    tauSeconds: x.tauSeconds,
    rateWad: x.rateWad,
  };
}

describe("BlackScholesLib", () => {
  describe("against the 50-digit reference", () => {
    for (const [name, grid, note] of [
      [
        "the issue's grid",
        LEG_GRID,
        "S ∈ [1, 1e5], K/S ∈ [0.3, 3], σ ∈ [5%, 300%], τ ∈ [1 h, 2 y], r ∈ [−10%, 20%]",
      ],
      ["the near-the-money stress grid", NEAR_MONEY_GRID, "|K/S − 1| ≤ 10%, τ ≤ 1 day, σ down to 5%"],
    ] as const) {
      it(`delta within 1e-16 and gamma within 1e-12 relative on ${name} (${note})`, async () => {
        const { bs } = await loadFixture(harnessesFixture);
        const legs = thinned(legGrid(grid), 8);
        const [report] = compareLegs(legs, [await collectLegs((part) => bs.deltaGammaBatch(part), legs)]);
        expectLegBounds(report, legs.length);
      });
    }

    describe("on the whole documented domain and the corners where WAD logarithms failed", () => {
      const legs = [...domainGrid(DOMAIN_LEGS), ...CORNER_LEGS.map((c) => c.leg)];

      for (const [path, call] of [
        ["per-leg deltaGamma(spot, expiry, strike)", "deltaGammaBatch"],
        ["one-shot deltaGamma(S, K, σ, τ, r)", "oneShotBatch"],
      ] as const) {
        it(`${path}: delta within 1e-16, gamma within 1e-12 relative (2 wei of φ elsewhere)`, async () => {
          const { bs } = await loadFixture(harnessesFixture);
          const [report] = compareLegs(legs, [await collectLegs((part) => bs[call](part), legs)]);
          expectLegBounds(report, legs.length);
        });
      }

      it("prices within (S + K·e^{−rτ})·1e-16 + 3 wei, vega within (1 + S√τ)·3e-18, d1 within 1e-17 / φ(d1)", async () => {
        const { bs } = await loadFixture(harnessesFixture);
        await expectPriceBounds(bs, legs);
      });

      for (const { name, leg } of CORNER_LEGS) {
        it(`corner: ${name}`, async () => {
          const { bs } = await loadFixture(harnessesFixture);
          const ref = blackScholes(leg);
          const [[perLeg], [oneShot], [full]] = await Promise.all([
            bs.deltaGammaBatch([leg]),
            bs.oneShotBatch([leg]),
            bs.evaluate([leg]),
          ]);
          for (const delta of [perLeg[0], oneShot[0]])
            expect(fromWad(delta).minus(ref.callDelta).abs().lte("1e-16"), `delta ${fromWad(delta)}`).to.be
              .true;
          const [prices] = [comparePrices([leg], [full])];
          expect(prices.price.error.lte("1e-16"), `price ${prices.price.error.toExponential(3)}`).to.be.true;
          expect(prices.vega.error.lte("3e-18"), `vega ${prices.vega.error.toExponential(3)}`).to.be.true;
        });
      }
    });

    it("lnRatioE36: within 2e-25 of ln(a/b) over the price domain, exactly antisymmetric, 0 at a = b", async () => {
      const { bs } = await loadFixture(harnessesFixture);
      const random = seededRandom(1_000_003);
      const price = () => {
        const exponent = 14 + random() * 16; // [1e14, 1e30] wei, log-uniform
        const x = BigInt(new D(10).pow(exponent).toFixed(0));
        return x < MIN_PRICE ? MIN_PRICE : x > MAX_PRICE ? MAX_PRICE : x;
      };
      const a: bigint[] = [];
      const b: bigint[] = [];
      for (let i = 0; i < thinned(Array.from({ length: 600 }), 6).length; i++) {
        const x = price();
        a.push(x);
        // Half independent, half within ±40% of a (where the series' argument is largest).
        b.push(i % 2 === 0 ? price() : (x * BigInt(Math.floor((0.6 + 0.8 * random()) * 1e9))) / 10n ** 9n);
      }
      // Domain ends, a power of two apart, and one wei apart at both ends of the domain.
      a.push(MIN_PRICE, MAX_PRICE, wad(2), MIN_PRICE + 1n, MAX_PRICE);
      b.push(MAX_PRICE, MIN_PRICE, wad(1), MIN_PRICE, MAX_PRICE - 1n);
      const [forward, backward] = await Promise.all([bs.lnRatioBatch(a, b), bs.lnRatioBatch(b, a)]);
      let worst = new D(0);
      a.forEach((x, i) => {
        const exact = new D(x.toString()).div(b[i].toString()).ln();
        const error = new D(forward[i].toString()).div(E36).minus(exact).abs();
        if (error.gt(worst)) worst = error;
        expect(backward[i], `ln(b/a) = −ln(a/b) at ${x}, ${b[i]}`).to.equal(-forward[i]);
      });
      expect(worst.lte("2e-25"), `ln error ${worst.toExponential(3)}`).to.be.true;
      const same = await bs.lnRatioBatch(
        [MIN_PRICE, wad(3000), MAX_PRICE],
        [MIN_PRICE, wad(3000), MAX_PRICE],
      );
      expect(same).to.deep.equal([0n, 0n, 0n]);
    });

    it("prices within (S + K·e^{−rτ})·1e-16 + 3 wei, vega within (1 + S√τ)·3e-18 and d1 consistent with delta", async () => {
      const { bs } = await loadFixture(harnessesFixture);
      const legs = thinned(
        [...legGrid(LEG_GRID).filter((_, i) => i % 11 === 0), ...legGrid(NEAR_MONEY_GRID)],
        4,
      );
      await expectPriceBounds(bs, legs);
    });
  });

  describe("at and past expiry (τ = 0)", () => {
    const expired = (spot: number, strike: number) => ({
      spotWad: wad(spot),
      strikeWad: wad(strike),
      sigmaWad: wad(0.8),
      tauSeconds: 0n,
      rateWad: wad(0.05),
    });

    it("gives intrinsic delta 1, ½, 0 and zero gamma and vega", async () => {
      const { bs } = await loadFixture(harnessesFixture);
      const [itm, atm, otm] = await bs.evaluate([
        expired(2000, 1500),
        expired(2000, 2000),
        expired(2000, 2500),
      ]);
      expect([itm.callDeltaWad, atm.callDeltaWad, otm.callDeltaWad]).to.deep.equal([WAD, WAD / 2n, 0n]);
      for (const r of [itm, atm, otm]) {
        expect(r.gammaE36).to.equal(0n);
        expect(r.vegaWad).to.equal(0n);
      }
      expect(await bs.putDeltaWad(itm.callDeltaWad)).to.equal(0n);
      expect(await bs.putDeltaWad(otm.callDeltaWad)).to.equal(-WAD);
    });

    it("gives intrinsic prices", async () => {
      const { bs } = await loadFixture(harnessesFixture);
      const [itm, otm] = await bs.evaluate([expired(2000, 1500), expired(2000, 2500)]);
      expect([itm.callWad, itm.putWad]).to.deep.equal([wad(500), 0n]);
      expect([otm.callWad, otm.putWad]).to.deep.equal([0n, wad(500)]);
    });

    it("distinguishes strikes one wei apart", async () => {
      const { bs } = await loadFixture(harnessesFixture);
      const [above, below] = await bs.evaluate([
        { ...expired(2000, 2000), strikeWad: wad(2000) - 1n },
        { ...expired(2000, 2000), strikeWad: wad(2000) + 1n },
      ]);
      expect(above.callDeltaWad).to.equal(WAD);
      expect(below.callDeltaWad).to.equal(0n);
    });

    it("reverts d1 with TimeToExpiryOutOfDomain(0)", async () => {
      const { bs } = await loadFixture(harnessesFixture);
      await expect(bs.d1Wad(expired(2000, 2000)))
        .to.be.revertedWithCustomError(bs, "TimeToExpiryOutOfDomain")
        .withArgs(0n);
    });

    it("converges to the intrinsic values as τ → 0 (one second before expiry)", async () => {
      const { bs } = await loadFixture(harnessesFixture);
      const legs = [1999.99, 2000, 2000.01, 1990, 2010].map((strike) => ({
        ...expired(2000, strike),
        tauSeconds: 1n,
      }));
      const results = await bs.evaluate(legs);
      legs.forEach((leg, i) => {
        const ref = blackScholes(leg);
        expect(fromWad(results[i].callDeltaWad).minus(ref.callDelta).abs().lte("1e-16"), describeLeg(leg)).to
          .be.true;
      });
      // A 0.5% ITM leg one second out: σ√τ = 1.4e-4, d1 ≈ 35, so delta is already exactly 1 and gamma 0.
      expect(results[3].callDeltaWad).to.equal(WAD);
      expect(results[3].gammaE36).to.equal(0n);
      expect(results[4].callDeltaWad).to.equal(0n);
    });
  });

  describe("extreme legs", () => {
    it("deep in and out of the money: delta exactly 1 and 0, gamma 0", async () => {
      const { bs } = await loadFixture(harnessesFixture);
      const leg = { spotWad: wad(2000), sigmaWad: wad(0.8), tauSeconds: 30n * 86_400n, rateWad: wad(0.05) };
      const [deepItm, deepOtm] = await bs.evaluate([
        { ...leg, strikeWad: wad(20) },
        { ...leg, strikeWad: wad(200_000) },
      ]);
      expect(deepItm.callDeltaWad).to.equal(WAD);
      expect(deepOtm.callDeltaWad).to.equal(0n);
      expect(deepItm.gammaE36).to.equal(0n);
      expect(deepOtm.gammaE36).to.equal(0n);
    });

    it("stays exact at the corners of the domain (largest gamma, largest d1 numerator)", async () => {
      const { bs } = await loadFixture(harnessesFixture);
      const corners: LegInput[] = [
        // Smallest S·σ√τ: the largest gamma the library can return (≈ 2.2e10 per unit price).
        { spotWad: MIN_PRICE, strikeWad: MIN_PRICE, sigmaWad: MIN_SIGMA, tauSeconds: 1n, rateWad: 0n },
        {
          spotWad: MIN_PRICE,
          strikeWad: MIN_PRICE + 1n,
          sigmaWad: MIN_SIGMA,
          tauSeconds: 1n,
          rateWad: -MAX_RATE,
        },
        // Largest drift and σ√τ.
        {
          spotWad: MAX_PRICE,
          strikeWad: MAX_PRICE,
          sigmaWad: MAX_SIGMA,
          tauSeconds: MAX_TAU,
          rateWad: MAX_RATE,
        },
        {
          spotWad: MAX_PRICE,
          strikeWad: MIN_PRICE,
          sigmaWad: MAX_SIGMA,
          tauSeconds: MAX_TAU,
          rateWad: MAX_RATE,
        },
        {
          spotWad: MIN_PRICE,
          strikeWad: MAX_PRICE,
          sigmaWad: MAX_SIGMA,
          tauSeconds: MAX_TAU,
          rateWad: -MAX_RATE,
        },
      ];
      const [deltas, gammas] = await bs.deltaGammaBatch(corners);
      corners.forEach((leg, i) => {
        const ref = blackScholes(leg);
        expect(fromWad(deltas[i]).minus(ref.callDelta).abs().lte("1e-16"), describeLeg(leg)).to.be.true;
        const gamma = new D(gammas[i].toString()).div(E36);
        if (normPdf(ref.d1).gte(GAMMA_RELATIVE_FLOOR)) {
          expect(gamma.minus(ref.gamma).abs().div(ref.gamma).lte("1e-12"), describeLeg(leg)).to.be.true;
        } else {
          expect(gamma.minus(ref.gamma).abs().lte("1e-30"), describeLeg(leg)).to.be.true;
        }
      });
      expect(gammas[0]).to.be.greaterThan(10n ** 46n);
    });
  });

  describe("domain", () => {
    const good = {
      spotWad: wad(2000),
      strikeWad: wad(2100),
      sigmaWad: wad(0.8),
      tauSeconds: 86_400n,
      rateWad: wad(0.05),
    };
    const cases: [string, Partial<LegInput>, string, bigint][] = [
      ["spot below the minimum", { spotWad: MIN_PRICE - 1n }, "SpotOutOfDomain", MIN_PRICE - 1n],
      ["spot above the maximum", { spotWad: MAX_PRICE + 1n }, "SpotOutOfDomain", MAX_PRICE + 1n],
      ["zero spot", { spotWad: 0n }, "SpotOutOfDomain", 0n],
      ["strike below the minimum", { strikeWad: MIN_PRICE - 1n }, "StrikeOutOfDomain", MIN_PRICE - 1n],
      ["strike above the maximum", { strikeWad: MAX_PRICE + 1n }, "StrikeOutOfDomain", MAX_PRICE + 1n],
      ["volatility below the minimum", { sigmaWad: MIN_SIGMA - 1n }, "VolatilityOutOfDomain", MIN_SIGMA - 1n],
      ["volatility above the maximum", { sigmaWad: MAX_SIGMA + 1n }, "VolatilityOutOfDomain", MAX_SIGMA + 1n],
      [
        "time to expiry above the maximum",
        { tauSeconds: MAX_TAU + 1n },
        "TimeToExpiryOutOfDomain",
        MAX_TAU + 1n,
      ],
      ["rate above the maximum", { rateWad: MAX_RATE + 1n }, "RateOutOfDomain", MAX_RATE + 1n],
      ["rate below the minimum", { rateWad: -MAX_RATE - 1n }, "RateOutOfDomain", -MAX_RATE - 1n],
    ];
    for (const [what, change, error, value] of cases) {
      it(`reverts with ${error} for ${what}`, async () => {
        const { bs } = await loadFixture(harnessesFixture);
        await expect(bs.deltaGamma({ ...good, ...change }))
          .to.be.revertedWithCustomError(bs, error)
          .withArgs(value);
      });
    }

    it("the per-book preparers refuse out-of-domain inputs with the same errors", async () => {
      const { bs } = await loadFixture(harnessesFixture);
      for (const bad of [MIN_PRICE - 1n, MAX_PRICE + 1n, 0n]) {
        await expect(bs.spot(bad)).to.be.revertedWithCustomError(bs, "SpotOutOfDomain").withArgs(bad);
        await expect(bs.strike(bad)).to.be.revertedWithCustomError(bs, "StrikeOutOfDomain").withArgs(bad);
      }
      const e = (change: Partial<LegInput>) => {
        const x = { ...good, ...change };
        return bs.expiry(x.spotWad, x.sigmaWad, x.tauSeconds, x.rateWad);
      };
      await expect(e({ sigmaWad: MAX_SIGMA + 1n }))
        .to.be.revertedWithCustomError(bs, "VolatilityOutOfDomain")
        .withArgs(MAX_SIGMA + 1n);
      await expect(e({ tauSeconds: MAX_TAU + 1n }))
        .to.be.revertedWithCustomError(bs, "TimeToExpiryOutOfDomain")
        .withArgs(MAX_TAU + 1n);
      await expect(e({ rateWad: -MAX_RATE - 1n }))
        .to.be.revertedWithCustomError(bs, "RateOutOfDomain")
        .withArgs(-MAX_RATE - 1n);
      // In order: σ is named before τ and r when all three are out.
      await expect(e({ sigmaWad: 0n, tauSeconds: MAX_TAU + 1n, rateWad: MAX_RATE + 1n }))
        .to.be.revertedWithCustomError(bs, "VolatilityOutOfDomain")
        .withArgs(0n);
    });

    it("the one-shot gives the intrinsic delta 1, ½, 0 and zero gamma at expiry", async () => {
      const { bs } = await loadFixture(harnessesFixture);
      const at = (strikeWad: bigint) => bs.deltaGamma({ ...good, tauSeconds: 0n, strikeWad });
      expect(await at(good.spotWad - 1n)).to.deep.equal([WAD, 0n]);
      expect(await at(good.spotWad)).to.deep.equal([WAD / 2n, 0n]);
      expect(await at(good.spotWad + 1n)).to.deep.equal([0n, 0n]);
    });

    it("accepts both ends of every range", async () => {
      const { bs } = await loadFixture(harnessesFixture);
      const ends: Partial<LegInput>[] = [
        { spotWad: MIN_PRICE },
        { spotWad: MAX_PRICE },
        { strikeWad: MIN_PRICE },
        { strikeWad: MAX_PRICE },
        { sigmaWad: MIN_SIGMA },
        { sigmaWad: MAX_SIGMA },
        { tauSeconds: 0n },
        { tauSeconds: MAX_TAU },
        { rateWad: MAX_RATE },
        { rateWad: -MAX_RATE },
      ];
      for (const end of ends) {
        const [delta] = await bs.deltaGamma({ ...good, ...end });
        const ref = blackScholes({ ...good, ...end });
        expect(
          fromWad(delta).minus(ref.callDelta).abs().lte("1e-16"),
          JSON.stringify(end, (_, v) => `${v}`),
        ).to.be.true;
      }
    });
  });

  describe("properties", () => {
    it("call delta minus put delta is 1: N(d1) + N(−d1) through the CDF's own path, within 2 wei", async () => {
      const { bs, nd } = await loadFixture(harnessesFixture);
      await fc.assert(
        fc.asyncProperty(
          legArb.filter((x) => x.tauSeconds > 0n),
          async (x) => {
            const leg = toLeg(x);
            const [[callDelta], d1] = await Promise.all([bs.deltaGamma(leg), bs.d1Wad(leg)]);
            const putDelta = -(await nd.cdf(-d1));
            expect(callDelta - putDelta).to.be.within(WAD - 2n, WAD + 2n);
          },
        ),
        { numRuns: RUNS },
      );
    });

    it("gamma is never negative, and is zero exactly when the leg is expired or |d1| ≥ 9", async () => {
      const { bs } = await loadFixture(harnessesFixture);
      await fc.assert(
        fc.asyncProperty(legArb, async (x) => {
          const leg = toLeg(x);
          const [, gamma] = await bs.deltaGamma(leg);
          expect(gamma >= 0n).to.be.true;
          if (leg.tauSeconds === 0n) {
            expect(gamma).to.equal(0n);
            return;
          }
          const d1 = await bs.d1Wad(leg);
          const abs = d1 < 0n ? -d1 : d1;
          if (abs > 9n * WAD + 10n ** 9n) expect(gamma).to.equal(0n);
          if (abs < 9n * WAD - 10n ** 9n) expect(gamma > 0n).to.be.true;
        }),
        { numRuns: RUNS },
      );
    });

    it("call delta is monotone non-decreasing in spot", async () => {
      const { bs } = await loadFixture(harnessesFixture);
      await fc.assert(
        fc.asyncProperty(legArb, fc.bigInt({ min: 1n, max: WAD }), async (x, bumpFraction) => {
          const leg = toLeg(x);
          const higher = leg.spotWad + (leg.spotWad * bumpFraction) / (10n * WAD) + 1n;
          fc.pre(higher <= MAX_PRICE);
          const [[low], [high]] = await Promise.all([
            bs.deltaGamma(leg),
            bs.deltaGamma({ ...leg, spotWad: higher }),
          ]);
          expect(high).to.be.gte(low);
        }),
        { numRuns: RUNS },
      );
    });
  });
});
