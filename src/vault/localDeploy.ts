import { MaxUint256, ZeroAddress } from "ethers";
import type { HardhatRuntimeEnvironment } from "hardhat/types";

import type { IRebalanceEngine } from "../../typechain-types";
import { type LocalMarket, loadLocalMarket } from "../market/localMarket";
import { NAMES } from "../deployments";
import { localToken, type VenueKind } from "../market/spec";
import type { VaultKindName } from "./kind";

/** An asset resolved to addresses: token, feed, pool (zero for the quote asset), and its staleness limit. */
export interface AssetInput {
  token: string;
  feed: string;
  pool: string;
  maxStalenessSeconds: number;
}

/**
 * The chain-level inputs of a vault: the venue module its swaps run through, the Uniswap V3 adapter
 * (through the chain's router) each asset's pool is listed with, and the L2 sequencer feed.
 */
export interface ChainInputs {
  venueModule: string;
  v3Adapter: string;
  sequencerFeed: string;
  sequencerGraceSeconds: number;
}

/** The local market's chain: L1, its venue module, SwapRouter (v1) through the V3 adapter. */
export const localChain = (market: LocalMarket): ChainInputs => {
  if (!market.venueModule) {
    throw new Error("the local market has no venue module: deploy with the LocalMarket tag");
  }
  return {
    venueModule: market.venueModule,
    v3Adapter: ZeroAddress,
    sequencerFeed: ZeroAddress,
    sequencerGraceSeconds: 0,
  };
};

/** The `EngineInit` an extension's constructor takes: what is fixed for the vault's life. */
export function engineInit(assets: AssetInput[], chain: ChainInputs) {
  return {
    assets: assets.map(({ token, feed, pool }) => ({ token, feed, pool })),
    venueModule: chain.venueModule,
    sequencerFeed: chain.sequencerFeed,
    sequencerGraceSeconds: chain.sequencerGraceSeconds,
  };
}

/** A venue as a vault lists it: `asset` trades against `counter` (0: the quote asset) on `pool`. */
export interface VenueInput {
  adapter: string;
  pool: string;
  asset: number;
  counter: number;
}

/**
 * A venue a preset lists beyond each asset's primary pool, by symbol: a pool of `kind` (and fee
 * tier, millionths) on which `asset` trades against `counter` — the quote asset, or another of the
 * vault's assets for a direct route.
 */
export interface VenueSpec {
  kind: VenueKind;
  asset: string;
  counter: string;
  fee: number;
}

/** A preset's venues: the extra venues and the expected gain (quote WAD) an extra venue must add. */
export interface VenuePlan {
  extra: VenueSpec[];
  minSplitGainWad: bigint;
}

/** The adapter a local venue of each kind is listed with (a Uniswap V3 pool is built in: none). */
const LOCAL_ADAPTER: Record<VenueKind, string | null> = {
  uniswapV3: null,
  uniswapV2: "UniswapV2",
  balancerWeighted: "BalancerV2",
};

/** A preset's venue specs resolved against the local market, for a vault over `symbols` (quote first). */
export async function localVenueInputs(
  hre: HardhatRuntimeEnvironment,
  market: LocalMarket,
  symbols: string[],
  specs: VenueSpec[],
): Promise<VenueInput[]> {
  const out: VenueInput[] = [];
  for (const s of specs) {
    const venue = market.venues.find(
      (v) =>
        v.spec.kind === s.kind &&
        v.spec.fee === s.fee &&
        ((v.spec.asset === s.asset && v.spec.quote === s.counter) ||
          (v.spec.asset === s.counter && v.spec.quote === s.asset)),
    );
    const [asset, counter] = [symbols.indexOf(s.asset), symbols.indexOf(s.counter)];
    if (!venue || asset < 1 || counter < 0) {
      throw new Error(
        `the local market has no ${s.kind} ${s.asset}/${s.counter} venue at fee ${s.fee} for a vault of ${symbols.join("/")}`,
      );
    }
    const adapter = LOCAL_ADAPTER[s.kind];
    out.push({
      adapter: adapter ? (await hre.deployments.get(NAMES.adapter(adapter))).address : ZeroAddress,
      pool: await venue.contract.getAddress(),
      asset,
      counter,
    });
  }
  return out;
}

/**
 * The `VenueInit` a core's constructor takes: each non-quote asset's pool through the chain's
 * Uniswap V3 adapter, then `extra` venues; an extra venue is used only when it adds
 * `minSplitGainWad` (quote WAD) of expected output to a leg.
 */
export function venueInit(
  assets: AssetInput[],
  chain: ChainInputs,
  extra: VenueInput[] = [],
  minSplitGainWad = 0n,
) {
  const primary = assets
    .slice(1)
    .map((a, i) => ({ adapter: chain.v3Adapter, pool: a.pool, asset: i + 1, counter: 0 }));
  return { venues: [...primary, ...extra], minSplitGainWad };
}

