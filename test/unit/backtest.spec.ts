import { expect } from "chai";

import { Mode, Policy } from "../../src/vault/enums";
import { BandPolicy } from "../../src/vault/deltaHedge";
import { DEFAULT_POLICIES, hedgePolicy, parsePolicies, weightPolicy } from "../../src/backtest/policies";
import { buyAsset, liquidityFor, sellAsset } from "../../src/backtest/pool";
import { type PolicyResult, callPrice, compare, ewmaVolatility } from "../../src/backtest/simulate";
import { beats } from "../../src/backtest/report";
import { bookGreeks, normCdf } from "../../src/backtest/hedgeModel";
import { DEFAULT_OPTIONS, prepareMarket } from "../../src/backtest/run";
import { blackScholesPrices, normCdf as referenceCdf } from "../../src/math/reference";
import { WAD } from "../../src/math/units";

describe("backtest pieces", () => {
  describe("Uniswap V3 swap within one range", () => {
    it("keeps the virtual reserves on the curve x·y = L² after the fee, as SqrtPriceMath does", () => {
      const price = 2500;
      const L = liquidityFor(10_000_000, price);
      // Virtual reserves worth the depth: x = L/√P asset, y = L·√P quote.
      expect((L / Math.sqrt(price)) * price + L * Math.sqrt(price)).to.be.closeTo(10_000_000, 1e-6);
      const sell = sellAsset(100, price, L, 3000);
      const x = L / Math.sqrt(price) + 100 * (1 - 0.003);
      const y = L * Math.sqrt(price) - sell.amountOut;
      expect((x * y) / (L * L)).to.be.closeTo(1, 1e-12);
      expect(sell.fee).to.equal(0.3);
      const buy = buyAsset(250_000, price, L, 500);
      const y2 = L * Math.sqrt(price) + 250_000 * (1 - 0.0005);
      const x2 = L / Math.sqrt(price) - buy.amountOut;
      expect((x2 * y2) / (L * L)).to.be.closeTo(1, 1e-12);
    });

    it("a small trade fills at the price less the fee; a large one loses ≈ value²/depth to impact", () => {
      const L = liquidityFor(200_000_000, 3000);
      expect(sellAsset(0.001, 3000, L, 500).amountOut / 0.001).to.be.closeTo(3000 * 0.9995, 1e-3);
      // Selling $1M into $200M of virtual reserves ($100M of the asset): x/x₀ = 1 %, so the fill is
      // 1/(1 + x/x₀) of the oracle value — a trade of value q loses ≈ 2q/depth.
      const q = sellAsset(1_000_000 / 3000, 3000, L, 0);
      expect(1 - q.amountOut / 1_000_000).to.be.closeTo(1 - 1 / 1.01, 1e-12);
    });
  });

  describe("policies", () => {
    it("turns each spec into the vault settings that implement it", () => {
      expect(weightPolicy("time:7d").settings).to.deep.equal({
        policy: Policy.Time,
        mode: Mode.ToTarget,
        intervalSeconds: 604_800,
      });
      const edge = weightPolicy("abs:300:edge");
      expect(edge.settings).to.deep.equal({ policy: Policy.Threshold, mode: Mode.ToBandEdge });
      expect(edge.absBandBps).to.equal(300);
      expect(weightPolicy("rel:2000").relBandBps).to.equal(2000);
      const hybrid = weightPolicy("hybrid:500:30d");
      expect([hybrid.settings.policy, hybrid.settings.intervalSeconds, hybrid.absBandBps]).to.deep.equal([
        Policy.Hybrid,
        2_592_000,
        500,
      ]);
      const vol = weightPolicy("vol:500:200:1000");
      expect(vol.absBandBps).to.equal(200); // the vault's own band is the scaled band's floor
      expect(vol.volBand).to.deep.equal({ bps: 500, minBps: 200, maxBps: 1000 });
      expect(weightPolicy("hold").base).to.equal(true);
      const ww = hedgePolicy("ww:10:0.0005");
      expect([ww.band.policy, ww.band.costBps, ww.band.riskAversionWad]).to.deep.equal([
        BandPolicy.WhalleyWilmott,
        10,
        5n * 10n ** 14n,
      ]);
      expect(hedgePolicy("ww-vol:10:0.0005").volFeed).to.equal(true);
      expect(hedgePolicy("abs:2.5").band.absoluteWad).to.equal(25n * 10n ** 17n);
      expect(hedgePolicy("rel:500").band).to.include({
        policy: BandPolicy.RelativeToGross,
        relativeBps: 500,
      });
    });

    it("the defaults parse, at least five policies besides the base per vault type", () => {
      for (const kind of ["target-weight", "delta-hedge"] as const) {
        const list = DEFAULT_POLICIES[kind].join(",");
        const parsed = kind === "target-weight" ? parsePolicies(kind, list) : parsePolicies(kind, list);
        expect(parsed.filter((p) => !p.base).length).to.be.at.least(5);
        expect(parsed.filter((p) => p.base)).to.have.length(1);
      }
    });

    it("refuses malformed specs with the forms it takes", () => {
      expect(() => weightPolicy("abs:0")).to.throw(/'0' must be a whole number from 10 to 5000/);
      expect(() => weightPolicy("time:90s")).to.throw(/is not an interval like 4h, 1d or 1w/);
      expect(() => weightPolicy("vol:500:600:1000")).to.throw(/needs min ≤ bps ≤ max/);
      expect(() => weightPolicy("time:1d:edge")).to.throw(/only abs and rel take :edge/);
      expect(() => hedgePolicy("hold")).to.throw(/unknown delta-hedge policy 'hold'.*use one of unhedged/);
      expect(() => parsePolicies("target-weight", " , ")).to.throw(/no target-weight policy given/);
    });
  });

  describe("measures", () => {
    it("the EWMA volatility of a constant hourly log return r is |r|·√(hours a year) once warmed up", () => {
      const times = Array.from({ length: 5000 }, (_, i) => i * 3600);
      const prices = times.map((_, i) => 100 * Math.exp(0.002 * i));
      const vol = ewmaVolatility(times, prices, 0.94, 0.5);
      expect(vol[0]).to.equal(0.5);
      expect(vol[4999]).to.be.closeTo(0.002 * Math.sqrt(8760), 1e-5); // the start's weight left: 0.94^(5000/24) ≈ 3e-6
    });

    it("frontier and beats: a policy both cheaper and tighter than another dominates it", () => {
      const r = (spec: string, cost: number, te: number, base = false): PolicyResult =>
        ({
          kind: "target-weight",
          spec,
          label: spec,
          base,
          costBpsPerYear: cost,
          trackingRms: te,
          finalValue: 100,
        }) as PolicyResult;
      const results = [
        r("hold", 0, 0.2, true),
        r("a", 5, 0.02),
        r("b", 6, 0.03),
        r("c", 10, 0.01),
        r("d", 5, 0.02),
      ];
      const { frontier } = compare(results);
      expect([...frontier].sort()).to.deep.equal([
        "target-weight/a",
        "target-weight/c",
        "target-weight/d",
        "target-weight/hold",
      ]);
      expect(beats(results[1], results)).to.equal(1); // b only; d ties, the base is not counted
      expect(beats(results[2], results)).to.equal(0);
    });

    it("the hedge's Greeks: Φ to 1e-15 of the 50-digit reference, call delta, the fade and the premium", () => {
      for (const x of [-8, -3.3, -1, -0.2, 0, 0.7, 2.5, 6])
        expect(Math.abs(normCdf(x) - referenceCdf(x).toNumber())).to.be.below(1e-15);
      const now = 0;
      const expiry = 30 * 86400;
      const g = bookGreeks(
        [{ isCall: true, isLong: false, expiry, strike: 2000, size: 100 }],
        2000,
        0.65,
        0.04,
        now,
        86400,
      );
      const tau = expiry / 31_536_000;
      const d1 = ((0.04 + 0.65 ** 2 / 2) * tau) / (0.65 * Math.sqrt(tau));
      expect(Number(g.deltaWad) / 1e18).to.be.closeTo(-100 * referenceCdf(d1).toNumber(), 1e-9);
      // The expiring leg fades: 12 h before expiry, with a one-day window, half its size counts.
      const fading = bookGreeks(
        [{ isCall: true, isLong: true, expiry, strike: 1, size: 10 }],
        2000,
        0.65,
        0,
        expiry - 43200,
        86400,
      );
      expect(Number(fading.deltaWad) / 1e18).to.be.closeTo(5, 1e-9);
      const reference = blackScholesPrices({
        spotWad: 2000n * WAD,
        strikeWad: 2000n * WAD,
        sigmaWad: (65n * WAD) / 100n,
        tauSeconds: BigInt(expiry),
        rateWad: (4n * WAD) / 100n,
      }).call.toNumber();
      expect(callPrice(2000, 2000, 0.65, 0.04, tau)).to.be.closeTo(reference, 1e-9);
    });
  });

  describe("the window", () => {
    it("keeps one row per step from --from to --to, and ETH's column prices the gas", () => {
      const times = Array.from({ length: 48 }, (_, i) => 1_704_067_200 + i * 3600);
      const series = {
        source: "t.csv",
        columns: ["eth_usd", "btc_usd"],
        times,
        prices: [times.map((_, i) => 2000 + i), times.map(() => 40_000)],
      };
      const m = prepareMarket(series, {
        ...DEFAULT_OPTIONS,
        from: "2024-01-01T06:00",
        to: "2024-01-02",
        stepSeconds: 4 * 3600,
      });
      expect(m.times.map((t) => (t - times[0]) / 3600)).to.deep.equal([6, 10, 14, 18, 22]);
      expect(m.ethPrice(1)).to.equal(2010);
      expect(prepareMarket(series, { ...DEFAULT_OPTIONS, ethPrice: 1234 }).ethPrice(0)).to.equal(1234);
    });
  });
});
