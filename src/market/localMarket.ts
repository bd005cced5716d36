import { Contract, MaxUint256, parseUnits, type Signer } from "ethers";
import type { HardhatRuntimeEnvironment } from "hardhat/types";

import type { MockV3Aggregator, TestERC20 } from "../../typechain-types";
import { NAMES } from "../deployments";
import {
  EXTRA_POOLS,
  EXTRA_TOKENS,
  FEED_DECIMALS,
  LOCAL_POOLS,
  LOCAL_TOKENS,
  LOCAL_VENUES,
  POOL_SIDE_USD,
  localToken,
  type LocalPool,
  type LocalToken,
  type LocalVenue,
} from "./spec";
import { UNISWAP_ARTIFACTS, encodeSqrtPriceX96, fullRangeTicks, sortTokens, swapToPrice } from "./uniswap";
import { VENUE_ARTIFACTS } from "./venueArtifacts";
import { swapBalancerPoolTo, swapV2PairTo, type Ratio } from "./venueSwaps";

/** The local market's contracts, as typed handles. */
export interface LocalMarket {
  tokens: Record<string, TestERC20>;
  feeds: Record<string, MockV3Aggregator>;
  factory: Contract;
  router: Contract;
  positionManager: Contract;
  quoter: Contract;
  pools: Record<string, { contract: Contract; spec: LocalPool }>;
  /** The venues beyond the primary pools (`LOCAL_VENUES`), when the Venues step has run. */
  venues: MarketVenue[];
  /** The Balancer V2 Vault, when the Venues step has run. */
  balancerVault?: Contract;
  /** The venue module, when the VenueModule step has run. */
  venueModule?: string;
  /** Deployed venue adapters by name (`NAMES.adapter`): UniswapV3, UniswapV3Router02, UniswapV2, BalancerV2. */
  adapters: Record<string, string>;
}

/** One venue of `LOCAL_VENUES` as deployed: its pool (pair) and, for Balancer, its pool id. */
export interface MarketVenue {
  spec: LocalVenue;
  contract: Contract;
  poolId?: string;
}

export const poolKey = (p: LocalPool) => NAMES.pool(p.asset, p.quote, p.fee);

/** The venue adapters a local market deploys (`NAMES.adapter(name)`). */
export const ADAPTER_NAMES = ["UniswapV3", "UniswapV3Router02", "UniswapV2", "BalancerV2"] as const;

/* ------------------------------------------------------------------ deploy (hardhat-deploy) */

export async function deployLocalTokens(
  hre: HardhatRuntimeEnvironment,
  tokens: readonly LocalToken[] = LOCAL_TOKENS,
): Promise<void> {
  const { deployer } = await hre.getNamedAccounts();
  for (const t of tokens) {
    await hre.deployments.deploy(NAMES.token(t.symbol), {
      contract: "TestERC20",
      from: deployer,
      args: [t.name, t.symbol, t.decimals],
    });
  }
}

export async function deployLocalFeeds(
  hre: HardhatRuntimeEnvironment,
  tokens: readonly LocalToken[] = LOCAL_TOKENS,
): Promise<void> {
  const { deployer } = await hre.getNamedAccounts();
  for (const t of tokens) {
    await hre.deployments.deploy(NAMES.feed(t.feed), {
      contract: "MockV3Aggregator",
      from: deployer,
      args: [FEED_DECIMALS, parseUnits(t.initialPriceUsd, FEED_DECIMALS)],
    });
  }
}

