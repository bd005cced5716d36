import { expect } from "chai";
import fc from "fast-check";
import hre from "hardhat";

import type { LeverageHarness } from "../../typechain-types";
import { sampleSize } from "../shared/coverage";

/**
 * LeverageLib against the trade model it solves, applied here in exact integer arithmetic: a lever
 * of x moves C by x·(1 − s) and D by x; a delever of y moves C by −y and D by −y·(1 − s). Each size
 * must land on the target's safe side and be the tightest such size (one wei more, or less, would
 * cross it), so the closed forms are checked without being restated.
 */

const WAD = 10n ** 18n;
const BPS = 10_000n;
const RUNS = sampleSize(process.env.LEVERAGE_RUNS, 300, 30);

/** A position: collateral above debt, in quote WAD up to 1e12 quote (1e30). */
const position = fc
  .tuple(fc.bigInt({ min: 1n, max: 10n ** 30n }), fc.integer({ min: 0, max: 9_999 }))
  .map(([c, ltvBps]) => ({ c, d: (c * BigInt(ltvBps)) / BPS }));
const target = fc.bigInt({ min: WAD, max: 20n * WAD });
const cost = fc.integer({ min: 0, max: 1000 }).map(BigInt);

/** L' ≤ L* after a lever of x: C'·1e18 ≤ L*·E', scaled by BPS to stay in integers. */
function leverAtMost(c: bigint, d: bigint, x: bigint, t: bigint, s: bigint): boolean {
  const cAfter = c * BPS + x * (BPS - s);
  const eAfter = (c - d) * BPS - x * s;
  return eAfter > 0n && cAfter * WAD <= t * eAfter;
}

/** L' ≤ L* after a delever of y (debt floored at zero: a clearing delever leaves no debt). */
function deleverAtMost(c: bigint, d: bigint, y: bigint, t: bigint, s: bigint): boolean {
  const cAfter = (c - y) * BPS;
  const dAfter = d * BPS - y * (BPS - s);
  if (dAfter <= 0n) return true; // no debt left: leverage 1
  return cAfter * WAD <= t * (cAfter - dAfter);
}

