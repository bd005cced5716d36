import { MaxUint256, parseUnits } from "ethers";
import hre, { deployments } from "hardhat";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";

import type { TargetWeightVault } from "../../typechain-types";
import { TAGS } from "../../src/deployments";
import { loadLocalMarket, type LocalMarket } from "../../src/market/localMarket";
import {
  demoVaultPreset,
  deployLocalTargetWeightVault,
  type TargetWeightPreset,
} from "../../src/vault/targetWeight";

/**
 * Named, typed, composable fixtures. `deployments.createFixture` is hardhat-deploy's loadFixture:
 * the first call deploys and snapshots, later calls revert to the snapshot, so no test sees another's state.
 */

export interface Actors {
  admin: HardhatEthersSigner;
  guardian: HardhatEthersSigner;
  keeper: HardhatEthersSigner;
  arbitrageur: HardhatEthersSigner;
  alice: HardhatEthersSigner;
  bob: HardhatEthersSigner;
  stranger: HardhatEthersSigner;
}

export interface MarketFixture extends Actors {
  market: LocalMarket;
}

export interface VaultFixture extends MarketFixture {
  vault: TargetWeightVault;
}

async function actors(): Promise<Actors> {
  const [admin, guardian, keeper, arbitrageur, alice, bob, stranger] = await hre.ethers.getSigners();
  return { admin, guardian, keeper, arbitrageur, alice, bob, stranger };
}

/** The local market: tokens, feeds, real Uniswap V3, seeded pools. */
export const marketFixture = deployments.createFixture(async (): Promise<MarketFixture> => {
  await deployments.fixture([TAGS.LocalMarket]);
  return { ...(await actors()), market: await loadLocalMarket(hre) };
});

/** Mints `amount` (whole-token decimal string) of a local token to `to` and approves `spender`. */
export async function fund(
  market: LocalMarket,
  symbol: string,
  to: HardhatEthersSigner,
  amount: string,
  spender?: string,
): Promise<bigint> {
  const token = market.tokens[symbol];
  const units = parseUnits(amount, await token.decimals());
  await (await token.mint(to.address, units)).wait();
  if (spender) await (await token.connect(to).approve(spender, MaxUint256)).wait();
  return units;
}

/** Deploys a vault from `preset` on the market and has alice deposit `depositUsdc`. */
export async function deployVaultWithDeposit(
  base: MarketFixture,
  key: string,
  preset: TargetWeightPreset,
  depositUsdc = "1000000",
): Promise<VaultFixture> {
  const vault = await deployLocalTargetWeightVault(hre, key, preset);
  if (depositUsdc !== "0") {
    const units = await fund(base.market, "USDC", base.alice, depositUsdc, await vault.getAddress());
    await (await vault.connect(base.alice).deposit(units, base.alice.address)).wait();
  }
  return { ...base, vault };
}

/** The demo vault (USDC/WETH/WBTC 40/30/30, ±5%) holding alice's 1M USDC deposit: all quote, far out of band. */
export const fundedVaultFixture = deployments.createFixture(async (): Promise<VaultFixture> => {
  const base = await marketFixture();
  return deployVaultWithDeposit(base, "funded", demoVaultPreset());
});

/**
 * The demo vault after its first rebalance (one unchunked call): at target, cooldown running.
 * Settings are restored to the preset's afterwards.
 */
export const balancedVaultFixture = deployments.createFixture(async (): Promise<VaultFixture> => {
  const f = await fundedVaultFixture();
  const preset = demoVaultPreset();
  await (await f.vault.setEngineSettings({ ...preset.settings, maxTradeBps: 10_000 })).wait();
  await (await f.vault.connect(f.keeper).rebalance()).wait();
  await (await f.vault.setEngineSettings(preset.settings)).wait();
  return f;
});
