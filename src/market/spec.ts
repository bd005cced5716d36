/**
 * The local market: what the in-process network and `localhost` get so that every path runs
 * offline. Tokens carry mainnet decimals; feeds carry Chainlink's 8 decimals; pools sit at mainnet
 * fee tiers and are seeded deep enough that a demo-sized rebalance moves them well under 1%.
 */

export interface LocalToken {
  symbol: string;
  name: string;
  decimals: number;
  /** Address-book feed pair that prices it (numeraire: USD). */
  feed: string;
  /** Starting price, USD per whole token, as a decimal string. */
  initialPriceUsd: string;
}

export interface LocalPool {
  asset: string;
  quote: string;
  /** Fee tier, hundredths of a bip. */
  fee: number;
}

export const FEED_DECIMALS = 8;

export const LOCAL_TOKENS: readonly LocalToken[] = [
  { symbol: "USDC", name: "USD Coin (local)", decimals: 6, feed: "USDC_USD", initialPriceUsd: "1" },
  { symbol: "WETH", name: "Wrapped Ether (local)", decimals: 18, feed: "ETH_USD", initialPriceUsd: "3000" },
  { symbol: "WBTC", name: "Wrapped BTC (local)", decimals: 8, feed: "BTC_USD", initialPriceUsd: "60000" },
];

export const LOCAL_POOLS: readonly LocalPool[] = [
  { asset: "WETH", quote: "USDC", fee: 500 },
  { asset: "WBTC", quote: "USDC", fee: 3000 },
];

/**
 * Extra assets for the 4- and 8-asset gas snapshot and benchmark (tag `ExtraAssets`; not part of
 * the demo market). Decimals vary like mainnet's (6, 8, 18).
 */
export const EXTRA_TOKENS: readonly LocalToken[] = [
  { symbol: "XLINK", name: "Extra 18-dec (local)", decimals: 18, feed: "XLINK_USD", initialPriceUsd: "15" },
  { symbol: "XUNI", name: "Extra 18-dec (local)", decimals: 18, feed: "XUNI_USD", initialPriceUsd: "8" },
  { symbol: "XEUR", name: "Extra 6-dec (local)", decimals: 6, feed: "XEUR_USD", initialPriceUsd: "1.08" },
  { symbol: "XCBB", name: "Extra 8-dec (local)", decimals: 8, feed: "XCBB_USD", initialPriceUsd: "61000" },
  { symbol: "XAAVE", name: "Extra 18-dec (local)", decimals: 18, feed: "XAAVE_USD", initialPriceUsd: "150" },
];

export const EXTRA_POOLS: readonly LocalPool[] = EXTRA_TOKENS.map((t) => ({
  asset: t.symbol,
  quote: "USDC",
  fee: 3000,
}));

/** Value seeded on each side of every pool, USD, as a full-range position. */
export const POOL_SIDE_USD = 500_000_000n;

/** The kinds of venue the local market has, each from its protocol's published bytecode. */
export type VenueKind = "uniswapV3" | "uniswapV2" | "balancerWeighted";

/**
 * A venue beyond the asset's primary Uniswap V3 pool (`LOCAL_POOLS`). `fee` is in millionths (a
 * Uniswap V3 tier's own unit; Uniswap V2 is always 3,000); `depthPct` is the value seeded on each
 * side as a percentage of `POOL_SIDE_USD`, every position full-range (Balancer: a 50/50 pool).
 */
export interface LocalVenue {
  kind: VenueKind;
  asset: string;
  quote: string;
  fee: number;
  depthPct: number;
}

/**
 * Depth ratios after mainnet's WETH/USDC (2021–22, every position full-range here): the 0.05 %
 * Uniswap V3 pool is the deepest venue, the 0.3 % tier holds 80 % of its depth, the Uniswap V2 pair
 * 40 %, a Balancer 50/50 pool at 0.1 % 20 %; WBTC/USDC has a V2 pair beside its V3 pool, and
 * WBTC/WETH its own 0.3 % pool (a direct route that skips the quote asset).
 */
export const LOCAL_VENUES: readonly LocalVenue[] = [
  { kind: "uniswapV3", asset: "WETH", quote: "USDC", fee: 3000, depthPct: 80 },
  { kind: "uniswapV2", asset: "WETH", quote: "USDC", fee: 3000, depthPct: 40 },
  { kind: "balancerWeighted", asset: "WETH", quote: "USDC", fee: 1000, depthPct: 20 },
  { kind: "uniswapV2", asset: "WBTC", quote: "USDC", fee: 3000, depthPct: 40 },
  { kind: "uniswapV3", asset: "WBTC", quote: "WETH", fee: 3000, depthPct: 50 },
];

export function localToken(symbol: string): LocalToken {
  const t = [...LOCAL_TOKENS, ...EXTRA_TOKENS].find((x) => x.symbol === symbol);
  if (!t) throw new Error(`the local market has no token ${symbol}`);
  return t;
}