export async function deployUniswap(hre: HardhatRuntimeEnvironment): Promise<void> {
  const { deployer } = await hre.getNamedAccounts();
  const weth = await hre.deployments.get(NAMES.token("WETH"));
  const deploy = (name: keyof typeof UNISWAP_ARTIFACTS, args: unknown[]) =>
    hre.deployments.deploy(name, {
      contract: { abi: UNISWAP_ARTIFACTS[name].abi as never, bytecode: UNISWAP_ARTIFACTS[name].bytecode },
      from: deployer,
      args,
    });
  const factory = await deploy("UniswapV3Factory", []);
  await deploy("SwapRouter", [factory.address, weth.address]);
  // The token descriptor only serves tokenURI(), which nothing here calls.
  await deploy("NonfungiblePositionManager", [factory.address, weth.address, hre.ethers.ZeroAddress]);
  await deploy("QuoterV2", [factory.address, weth.address]);
}

/** Creates every local pool at the feeds' prices and seeds it with a deep full-range position (once). */
export async function deployLocalPools(
  hre: HardhatRuntimeEnvironment,
  pools: readonly LocalPool[] = LOCAL_POOLS,
): Promise<void> {
  const { deployer } = await hre.getNamedAccounts();
  const signer = await hre.ethers.getSigner(deployer);
  const market = await loadLocalMarket(hre, { withPools: false });
  for (const spec of pools) {
    // Idempotent: a pool recorded by an earlier run is already created and seeded.
    if (await hre.deployments.getOrNull(poolKey(spec))) continue;
    const poolAddress = await createV3Pool(market, signer, spec, POOL_SIDE_USD);
    await hre.deployments.save(poolKey(spec), {
      address: poolAddress,
      abi: UNISWAP_ARTIFACTS.UniswapV3Pool.abi as never,
    });
  }
}

/**
 * Creates the Uniswap V3 pool of `spec` at the feeds' price through the real position manager and
 * seeds it with a full-range position worth `sideUsd` on each side; returns its address.
 */
export async function createV3Pool(
  market: LocalMarket,
  signer: Signer,
  spec: LocalPool,
  sideUsd: bigint,
): Promise<string> {
  const asset = market.tokens[spec.asset];
  const quote = market.tokens[spec.quote];
  const [token0, token1] = sortTokens(await asset.getAddress(), await quote.getAddress());
  const sqrtPriceX96 = await targetSqrtPriceX96(market, spec);
  await (
    await market.positionManager.connect(signer).getFunction("createAndInitializePoolIfNecessary")(
      token0,
      token1,
      spec.fee,
      sqrtPriceX96,
    )
  ).wait();
  const amounts = await mintSides(market, signer, spec.asset, spec.quote, sideUsd);
  for (const sym of [spec.asset, spec.quote]) {
    await (
      await market.tokens[sym].connect(signer).approve(await market.positionManager.getAddress(), MaxUint256)
    ).wait();
  }
  const { tickLower, tickUpper } = fullRangeTicks(spec.fee);
  await (
    await market.positionManager.connect(signer).getFunction("mint")({
      token0,
      token1,
      fee: spec.fee,
      tickLower,
      tickUpper,
      amount0Desired: amounts[token0.toLowerCase()],
      amount1Desired: amounts[token1.toLowerCase()],
      amount0Min: 0,
      amount1Min: 0,
      recipient: await signer.getAddress(),
      deadline: 2n ** 40n,
    })
  ).wait();
  return market.factory.getFunction("getPool")(token0, token1, spec.fee);
}

/**
 * Mints `sideUsd` worth (at the feeds' prices) of `asset` and of `quote` to `signer`, for seeding a
 * venue; returns the amounts by lower-cased token address.
 */
export async function mintSides(
  market: LocalMarket,
  signer: Signer,
  asset: string,
  quote: string,
  sideUsd: bigint,
): Promise<Record<string, bigint>> {
  const who = await signer.getAddress();
  const amounts: Record<string, bigint> = {};
  for (const sym of [asset, quote]) {
    const price = await market.feeds[localToken(sym).feed].latestAnswer();
    const amount = (sideUsd * 10n ** BigInt(FEED_DECIMALS + localToken(sym).decimals)) / price;
    amounts[(await market.tokens[sym].getAddress()).toLowerCase()] = amount;
    await (await market.tokens[sym].connect(signer).mint(who, amount)).wait();
  }
  return amounts;
}

