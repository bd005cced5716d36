import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { expect } from "chai";
import fc from "fast-check";
import { ethers } from "hardhat";

import { collectCdf, compareCdf } from "../../src/math/differential";
import { cdfGrid } from "../../src/math/grids";
import { WAD } from "../../src/math/reference";
import { sampleSize, thinned } from "../shared/coverage";

const RUNS = sampleSize(process.env.MATH_RUNS, 1_000, 100);
const TEN = 10n * WAD;

async function harnessFixture() {
  return ethers.deployContract("NormalDistHarness");
}

describe("NormalDistLib", () => {
  describe("against the 50-digit reference on [−10, 10]", () => {
    it("Φ is within 1e-16 and φ within 3e-18 at every grid point", async () => {
      const harness = await loadFixture(harnessFixture);
      const xs = thinned(cdfGrid(), 8);
      const [report] = compareCdf(xs, [await collectCdf((part) => harness.cdfBatch(part), xs)]);
      expect(report.points).to.equal(xs.length);
      expect(
        report.cdf.error.lte("1e-16"),
        `Φ error ${report.cdf.error.toExponential(3)} at x = ${report.cdf.at}`,
      ).to.be.true;
      expect(
        report.pdf.error.lte("3e-18"),
        `φ error ${report.pdf.error.toExponential(3)} at x = ${report.pdf.at}`,
      ).to.be.true;
    });
  });

  describe("#cdf", () => {
    it("returns the exact limits beyond |x| = 9 and ½ at 0", async () => {
      const harness = await loadFixture(harnessFixture);
      expect(await harness.cdf(0n)).to.equal(WAD / 2n);
      expect(await harness.cdf(9n * WAD)).to.equal(WAD);
      expect(await harness.cdf(-9n * WAD)).to.equal(0n);
      expect(await harness.cdf(ethers.MaxInt256)).to.equal(WAD);
      expect(await harness.cdf(ethers.MinInt256)).to.equal(0n);
      // Φ(−8.99) ≈ 1.25e-19 rounds down to 0 wei; Φ(−8) ≈ 6.2e-16 is 622 wei.
      expect(await harness.cdf(-8n * WAD)).to.be.within(621n, 623n);
    });

    it("is monotone", async () => {
      const harness = await loadFixture(harnessFixture);
      await fc.assert(
        fc.asyncProperty(
          fc.bigInt({ min: -12n * WAD, max: 12n * WAD }),
          fc.bigInt({ min: 1n, max: WAD }),
          async (x, step) => {
            expect(await harness.cdf(x)).to.be.lte(await harness.cdf(x + step));
          },
        ),
        { numRuns: RUNS },
      );
    });

    it("satisfies Φ(x) + Φ(−x) = 1 within 2 wei and stays in [0, 1]", async () => {
      const harness = await loadFixture(harnessFixture);
      await fc.assert(
        fc.asyncProperty(fc.bigInt({ min: -TEN, max: TEN }), async (x) => {
          const [a, b] = await Promise.all([harness.cdf(x), harness.cdf(-x)]);
          expect(a + b).to.be.within(WAD - 2n, WAD + 2n);
          expect(a).to.be.lte(WAD);
          expect(b).to.be.lte(WAD);
        }),
        { numRuns: RUNS },
      );
    });
  });

  describe("#cdfAndPdf", () => {
    it("shares one exponential: both outputs equal the separate calls", async () => {
      const harness = await loadFixture(harnessFixture);
      await fc.assert(
        fc.asyncProperty(fc.bigInt({ min: -TEN, max: TEN }), async (x) => {
          const [cdf, pdf] = await harness.cdfAndPdf(x);
          expect(cdf).to.equal(await harness.cdf(x));
          expect(pdf).to.equal(await harness.pdf(x));
        }),
        { numRuns: 200 },
      );
    });
  });
});
