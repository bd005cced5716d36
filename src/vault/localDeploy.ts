import { MaxUint256, ZeroAddress } from "ethers";
import type { HardhatRuntimeEnvironment } from "hardhat/types";

import type { LocalMarket } from "../market/localMarket";
import { NAMES } from "../deployments";
import { localToken } from "../market/spec";

/** An asset as the engine's constructor takes it: token, feed, pool (zero for the quote asset), staleness. */
export interface AssetInput {
  token: string;
  feed: string;
  pool: string;
  maxStalenessSeconds: number;
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

/** The engine functions activation needs (both vault types have them). */
interface Activatable {
  getAddress(): Promise<string>;
  active(): Promise<boolean>;
  probeAmount(i: number): Promise<bigint>;
  activate(): Promise<{ wait(): Promise<unknown> }>;
}

/**
 * Activates a vault on the local market unless it already is: the admin is funded with each token's
 * probe amount, which `activate()` moves in and back out.
 */
export async function activateLocal(
  hre: HardhatRuntimeEnvironment,
  market: LocalMarket,
  vault: Activatable,
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
  await (await vault.activate()).wait();
}

/**
 * Deploys a vault over the local market as `Vault_<key>` (hardhat-deploy), activates it, and returns
 * it connected to the admin.
 */
export async function deployAndActivateLocal<T extends Activatable>(
  hre: HardhatRuntimeEnvironment,
  market: LocalMarket,
  key: string,
  contract: "TargetWeightVault" | "DeltaHedgeVault",
  args: readonly unknown[],
  symbols: string[],
): Promise<T> {
  const { deployer } = await hre.getNamedAccounts();
  const d = await hre.deployments.deploy(NAMES.vault(key), { contract, from: deployer, args: [...args] });
  const admin = await hre.ethers.getSigner(deployer);
  const vault = (await hre.ethers.getContractAt(contract, d.address, admin)) as unknown as T;
  await activateLocal(hre, market, vault, symbols);
  return vault;
}