/** The extra assets of the gas snapshot and benchmark: tokens, feeds and seeded pools. */
export async function deployExtraAssets(hre: HardhatRuntimeEnvironment): Promise<void> {
  await deployLocalTokens(hre, EXTRA_TOKENS);
  await deployLocalFeeds(hre, EXTRA_TOKENS);
  await deployLocalPools(hre, EXTRA_POOLS);
}

/* ------------------------------------------------------------------ load */

export async function loadLocalMarket(
  hre: HardhatRuntimeEnvironment,
  opts: { withPools: boolean } = { withPools: true },
): Promise<LocalMarket> {
  const get = async (name: string) => (await hre.deployments.get(name)).address;
  const has = async (name: string) => Boolean(await hre.deployments.getOrNull(name));
  const tokens: Record<string, TestERC20> = {};
  const feeds: Record<string, MockV3Aggregator> = {};
  for (const t of [...LOCAL_TOKENS, ...EXTRA_TOKENS]) {
    if (!(await has(NAMES.token(t.symbol)))) continue;
    tokens[t.symbol] = await hre.ethers.getContractAt("TestERC20", await get(NAMES.token(t.symbol)));
    if (await has(NAMES.feed(t.feed))) {
      feeds[t.feed] = await hre.ethers.getContractAt("MockV3Aggregator", await get(NAMES.feed(t.feed)));
    }
  }
  const at = async (name: keyof typeof UNISWAP_ARTIFACTS) =>
    new Contract(await get(name), UNISWAP_ARTIFACTS[name].abi, hre.ethers.provider);
  const pools: LocalMarket["pools"] = {};
  if (opts.withPools) {
    for (const spec of [...LOCAL_POOLS, ...EXTRA_POOLS]) {
      if (!(await has(poolKey(spec)))) continue;
      pools[spec.asset] = {
        contract: new Contract(
          await get(poolKey(spec)),
          UNISWAP_ARTIFACTS.UniswapV3Pool.abi,
          hre.ethers.provider,
        ),
        spec,
      };
    }
  }
  const venues: MarketVenue[] = [];
  if (opts.withPools) {
    for (const spec of LOCAL_VENUES) {
      const key = NAMES.venue(spec.kind, spec.asset, spec.quote, spec.fee);
      if (!(await has(key))) continue;
      const abi =
        spec.kind === "uniswapV3"
          ? UNISWAP_ARTIFACTS.UniswapV3Pool.abi
          : spec.kind === "uniswapV2"
            ? VENUE_ARTIFACTS.UniswapV2Pair.abi
            : VENUE_ARTIFACTS.WeightedPool.abi;
      const contract = new Contract(await get(key), abi, hre.ethers.provider);
      const poolId =
        spec.kind === "balancerWeighted"
          ? ((await contract.getFunction("getPoolId")()) as string)
          : undefined;
      venues.push({ spec, contract, poolId });
    }
  }
  const balancerVault = (await has(NAMES.BalancerVault))
    ? new Contract(await get(NAMES.BalancerVault), VENUE_ARTIFACTS.BalancerVault.abi, hre.ethers.provider)
    : undefined;
  const adapters: Record<string, string> = {};
  for (const name of ADAPTER_NAMES) {
    if (await has(NAMES.adapter(name))) adapters[name] = await get(NAMES.adapter(name));
  }
  return {
    venues,
    balancerVault,
    venueModule: (await has(NAMES.VenueModule)) ? await get(NAMES.VenueModule) : undefined,
    adapters,
    tokens,
    feeds,
    factory: await at("UniswapV3Factory"),
    router: await at("SwapRouter"),
    positionManager: await at("NonfungiblePositionManager"),
    quoter: await at("QuoterV2"),
    pools,
  };
}

/* ------------------------------------------------------------------ market moves */

