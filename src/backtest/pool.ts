/**
 * A Uniswap V3 pool's swap within one liquidity range, in plain units: Uniswap's SqrtPriceMath for a
 * swap that crosses no initialized tick (constant liquidity L), with the fee taken from the input as
 * the pool takes it. The backtest gives each pool the depth the user configures and lets
 * arbitrageurs return it to the oracle price between the keeper's checks.
 *
 * Units: the asset is token0, the quote token1; price P is quote per asset, √P its square root.
 * A position of liquidity L holds virtual reserves x = L/√P of the asset and y = L·√P of the quote,
 * worth 2·L·√P: "depth" below is that value, in quote.
 */

export interface PoolQuote {
  amountOut: number;
  /** The fee the pool kept, in input units. */
  fee: number;
}

/** Liquidity L of a pool whose virtual reserves are worth `depthQuote` at price `price`. */
export const liquidityFor = (depthQuote: number, price: number): number =>
  depthQuote / (2 * Math.sqrt(price));

/**
 * Sells `amountIn` of the asset (token0 → token1): √P' = L·√P / (L + x·√P), out = L·(√P − √P').
 * `feePips` in hundredths of a bip (3000 = 0.3 %).
 */
export function sellAsset(amountIn: number, price: number, liquidity: number, feePips: number): PoolQuote {
  const fee = (amountIn * feePips) / 1e6;
  const x = amountIn - fee;
  const s = Math.sqrt(price);
  const next = (liquidity * s) / (liquidity + x * s);
  return { amountOut: liquidity * (s - next), fee };
}

/** Buys the asset with `amountIn` quote (token1 → token0): √P' = √P + y/L, out = L·(1/√P − 1/√P'). */
export function buyAsset(amountIn: number, price: number, liquidity: number, feePips: number): PoolQuote {
  const fee = (amountIn * feePips) / 1e6;
  const y = amountIn - fee;
  const s = Math.sqrt(price);
  const next = s + y / liquidity;
  return { amountOut: liquidity * (1 / s - 1 / next), fee };
}
