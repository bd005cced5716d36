import { expect } from "chai";
import fc from "fast-check";
import hre from "hardhat";

import type { VenueSplitHarness } from "../../typechain-types";
import { sampleSize } from "../shared/coverage";

/**
 * VenueSplitLib against the model it optimises, computed here in floating point and independently
 * of the library's closed form: every venue a constant-product pool (price p, depth D, fee f). The
 * split must spend exactly the amount, skip what it must skip, and give at least the expected output
 * of any other split tried (random ones, single venues, equal shares).
 */

const Q128 = 2n ** 128n;
const ORACLE = Q128 * 3000n; // 3,000 raw out per raw in: any scale works, prices are relative

interface Quote {
  priceX128: bigint;
  depthIn: bigint;
  feePpm: bigint;
}

/** Expected output of one venue for `a` in, in floating point (output units). */
function venueOut(q: Quote, a: number): number {
  const p = Number((q.priceX128 * 10n ** 12n) / Q128) / 1e12;
  const d = Number(q.depthIn);
  const net = (a * (1e6 - Number(q.feePpm))) / 1e6;
  return (p * d * net) / (d + net);
}

const totalOut = (quotes: Quote[], amounts: number[]) =>
  amounts.reduce((s, a, k) => s + (a > 0 ? venueOut(quotes[k], a) : 0), 0);

/** A quote at `moveBps` from the oracle. */
const quote = (moveBps: number, depth: bigint, feePpm: number): Quote => ({
  priceX128: (ORACLE * BigInt(10_000 + moveBps)) / 10_000n,
  depthIn: depth,
  feePpm: BigInt(feePpm),
});

