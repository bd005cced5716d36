import { MaxUint256, ZeroAddress } from "ethers";
import type { HardhatRuntimeEnvironment } from "hardhat/types";

import type { IRebalanceEngine } from "../../typechain-types";
import type { LocalMarket } from "../market/localMarket";
import { NAMES } from "../deployments";
import { localToken } from "../market/spec";
import type { VaultKindName } from "./kind";

/** An asset resolved to addresses: token, feed, pool (zero for the quote asset), and its staleness limit. */
export interface AssetInput {
  token: string;
  feed: string;
  pool: string;
  maxStalenessSeconds: number;
}

/** The chain-level immutables of a vault: router and L2 sequencer feed. */
export interface ChainInputs {
  router: string;
  routerIs02: boolean;
  sequencerFeed: string;
  sequencerGraceSeconds: number;
}

/** A chain on L1 with SwapRouter (v1), as the local market has. */
export const localChain = (router: string): ChainInputs => ({
  router,
  routerIs02: false,
  sequencerFeed: ZeroAddress,
  sequencerGraceSeconds: 0,
});

/** The `EngineInit` an extension's constructor takes: what is fixed for the vault's life. */
export function engineInit(assets: AssetInput[], chain: ChainInputs) {
  return { assets: assets.map(({ token, feed, pool }) => ({ token, feed, pool })), ...chain };
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