/** The sqrtPriceX96 at which a pool agrees with the feeds. */
export async function targetSqrtPriceX96(market: LocalMarket, spec: LocalPool): Promise<bigint> {
  const a = localToken(spec.asset);
  const q = localToken(spec.quote);
  const pa = await market.feeds[a.feed].latestAnswer();
  const pq = await market.feeds[q.feed].latestAnswer();
  const assetAddr = await market.tokens[spec.asset].getAddress();
  const quoteAddr = await market.tokens[spec.quote].getAddress();
  return BigInt(assetAddr) < BigInt(quoteAddr)
    ? encodeSqrtPriceX96(pa, pq, a.decimals, q.decimals)
    : encodeSqrtPriceX96(pq, pa, q.decimals, a.decimals);
}

/**
 * Arbitrages a pool to the feeds' price the way a searcher would: one exact-input swap through the
 * real SwapRouter with `sqrtPriceLimitX96` at the oracle price, so the pool stops exactly there.
 * Returns the swap's gas, or 0 when the pool was already there.
 */
export async function arbitragePool(
  market: LocalMarket,
  asset: string,
  arbitrageur: Signer,
): Promise<bigint> {
  return swapPoolTo(market, asset, await targetSqrtPriceX96(market, market.pools[asset].spec), arbitrageur);
}

/**
 * Swaps through the real SwapRouter until the pool's sqrtPriceX96 reaches `target` (the swapper
 * mints what it pays). Used by the arbitrageur, and by tests as the attacker who moves a pool.
 */
export async function swapPoolTo(
  market: LocalMarket,
  asset: string,
  target: bigint,
  swapper: Signer,
): Promise<bigint> {
  const { contract, spec } = market.pools[asset];
  return swapV3PoolTo(market, contract, spec, target, swapper);
}

/** `swapPoolTo` for any Uniswap V3 pool of the local market (`spec` names its pair and fee). */
export async function swapV3PoolTo(
  market: LocalMarket,
  pool: Contract,
  spec: LocalPool,
  target: bigint,
  swapper: Signer,
): Promise<bigint> {
  const [current] = (await pool.getFunction("slot0")()) as [bigint];
  if (current === target) return 0n;
  const token0: string = await pool.getFunction("token0")();
  const token1: string = await pool.getFunction("token1")();
  // Raising sqrtPrice (token1 per token0) means paying token1 in for token0.
  const [tokenIn, tokenOut] = target > current ? [token1, token0] : [token0, token1];
  const inSymbol = (await market.tokens[spec.asset].getAddress()) === tokenIn ? spec.asset : spec.quote;
  const inToken = market.tokens[inSymbol].connect(swapper);
  const who = await swapper.getAddress();
  const budget = 10n ** BigInt(localToken(inSymbol).decimals + 12);
  if ((await inToken.balanceOf(who)) < budget) await (await inToken.mint(who, budget)).wait();
  const routerAddr = await market.router.getAddress();
  if ((await inToken.allowance(who, routerAddr)) < budget) {
    await (await inToken.approve(routerAddr, MaxUint256)).wait();
  }
  const receipt = await swapToPrice(market.router, swapper, {
    tokenIn,
    tokenOut,
    fee: spec.fee,
    amountIn: budget,
    sqrtPriceLimitX96: target,
  });
  return receipt.gasUsed;
}

/**
 * The sqrtPriceX96 at which the pool prices `asset` at (1 + moveBps / 10,000) times the oracle.
 */
export async function sqrtPriceX96AtOracleMove(
  market: LocalMarket,
  asset: string,
  moveBps: number,
): Promise<bigint> {
  const { contract: pool, spec } = market.pools[asset];
  return sqrtPriceX96AtMove(market, pool, spec, moveBps);
}