/** The `EngineParams` a core's constructor takes: the engine's initial, changeable state. */
export function engineParams(
  assets: AssetInput[],
  roles: { admin: string; guardian: string },
  settings: unknown,
  amounts: unknown,
) {
  return { ...roles, settings, amounts, maxStalenessSeconds: assets.map((a) => a.maxStalenessSeconds) };
}

/**
 * What deploying one vault takes: its extension (deployed first, with the immutables) and its core
 * (given the extension's address, with the initial state). The same for local and live networks.
 */
export interface VaultDeployment {
  kind: VaultKindName;
  extension: { contract: "TargetWeightVaultExt" | "DeltaHedgeVaultExt"; args: unknown[] };
  core: { contract: "TargetWeightVault" | "DeltaHedgeVault"; args: (extension: string) => unknown[] };
}

/**
 * Deploys a vault's extension (`VaultExt_<key>`) and core (`Vault_<key>`) with hardhat-deploy; with
 * `skipIfAlreadyDeployed` a recorded vault is kept. Returns the core's address, the vault's address.
 */
export async function deployVault(
  hre: HardhatRuntimeEnvironment,
  key: string,
  d: VaultDeployment,
  opts: { skipIfAlreadyDeployed?: boolean; log?: boolean } = {},
): Promise<string> {
  const { deployer } = await hre.getNamedAccounts();
  const ext = await hre.deployments.deploy(NAMES.extension(key), {
    contract: d.extension.contract,
    from: deployer,
    args: d.extension.args,
    ...opts,
  });
  const core = await hre.deployments.deploy(NAMES.vault(key), {
    contract: d.core.contract,
    from: deployer,
    args: d.core.args(ext.address),
    ...opts,
  });
  return core.address;
}

/**
 * The local market and a two-asset vault's inputs on it (the quote asset, then the underlying), where
 * every two-asset local deployer starts.
 */
export async function localPair(
  hre: HardhatRuntimeEnvironment,
  pair: { quote: string; underlying: string; maxStalenessSeconds: number },
): Promise<{ market: LocalMarket; symbols: string[]; assets: AssetInput[]; chain: ChainInputs }> {
  const market = await loadLocalMarket(hre);
  const symbols = [pair.quote, pair.underlying];
  const assets = await localAssetInputs(
    market,
    symbols.map((symbol) => ({ symbol, maxStalenessSeconds: pair.maxStalenessSeconds })),
  );
  return { market, symbols, assets, chain: localChain(market) };
}

/** Resolves local-market addresses for `assets`, the first being the quote asset (no pool). */
export async function localAssetInputs(
  market: LocalMarket,
  assets: { symbol: string; maxStalenessSeconds: number }[],
): Promise<AssetInput[]> {
  const out: AssetInput[] = [];
  for (const [i, a] of assets.entries()) {
    out.push({
      token: await market.tokens[a.symbol].getAddress(),
      feed: await market.feeds[localToken(a.symbol).feed].getAddress(),
      pool: i === 0 ? ZeroAddress : await market.pools[a.symbol].contract.getAddress(),
      maxStalenessSeconds: a.maxStalenessSeconds,
    });
  }
  return out;
}

/**
 * Activates a vault on the local market unless it already is: the admin is funded with each token's
 * probe amount, which `activate()` moves in and back out.
 */
export async function activateLocal(
  hre: HardhatRuntimeEnvironment,
  market: LocalMarket,
  vault: IRebalanceEngine,
  symbols: string[],
): Promise<void> {
  if (await vault.active()) return;
  const { deployer } = await hre.getNamedAccounts();
  const admin = await hre.ethers.getSigner(deployer);
  const address = await vault.getAddress();
  for (const [i, symbol] of symbols.entries()) {
    const token = market.tokens[symbol].connect(admin);
    await (await token.mint(deployer, await vault.probeAmount(i))).wait();
    await (await token.approve(address, MaxUint256)).wait();
  }
  await (await vault.connect(admin).activate()).wait();
}

/**
 * Deploys a vault over the local market as `Vault_<key>` (and its extension), activates it, and
 * returns it typed by its merged interface and connected to the admin.
 */
export async function deployAndActivateLocal<T extends IRebalanceEngine>(
  hre: HardhatRuntimeEnvironment,
  market: LocalMarket,
  key: string,
  d: VaultDeployment,
  symbols: string[],
): Promise<T> {
  const { deployer } = await hre.getNamedAccounts();
  const address = await deployVault(hre, key, d);
  const admin = await hre.ethers.getSigner(deployer);
  const iface = d.kind === "target-weight" ? "ITargetWeightVault" : "IDeltaHedgeVault";
  const vault = (await hre.ethers.getContractAt(iface, address, admin)) as unknown as T;
  await activateLocal(hre, market, vault, symbols);
  return vault;
}
