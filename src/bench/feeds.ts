import type { HardhatRuntimeEnvironment } from "hardhat/types";

import type { FeedReadProbe } from "../../typechain-types";
import { TAGS } from "../deployments";
import { type ForkActors, type ForkState, TOKEN_FEEDS, buildReplica } from "../fork/market";
import { loadLocalMarket } from "../market/localMarket";
import { localToken } from "../market/spec";

/** One price read as a vault makes it, cold: per feed, on the local market and on the mainnet replica. */
export interface FeedReadResult {
  /** The local market's MockV3Aggregator (what the overhead figures above pay), per asset. */
  local: Record<string, bigint>;
  /** Mainnet's path on the replica: the real EACAggregatorProxy, then the aggregator behind it. */
  twoHop: Record<string, bigint>;
  /** The replica's aggregator read directly (the second hop alone). */
  aggregator: Record<string, bigint>;
}

const SYMBOLS = ["USDC", "WETH"] as const;

async function readGas(probe: FeedReadProbe, feeds: string[]): Promise<bigint[]> {
  // One eth_call per feed, so each read is the first touch of its accounts (a vault reads each once).
  return Promise.all(feeds.map(async (f) => ((await probe.readGas([f])) as bigint[])[0]));
}

/**
 * The gas of `ChainlinkOracleLib.priceWad` on one feed, cold, for the 2-asset vault's two feeds:
 * on the local market's mocks, and on the mainnet replica through the feed proxies (built inside
 * an EVM snapshot that is reverted, so the chain is left as found).
 */
export async function measureFeedReads(
  hre: HardhatRuntimeEnvironment,
  state: ForkState,
  actors: ForkActors,
): Promise<FeedReadResult> {
  await hre.deployments.fixture([TAGS.LocalMarket]);
  const market = await loadLocalMarket(hre);
  const localFeeds = await Promise.all(SYMBOLS.map((s) => market.feeds[localToken(s).feed].getAddress()));
  // Deployed before the snapshot, so the one probe serves both markets.
  const probe = (await hre.ethers.deployContract("FeedReadProbe")) as unknown as FeedReadProbe;
  const local = await readGas(probe, localFeeds);

  const snapshot = await hre.network.provider.send("evm_snapshot", []);
  try {
    const replica = await buildReplica(hre, state, actors);
    const proxies = SYMBOLS.map((s) => replica.feeds[TOKEN_FEEDS[s]]);
    const proxyAddresses = await Promise.all(proxies.map((p) => p.getAddress()));
    const aggregators = await Promise.all(
      proxies.map(async (p) => (await p.getFunction("aggregator")()) as string),
    );
    const [twoHop, aggregator] = [await readGas(probe, proxyAddresses), await readGas(probe, aggregators)];
    const bySymbol = (xs: bigint[]) => Object.fromEntries(SYMBOLS.map((s, i) => [s, xs[i]]));
    return { local: bySymbol(local), twoHop: bySymbol(twoHop), aggregator: bySymbol(aggregator) };
  } finally {
    await hre.network.provider.send("evm_revert", [snapshot]);
  }
}

const fmt = (x: bigint) => x.toLocaleString("en-US");

/** The markdown section bench/results.md carries. */
export function renderFeedSection(r: FeedReadResult): string[] {
  const sum = (m: Record<string, bigint>) => Object.values(m).reduce((a, b) => a + b, 0n);
  return [
    "## Chainlink reads: local mock and mainnet's two hops",
    "",
    "Gas of one price read as the vault makes it (`ChainlinkOracleLib.priceWad`: one",
    "`latestRoundData` STATICCALL and its checks), every account and slot cold, measured by",
    "`FeedReadProbe` with `gasleft()`. *Local*: the local market's `MockV3Aggregator` (what the",
    "overhead figures above pay). *Mainnet path*: on the forked suite's replica, mainnet's",
    "`EACAggregatorProxy` bytecode at the feed's mainnet address, then the aggregator behind it — a",
    "`FluxAggregator` here (mainnet's are OCR aggregators, whose source is not in the packages installed here;",
    "the proxy hop is the real one).",
    "",
    "| feed | local mock | mainnet path (proxy → aggregator) | aggregator alone | proxy hop |",
    "|---|---:|---:|---:|---:|",
    ...Object.keys(r.local).map(
      (s) =>
        `| ${TOKEN_FEEDS[s]} | ${fmt(r.local[s])} | ${fmt(r.twoHop[s])} | ${fmt(r.aggregator[s])} | ${fmt(r.twoHop[s] - r.aggregator[s])} |`,
    ),
    `| both (a 2-asset vault) | ${fmt(sum(r.local))} | ${fmt(sum(r.twoHop))} | ${fmt(sum(r.aggregator))} | ${fmt(sum(r.twoHop) - sum(r.aggregator))} |`,
    "",
    (() => {
      const d = sum(r.twoHop) - sum(r.local);
      const [size, way] = d >= 0n ? [d, "more"] : [-d, "less"];
      return `On mainnet's path a 2-asset rebalance's two feed reads cost ${fmt(size)} gas ${way} than on the local mocks: the engine overhead there differs from the local figure by that much.`;
    })(),
    "",
  ];
}
