import { expect } from "chai";

import { DEFAULT_LENDING, type LeverageRunConfig, runLeverage } from "../../src/backtest/leverageRun";
import { DEFAULT_OPTIONS, prepareMarket, snapshotGas } from "../../src/backtest/run";
import type { Market } from "../../src/backtest/simulate";
import { PRICE_FILE, loadSeries } from "../../src/data/prices";

/**
 * The leverage vault's replay (src/backtest/leverageRun.ts): on the shipped 2022–2025 hourly ETH
 * history, and on synthetic paths whose outcome is known from the arithmetic — a fall the ripcord
 * survives and a gap past the liquidation threshold it cannot.
 */

const base = (market: Market): LeverageRunConfig => ({
  market,
  feePips: 500,
  depthQuote: 200_000_000,
  gasPriceGwei: 10,
  gas: snapshotGas().leverage,
  checkEverySeconds: 3600,
  nav: 1_000_000,
  lending: DEFAULT_LENDING,
});

/** Hourly rows at `prices` (ETH in USD). */
const path = (prices: number[]): Market => ({
  times: prices.map((_, i) => 1_700_000_000 + i * 3600),
  columns: ["eth"],
  prices: [prices],
  ethPrice: (row) => prices[row],
});

describe("leverage backtest", () => {
  it("2x with band 1.7-2.3x and ripcord 2.7x over the shipped 2022-2025 ETH history, checked hourly: never liquidated", () => {
    const market = prepareMarket(loadSeries(PRICE_FILE), DEFAULT_OPTIONS);
    const r = runLeverage(base(market));
    expect(r.rows).to.equal(market.times.length);
    expect(r.liquidations).to.equal(0);
    // The lowest health on the path: the May–June 2022 crash, with the band holding leverage under 2.3x.
    expect(r.minHealth).to.be.gt(1.3);
    expect(r.maxLeverage).to.be.lte(2.3);
    expect(r.minLeverage).to.be.gte(1.7);
    expect(r.levers + r.delevers).to.be.gt(100);
    expect(r.refused).to.equal(0);
    // Costs are what the fills and the snapshot's gas say, all positive, and the carry is the rates'.
    expect(r.fees).to.be.gt(0);
    expect(r.impact).to.be.gt(0);
    expect(r.gas).to.be.gt(0);
    expect(r.interestPaid).to.be.gt(r.interestEarned);
  });

  it("reaches the target from 1x: the first lever lands in the band (the market's LTV), the interval takes it to 2x", () => {
    const r = runLeverage(base(path(Array(24 * 8).fill(3000))));
    expect(r.levers).to.equal(2);
    expect(r.daily[0].leverage).to.be.within(1.7, 1.85);
    expect(r.daily[r.daily.length - 1].leverage).to.be.closeTo(2, 0.01);
    expect(r.liquidations).to.equal(0);
  });

  it("a 38 % fall within one hour takes leverage past the ripcord: repay-first ripcords bring it back, no liquidation", () => {
    // Two weeks flat at 3,000 (levered to 2x), then 1,860 for a day.
    const prices = [...Array(24 * 14).fill(3000), ...Array(24).fill(1860)];
    const r = runLeverage(base(path(prices)));
    // At 1,860 a 2x position is at 5.2x (LTV 0.5 / 0.62 = 80.6 %, health 1.03): above the ripcord,
    // below liquidation (a 40 % fall, LTV 83.3 %, would be past WETH's 83 % threshold).
    expect(r.ripcords).to.be.gte(1);
    expect(r.flashFees).to.be.gt(0);
    expect(r.liquidations).to.equal(0);
    expect(r.daily[r.daily.length - 1].leverage).to.be.lt(2.7);
  });

  it("a gap past the liquidation threshold within one hour is liquidated: the replay says so", () => {
    // 2x, then a 45 % fall in one hour: LTV 0.5 / 0.55 = 91 % > 83 %.
    const prices = [...Array(24 * 14).fill(3000), ...Array(24).fill(1650)];
    const r = runLeverage(base(path(prices)));
    expect(r.liquidations).to.be.gte(1);
  });
});