describe("VenueSplitLib: splitting a leg across venues", () => {
  let lib: VenueSplitHarness;

  before(async () => {
    lib = (await hre.ethers.deployContract("VenueSplitHarness")) as unknown as VenueSplitHarness;
  });

  const split = async (quotes: Quote[], amountIn: bigint, maxDevBps = 100, minGain = 0n) => {
    const [amounts, used] = await lib.split(quotes, ORACLE, maxDevBps, amountIn, minGain);
    return { amounts: [...amounts], used: Number(used) };
  };

  it("identical venues share the leg equally, and the amounts add up to it exactly", async () => {
    const q = quote(0, 10n ** 24n, 3000);
    const { amounts, used } = await split([q, q, q], 3n * 10n ** 21n + 1n);
    expect(used).to.equal(3);
    expect(amounts.reduce((a, b) => a + b)).to.equal(3n * 10n ** 21n + 1n);
    for (const a of amounts) expect(Number(a) / 1e21).to.be.closeTo(1, 1e-9);
  });

  it("a small leg stays on the cheapest venue; a large one spills over to the deeper, dearer ones", async () => {
    const quotes = [
      quote(0, 10n ** 24n, 500),
      quote(0, 8n * 10n ** 23n, 3000),
      quote(0, 4n * 10n ** 23n, 3000),
    ];
    const small = await split(quotes, 10n ** 20n); // 0.01 % of the deepest depth
    expect(small.used).to.equal(1);
    expect(small.amounts).to.deep.equal([10n ** 20n, 0n, 0n]);
    const large = await split(quotes, 5n * 10n ** 21n); // 0.5 %: the 0.05 % pool's marginal cost passes 0.3 %
    expect(large.used).to.equal(3);
    expect(large.amounts[0]).to.be.greaterThan(large.amounts[1]);
    expect(large.amounts[1]).to.be.greaterThan(large.amounts[2]);
  });

  it("skips a venue beyond the deviation bound, one with no depth, and one whose fee is everything", async () => {
    const good = quote(0, 10n ** 24n, 3000);
    const quotes = [
      quote(101, 10n ** 24n, 500),
      good,
      quote(-150, 10n ** 25n, 100),
      quote(0, 0n, 100),
      quote(0, 10n ** 24n, 1_000_000),
    ];
    const { amounts, used } = await split(quotes, 10n ** 22n, 100);
    expect(used).to.equal(1);
    expect(amounts).to.deep.equal([0n, 10n ** 22n, 0n, 0n, 0n]);
    // Exactly at the bound is still usable (the check is strictly beyond it).
    expect((await split([quote(100, 10n ** 24n, 500), good], 10n ** 22n, 100)).amounts[0]).to.be.greaterThan(
      0n,
    );
  });

  it("no usable venue: every amount zero (the caller reports the deviation)", async () => {
    const { amounts, used } = await split(
      [quote(300, 10n ** 24n, 500), quote(-300, 10n ** 24n, 500)],
      10n ** 22n,
      200,
    );
    expect(used).to.equal(0);
    expect(amounts).to.deep.equal([0n, 0n]);
  });

  it("an extra venue is used only when it adds at least minGainOut of expected output", async () => {
    const quotes = [quote(0, 10n ** 24n, 500), quote(0, 8n * 10n ** 23n, 3000)];
    const amountIn = 5n * 10n ** 21n;
    const both = await split(quotes, amountIn);
    expect(both.used).to.equal(2);
    const gain = totalOut(quotes, both.amounts.map(Number)) - totalOut(quotes, [Number(amountIn), 0]);
    expect(gain).to.be.greaterThan(0);
    const scaled = (x: number) => BigInt(Math.floor(x));
    expect((await split(quotes, amountIn, 100, scaled(gain * 0.99))).used).to.equal(2);
    expect((await split(quotes, amountIn, 100, scaled(gain * 1.01))).used).to.equal(1);
  });

  it("the venue with the better price gets more, even at a higher fee", async () => {
    // Venue 1 sits 40 bp rich (pays more output per input), more than its extra 25 bp of fee.
    const quotes = [quote(0, 10n ** 24n, 500), quote(40, 10n ** 24n, 3000)];
    const { amounts } = await split(quotes, 10n ** 20n);
    expect(amounts[1]).to.equal(10n ** 20n);
  });

  it("over random venues and legs: spends exactly the leg and beats every other split tried", async () => {
    const venueArb = fc.record({
      moveBps: fc.integer({ min: -90, max: 90 }),
      depthE18: fc.integer({ min: 1, max: 1_000_000 }),
      feePpm: fc.constantFrom(100, 500, 1000, 2500, 3000, 10_000),
    });
    await fc.assert(
      fc.asyncProperty(
        fc.array(venueArb, { minLength: 1, maxLength: 5 }),
        fc.integer({ min: 1, max: 10_000 }), // leg, bps of the total depth
        fc.array(fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 5, maxLength: 5 }), {
          minLength: 20,
          maxLength: 20,
        }),
        async (venues, legBps, alternatives) => {
          const quotes = venues.map((v) => quote(v.moveBps, BigInt(v.depthE18) * 10n ** 18n, v.feePpm));
          const depth = quotes.reduce((s, q) => s + q.depthIn, 0n);
          const amountIn = (depth * BigInt(legBps)) / 10_000n + 1n;
          const { amounts } = await split(quotes, amountIn);
          expect(amounts.reduce((a, b) => a + b)).to.equal(amountIn);
          const mine = totalOut(quotes, amounts.map(Number));
          const A = Number(amountIn);
          const tries: number[][] = [
            ...quotes.map((_, k) => quotes.map((__, j) => (j === k ? A : 0))),
            quotes.map(() => A / quotes.length),
            ...alternatives.map((w) => {
              const ws = quotes.map((_, k) => w[k]);
              const sum = ws.reduce((a, b) => a + b, 0) || 1;
              return ws.map((x) => (A * x) / sum);
            }),
          ];
          for (const t of tries) expect(mine).to.be.at.least(totalOut(quotes, t) * (1 - 1e-9));
        },
      ),
      { numRuns: sampleSize(process.env.SPLIT_RUNS, 200, 20) },
    );
  });
});
