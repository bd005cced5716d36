import { ZeroAddress, isAddress } from "ethers";
import type { HardhatRuntimeEnvironment } from "hardhat/types";

import { UserError } from "../config/env";
import { isLocalNetwork } from "../config/local";
import { addressBook, type NetworkAddressBook } from "../config/networks";
import { NAMES } from "../deployments";
import { loadLocalMarket } from "../market/localMarket";
import {
  type AssetInput,
  type VenueInput,
  localAssetInputs,
  localChain,
  localVenueInputs,
} from "../vault/localDeploy";
import { creProblems } from "./cre";
import type { NetworkPreset, VaultPlan } from "./presets";

/** Address-book entries a live deployment may rest on. SINGLE_SOURCE and UNVERIFIED ones are refused. */
const TRUSTED = ["VERIFIED", "DERIVED"];

/** Staleness margin over a feed's heartbeat when a preset leaves maxStalenessSeconds at 0. */
const HEARTBEAT_MARGIN = 1.25;

/** A plan's assets as (symbol, staleness) pairs, quote first. */
function assetsOf(plan: VaultPlan): { symbol: string; maxStalenessSeconds: number }[] {
  if (plan.kind === "target-weight") return plan.preset.assets;
  return [plan.preset.quote, plan.preset.underlying].map((symbol) => ({
    symbol,
    maxStalenessSeconds: plan.preset.maxStalenessSeconds,
  }));
}

/**
 * Everything a live preset lacks or rests on that is not trustworthy, one phrase each; empty when
 * the preset can be deployed. Local presets resolve against the local market and are complete.
 */
export function presetProblems(preset: NetworkPreset): string[] {
  const problems: string[] = [];
  const role = (what: string, r: { env: string; value: string | undefined }) => {
    if (r.value === undefined) problems.push(`${what} (set ${r.env})`);
    else if (!isAddress(r.value)) problems.push(`${what}: ${r.env}='${r.value}' is not an address`);
  };
  role("guardian", preset.guardian);
  if (preset.vaults.some((v) => v.kind === "delta-hedge" && "deploy" in v.book))
    role("book manager", preset.bookManager);
  if (preset.timelock) {
    if (preset.timelock.proposers.length === 0) problems.push("timelock proposers (none listed)");
    if (preset.timelock.executors.length === 0) problems.push("timelock executors (none listed)");
    preset.timelock.proposers.forEach((p) => role("timelock proposer", p));
    preset.timelock.executors.forEach((p) => role("timelock executor", p));
  }
  if (preset.vaults.length === 0) problems.push("vaults (none listed)");
  problems.push(...creProblems(preset));
  if (isLocalNetwork(preset.network)) return problems;

  let book: NetworkAddressBook;
  try {
    book = addressBook(preset.network);
  } catch (e) {
    return [...problems, (e as Error).message];
  }
  const trusted = (what: string, entry: { status: string } | undefined) => {
    if (!entry) problems.push(`${what} (not in the address book)`);
    else if (!TRUSTED.includes(entry.status)) problems.push(`${what} is ${entry.status} in the address book`);
  };
  if (preset.sequencer)
    trusted(`sequencer feed ${preset.sequencer.feed}`, book.chainlink[preset.sequencer.feed]);
  for (const plan of preset.vaults) {
    const at = `vault ${plan.key}`;
    if (plan.kind === "target-weight") {
      const sum = plan.preset.assets.reduce((a, x) => a + x.targetBps, 0);
      if (sum !== 10_000) problems.push(`${at}: targets sum to ${sum} bps, not 10000`);
    }
    if (plan.kind === "delta-hedge" && "address" in plan.book && !isAddress(plan.book.address))
      problems.push(`${at}: book address`);
    const assets = assetsOf(plan);
    for (const [i, a] of assets.entries()) {
      trusted(`${at}: token ${a.symbol}`, book.tokens[a.symbol]);
      const source = plan.sources?.[a.symbol];
      if (!source) {
        problems.push(`${at}: feed${i === 0 ? "" : " and pool"} for ${a.symbol} (sources.${a.symbol})`);
        continue;
      }
      const feed = book.chainlink[source.feed];
      trusted(`${at}: feed ${source.feed}`, feed);
      if (feed && a.maxStalenessSeconds === 0 && feed.heartbeatSeconds === null)
        problems.push(
          `${at}: maxStalenessSeconds for ${a.symbol} (no heartbeat recorded for ${source.feed})`,
        );
      if (i === 0) continue;
      if (!source.pool) {
        problems.push(`${at}: pool for ${a.symbol}`);
        continue;
      }
      const pool = book.uniswapV3.pools[source.pool];
      trusted(`${at}: pool ${source.pool}`, pool);
      const tokenA = book.tokens[a.symbol]?.address.toLowerCase();
      const quote = book.tokens[assets[0].symbol]?.address.toLowerCase();
      if (pool && tokenA && quote) {
        const pair = [pool.token0.toLowerCase(), pool.token1.toLowerCase()].sort().join();
        if (pair !== [tokenA, quote].sort().join())
          problems.push(`${at}: pool ${source.pool} is not ${a.symbol}/${assets[0].symbol}`);
      }
    }
  }
  return problems;
}