/** `sqrtPriceX96AtOracleMove` for any Uniswap V3 pool of the local market (`spec` names its pair). */
async function sqrtPriceX96AtMove(
  market: LocalMarket,
  pool: Contract,
  spec: LocalPool,
  moveBps: number,
): Promise<bigint> {
  const oracle = await targetSqrtPriceX96(market, spec);
  const assetIsToken0 =
    (await pool.getFunction("token0")()) === (await market.tokens[spec.asset].getAddress());
  // sqrtPrice scales with the square root of the asset's price (token0) or of its inverse (token1).
  const factor = Math.sqrt(assetIsToken0 ? 1 + moveBps / 1e4 : 1 / (1 + moveBps / 1e4));
  const scale = 10n ** 12n;
  return (oracle * BigInt(Math.round(factor * 1e12))) / scale;
}

/** Sets a feed's answer (USD per token, decimal string or number). */
export async function setFeedPrice(
  market: LocalMarket,
  symbol: string,
  priceUsd: string | number,
): Promise<void> {
  const answer = parseUnits(
    typeof priceUsd === "number" ? priceUsd.toFixed(FEED_DECIMALS) : priceUsd,
    FEED_DECIMALS,
  );
  await (await market.feeds[localToken(symbol).feed].updateAnswer(answer)).wait();
}

/**
 * Moves prices the way the market does: the feeds publish new answers, then an arbitrageur brings
 * every pool back in line with them.
 */
export async function movePrices(
  market: LocalMarket,
  pricesUsd: Record<string, string | number>,
  arbitrageur: Signer,
): Promise<void> {
  for (const [symbol, price] of Object.entries(pricesUsd)) await setFeedPrice(market, symbol, price);
  for (const asset of Object.keys(market.pools)) await arbitragePool(market, asset, arbitrageur);
  for (const venue of market.venues) await arbitrageVenue(market, venue, arbitrageur);
}

/** Raw units of `quote` per raw unit of `asset` at the feeds' prices. */
export async function oracleRatio(market: LocalMarket, asset: string, quote: string): Promise<Ratio> {
  const a = localToken(asset);
  const q = localToken(quote);
  const pa = await market.feeds[a.feed].latestAnswer();
  const pq = await market.feeds[q.feed].latestAnswer();
  return { num: pa * 10n ** BigInt(q.decimals), den: pq * 10n ** BigInt(a.decimals) };
}

/**
 * Swaps a venue of `LOCAL_VENUES` to `(1 + moveBps / 10,000)` times the oracle's price of its asset
 * (0: the arbitrageur's move back to the oracle). Returns the swap's gas, or 0 when already there.
 */
export async function swapVenueTo(
  market: LocalMarket,
  venue: MarketVenue,
  moveBps: number,
  swapper: Signer,
): Promise<bigint> {
  const { spec, contract } = venue;
  if (spec.kind === "uniswapV3") {
    return swapV3PoolTo(
      market,
      contract,
      spec,
      await sqrtPriceX96AtMove(market, contract, spec, moveBps),
      swapper,
    );
  }
  const r = await oracleRatio(market, spec.asset, spec.quote);
  const ratio = { num: r.num * BigInt(1e4 + moveBps), den: r.den * 10_000n };
  const asset = market.tokens[spec.asset];
  const quote = market.tokens[spec.quote];
  if (spec.kind === "uniswapV2") {
    const assetIsToken0 = ((await contract.getFunction("token0")()) as string) === (await asset.getAddress());
    return swapV2PairTo(
      contract,
      assetIsToken0 ? { token0: asset, token1: quote } : { token0: quote, token1: asset },
      assetIsToken0 ? ratio : { num: ratio.den, den: ratio.num },
      swapper,
    );
  }
  const feeWad: bigint = await contract.getFunction("getSwapFeePercentage")();
  return swapBalancerPoolTo(market.balancerVault!, venue.poolId!, feeWad, asset, quote, ratio, swapper);
}

/** Brings a venue back to the oracle, as `arbitragePool` does for a primary pool. */
export const arbitrageVenue = (market: LocalMarket, venue: MarketVenue, arbitrageur: Signer) =>
  swapVenueTo(market, venue, 0, arbitrageur);
