import { expect } from "chai";

import {
  D,
  blackScholes,
  normCdf,
  normCdfSeries,
  normPdf,
  normTailContinuedFraction,
} from "../../src/math/reference";
import { wad } from "../../src/math/grids";

// The reference is what every on-chain error figure is measured against, so it is checked on its own:
// against published values and by two independent methods that must agree.
describe("50-digit reference", () => {
  describe("normCdf", () => {
    it("matches published values to the digits published", () => {
      // Φ(1) = (1 + erf(1/√2))/2 to 40 digits; the tails as tabulated to 16 digits.
      const cases: [number, string, string][] = [
        [1, "0.8413447460685429485852325456320379224779", "1e-40"],
        [-5, "2.866515718791939e-7", "1e-15"],
        [-10, "7.619853024160527e-24", "1e-15"],
      ];
      for (const [x, published, relative] of cases) {
        const value = normCdf(x);
        expect(value.minus(published).abs().div(published).lt(relative), `Φ(${x}) = ${value}`).to.equal(true);
      }
    });

    it("agrees with the continued fraction to 50 digits on [1, 10]", () => {
      for (let z = 1; z <= 10; z += 0.25) {
        const series = normCdfSeries(-z);
        const fraction = normTailContinuedFraction(z);
        expect(series.minus(fraction).abs().div(fraction).lt("1e-50"), `z = ${z}`).to.equal(true);
      }
    });

    it("is symmetric and its density is φ(0) = 1/√(2π)", () => {
      for (const x of ["0.3", "2.5", "7.75", "12.5"]) {
        expect(
          normCdf(x)
            .plus(normCdf(new D(x).neg()))
            .minus(1)
            .abs()
            .lt("1e-50"),
        ).to.equal(true);
      }
      expect(
        normPdf(0).minus("0.3989422804014326779399460599343818684758586311649").abs().lt("1e-48"),
      ).to.equal(true);
    });
  });

  describe("blackScholes", () => {
    it("satisfies put-call delta parity and the at-expiry limits", () => {
      const leg = {
        spotWad: wad(100),
        strikeWad: wad(110),
        sigmaWad: wad(0.5),
        tauSeconds: 86_400n * 30n,
        rateWad: wad(0.05),
      };
      const g = blackScholes(leg);
      expect(g.callDelta.minus(g.putDelta).toString()).to.equal("1");
      // Hull's textbook example: S = 42, K = 40, r = 10%, σ = 20%, τ = 0.5 → d1 = 0.7693, N(d1) = 0.7791.
      const hull = blackScholes({
        spotWad: wad(42),
        strikeWad: wad(40),
        sigmaWad: wad(0.2),
        tauSeconds: 15_768_000n,
        rateWad: wad(0.1),
      });
      expect(hull.d1.toFixed(4)).to.equal("0.7693");
      expect(hull.callDelta.toFixed(4)).to.equal("0.7791");
      const expired = blackScholes({ ...leg, tauSeconds: 0n });
      expect(expired.callDelta.toString()).to.equal("0");
      expect(expired.gamma.toString()).to.equal("0");
    });
  });
});
