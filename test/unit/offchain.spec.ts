import { expect } from "chai";
import fc from "fast-check";
import fs from "node:fs";
import path from "node:path";

import { loadPrices, parsePriceCsv, sample } from "../../src/data/prices";
import { renderTable } from "../../src/format/table";
import { encodeSqrtPriceX96, fullRangeTicks, sqrtBigInt } from "../../src/market/uniswap";

describe("off-chain helpers", () => {
  describe("sqrtBigInt", () => {
    it("is the integer square root over 256-bit values", () => {
      fc.assert(
        fc.property(fc.bigInt({ min: 0n, max: 2n ** 256n - 1n }), (v) => {
          const r = sqrtBigInt(v);
          return r * r <= v && (r + 1n) * (r + 1n) > v;
        }),
        { numRuns: 1000 },
      );
    });
  });

  describe("encodeSqrtPriceX96", () => {
    it("is 2^96 at parity and follows Uniswap's convention for decimals", () => {
      expect(encodeSqrtPriceX96(1n, 1n, 18, 18)).to.equal(79228162514264337593543950336n);
      // USDC (6, token0) / WETH (18, token1) at 2,000 USD per ETH: raw price = 1e12 / 2000 = 5e8.
      const s = encodeSqrtPriceX96(1n, 2000n, 6, 18);
      const raw = Number(s) ** 2 / 2 ** 192;
      expect(raw / 5e8).to.be.closeTo(1, 1e-12);
    });

    it("uses the widest ticks that are multiples of the spacing", () => {
      expect(fullRangeTicks(500)).to.deep.equal({ tickLower: -887270, tickUpper: 887270 });
      expect(fullRangeTicks(3000)).to.deep.equal({ tickLower: -887220, tickUpper: 887220 });
      expect(() => fullRangeTicks(123)).to.throw(/unknown Uniswap V3 fee tier/);
    });
  });

  describe("price data", () => {
    it("loads the shipped history: 34,349 hourly rows from 2022-01-01", () => {
      const p = loadPrices();
      expect(p.length).to.equal(34_349);
      expect(p[0].time.toISOString()).to.equal("2022-01-01T00:00:00.000Z");
      expect(p[0].ethUsd).to.equal(3723.04);
      expect(p[0].btcUsd).to.equal(46656.13);
      expect(fs.existsSync(path.join(__dirname, "..", "..", "data", "README.md"))).to.equal(true);
    });

    it("rejects malformed rows with their line number", () => {
      expect(() =>
        parsePriceCsv("timestamp,eth_usd,btc_usd\n2022-01-01 00:00:00,abc,1\n2022-01-01 01:00:00,1,1\n"),
      ).to.throw(/line 2, column eth_usd: 'abc' is not a positive price/);
      expect(() =>
        parsePriceCsv("timestamp,eth_usd,btc_usd\n2022-01-01 01:00:00,1,1\n2022-01-01 00:00:00,1,1\n"),
      ).to.throw(/line 3 \(2022-01-01 00:00:00\) is earlier than the line before it/);
      expect(() => parsePriceCsv("time,a,b\n1640995200,1,1\n1640998800,1,1\n")).to.throw(/unexpected header/);
    });

    it("samples every N hours within [from, to)", () => {
      const p = loadPrices();
      const s = sample(p, new Date("2022-03-01T00:00:00Z"), new Date("2022-03-02T00:00:00Z"), 6);
      expect(s.map((x) => x.time.getUTCHours())).to.deep.equal([0, 6, 12, 18]);
    });
  });

  describe("renderTable", () => {
    it("right-aligns numeric columns and left-aligns text", () => {
      const t = renderTable(
        ["name", "value"],
        [
          ["a", "1.5"],
          ["long name", "12,345.0"],
        ],
      );
      expect(t.split("\n")).to.deep.equal([
        "name          value",
        "---------  --------",
        "a               1.5",
        "long name  12,345.0",
      ]);
    });
  });
});