/** Refuses an incomplete preset with one line naming everything missing. */
export function assertPresetComplete(preset: NetworkPreset): void {
  const problems = presetProblems(preset);
  if (problems.length > 0) {
    throw new UserError(
      `refusing to deploy to ${preset.network}: the preset is incomplete: ${problems.join("; ")}. ` +
        `Fill it in (src/deploy/presets.ts, .env.example) and retry.`,
    );
  }
}

/** A vault's resolved constructor inputs. */
export interface ResolvedVault {
  assets: AssetInput[];
  /** Venues beyond each asset's primary pool (the plan's `venues`). */
  extraVenues: VenueInput[];
  venueModule: string;
  v3Adapter: string;
  sequencerFeed: string;
  sequencerGraceSeconds: number;
}

/** Resolves a plan's addresses: from the local market on local networks, else from the address book. */
export async function resolveVaultInputs(
  hre: HardhatRuntimeEnvironment,
  preset: NetworkPreset,
  plan: VaultPlan,
): Promise<ResolvedVault> {
  const assets = assetsOf(plan);
  const venues = plan.kind === "target-weight" ? (plan.preset.venues?.extra ?? []) : [];
  if (isLocalNetwork(preset.network)) {
    const market = await loadLocalMarket(hre);
    return {
      assets: await localAssetInputs(market, assets),
      extraVenues: await localVenueInputs(
        hre,
        market,
        assets.map((a) => a.symbol),
        venues,
      ),
      ...localChain(market),
    };
  }
  if (venues.length > 0) {
    throw new UserError(
      `vault ${plan.key} on ${preset.network}: extra venues resolve only on the local market so far ` +
        `(the address book has no Uniswap V2 or Balancer pools); deploy with each asset's pool, then list ` +
        `the others with setVenues.`,
    );
  }
  const book = addressBook(preset.network);
  return {
    assets: assets.map((a, i) => {
      const source = plan.sources![a.symbol];
      const feed = book.chainlink[source.feed];
      return {
        token: book.tokens[a.symbol].address,
        feed: feed.address,
        pool: i === 0 ? ZeroAddress : book.uniswapV3.pools[source.pool!].address,
        maxStalenessSeconds:
          a.maxStalenessSeconds > 0
            ? a.maxStalenessSeconds
            : Math.ceil(feed.heartbeatSeconds! * HEARTBEAT_MARGIN),
      };
    }),
    extraVenues: [],
    venueModule: (await hre.deployments.get(NAMES.VenueModule)).address,
    v3Adapter: ZeroAddress, // each asset's pool is a built-in venue of the module
    sequencerFeed: preset.sequencer ? book.chainlink[preset.sequencer.feed].address : ZeroAddress,
    sequencerGraceSeconds: preset.sequencer?.graceSeconds ?? 0,
  };
}