describe("LeverageLib: a position kept at a target leverage", () => {
  let lib: LeverageHarness;
  before(async () => {
    lib = (await hre.ethers.deployContract("LeverageHarness")) as unknown as LeverageHarness;
  });

  it("works FLI's two textbook moves to the wei", async () => {
    // 3,000 collateral, 1,000 debt: 1.5×. To 2× at 0.3 % cost: borrow 1,000 / 1.003.
    expect(await lib.leverage(3000n * WAD, 1000n * WAD)).to.equal(1_500_000_000_000_000_000n);
    expect(await lib.leverUp(3000n * WAD, 1000n * WAD, 2n * WAD, 30n)).to.equal(997_008_973_080_757_726_819n);
    // 3,000 collateral, 1,800 debt: 2.5×. To 2×: sell 600 / 0.994, rounded up.
    expect(await lib.leverDown(3000n * WAD, 1800n * WAD, 2n * WAD, 30n)).to.equal(
      603_621_730_382_293_762_576n,
    );
    // Already on the far side of the target: nothing to do either way.
    expect(await lib.leverUp(3000n * WAD, 1800n * WAD, 2n * WAD, 30n)).to.equal(0n);
    expect(await lib.leverDown(3000n * WAD, 1000n * WAD, 2n * WAD, 30n)).to.equal(0n);
  });

  it("reports leverage rounded up, and refuses a position without equity", async () => {
    await fc.assert(
      fc.asyncProperty(position, async ({ c, d }) => {
        const expected = (c * WAD + (c - d) - 1n) / (c - d);
        expect(await lib.leverage(c, d)).to.equal(expected);
      }),
      { numRuns: RUNS },
    );
    await expect(lib.leverage(5n * WAD, 5n * WAD))
      .to.be.revertedWithCustomError(lib, "NoEquity")
      .withArgs(5n * WAD, 5n * WAD);
    await expect(lib.leverUp(1n, 2n, WAD, 0n))
      .to.be.revertedWithCustomError(lib, "NoEquity")
      .withArgs(1n, 2n);
    await expect(lib.leverDown(0n, 0n, WAD, 0n))
      .to.be.revertedWithCustomError(lib, "NoEquity")
      .withArgs(0n, 0n);
  });

  it("levers up to the target and never past it, by the largest such loan", async () => {
    await fc.assert(
      fc.asyncProperty(position, target, cost, async ({ c, d }, t, s) => {
        const x = await lib.leverUp(c, d, t, s);
        if (c * WAD >= t * (c - d)) {
          expect(x).to.equal(0n);
          return;
        }
        expect(leverAtMost(c, d, x, t, s), "lands at or below the target").to.equal(true);
        expect(leverAtMost(c, d, x + 1n, t, s), "one wei more would pass it").to.equal(false);
      }),
      { numRuns: RUNS },
    );
  });

  it("levers down to the target or below, by the smallest such sale, and never sells past the debt", async () => {
    await fc.assert(
      fc.asyncProperty(position, target, cost, async ({ c, d }, t, s) => {
        if (t * s >= BPS * WAD) {
          if (c * WAD > t * (c - d))
            await expect(lib.leverDown(c, d, t, s)).to.be.revertedWithCustomError(lib, "CostOutOfDomain");
          return;
        }
        const y = await lib.leverDown(c, d, t, s);
        if (c * WAD <= t * (c - d)) {
          expect(y).to.equal(0n);
          return;
        }
        expect(deleverAtMost(c, d, y, t, s), "lands at or below the target").to.equal(true);
        // The smallest: one wei less stays above, unless the sale is the one that clears the debt.
        const clearing = (d * BPS + (BPS - s) - 1n) / (BPS - s);
        if (y < clearing)
          expect(deleverAtMost(c, d, y - 1n, t, s), "one wei less stays above").to.equal(false);
        expect(y <= clearing, "sells no more than clearing the debt takes").to.equal(true);
      }),
      { numRuns: RUNS },
    );
  });

  it("delevers a 1× target by clearing the debt exactly", async () => {
    // D / (1 − s), rounded up: 1,000 / 0.997.
    expect(await lib.leverDown(3000n * WAD, 1000n * WAD, WAD, 30n)).to.equal(1_003_009_027_081_243_731_194n);
  });

  it("gives the headroom a withdrawal may take before any repayment, to the wei", async () => {
    await fc.assert(
      fc.asyncProperty(position, fc.integer({ min: 1, max: 9_999 }).map(BigInt), async ({ c, d }, ltv) => {
        const y = await lib.withdrawable(c, d, ltv);
        const within = (w: bigint) => w <= c && d * BPS <= ltv * (c - w);
        if (y > 0n || within(0n)) expect(within(y), "stays within the LTV").to.equal(true);
        expect(within(y + 1n), "one wei more would not").to.equal(false);
      }),
      { numRuns: RUNS },
    );
    expect(await lib.withdrawable(7n, 0n, 0n)).to.equal(7n);
    expect(await lib.withdrawable(7n, 1n, 0n)).to.equal(0n);
  });

  it("gives the most a sale of borrowed value may take under an LTV cap, its proceeds joining the collateral, to the wei", async () => {
    // Borrow x and sell it at cost s, the proceeds supplied: debt D + x, collateral C + x·(1 − s).
    const within = (c: bigint, d: bigint, x: bigint, m: bigint, s: bigint) =>
      (d + x) * BPS * BPS <= m * (c * BPS + x * (BPS - s));
    await fc.assert(
      fc.asyncProperty(
        position,
        fc.integer({ min: 1, max: 9_000 }).map(BigInt),
        cost,
        async ({ c, d }, m, s) => {
          const x = await lib.borrowRoom(c, d, m, s);
          if (x > 0n) expect(within(c, d, x, m, s), "stays within the cap").to.equal(true);
          if (within(c, d, 0n, m, s))
            expect(within(c, d, x + 1n, m, s), "one wei more would not").to.equal(false);
          else expect(x).to.equal(0n);
        },
      ),
      { numRuns: RUNS },
    );
    // 200,000 of collateral, no debt, a 60 % cap, 30 bps: 120,000 / (1 − 0.6 · 0.997) = 298,656.047…
    expect(await lib.borrowRoom(200_000n * WAD, 0n, 6000n, 30n)).to.equal(298_656_047_784_967_645_594_823n);
  });

  it("computes the health factor and the loan-to-value as Aave states them", async () => {
    // 1,000,000 collateral at an 80 % threshold against 768,000 debt: 1.041666… .
    expect(await lib.healthFactor(1_000_000n * WAD, 768_000n * WAD, 8000n)).to.equal(
      1_041_666_666_666_666_666n,
    );
    expect(await lib.healthFactor(1n, 0n, 8000n)).to.equal(2n ** 256n - 1n);
    expect(await lib.loanToValueBps(3n * WAD, 2n * WAD)).to.equal(6667n); // 66.67 %, rounded up
    expect(await lib.loanToValueBps(0n, 0n)).to.equal(0n);
    expect(await lib.loanToValueBps(0n, 1n)).to.equal(2n ** 256n - 1n);
  });

  it("names the out-of-domain target and cost", async () => {
    await expect(lib.leverUp(2n, 1n, WAD - 1n, 0n))
      .to.be.revertedWithCustomError(lib, "LeverageOutOfDomain")
      .withArgs(WAD - 1n);
    await expect(lib.leverDown(2n, 1n, 20n * WAD + 1n, 0n))
      .to.be.revertedWithCustomError(lib, "LeverageOutOfDomain")
      .withArgs(20n * WAD + 1n);
    await expect(lib.leverUp(2n, 1n, WAD, 1001n))
      .to.be.revertedWithCustomError(lib, "CostOutOfDomain")
      .withArgs(1001n);
    // 20× at 5 %: delevering would cost all the equity it frees.
    await expect(lib.leverDown(30n * WAD, 29n * WAD, 20n * WAD, 500n))
      .to.be.revertedWithCustomError(lib, "CostOutOfDomain")
      .withArgs(500n);
  });
});
