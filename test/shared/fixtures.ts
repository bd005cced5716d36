import { MaxUint256, parseUnits } from "ethers";
import hre, { deployments } from "hardhat";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";

import { time } from "@nomicfoundation/hardhat-network-helpers";

import type {
  IDeltaHedgeLendingVault,
  IDeltaHedgeVault,
  ILeverageVault,
  OptionBook,
  ITargetWeightVault,
} from "../../typechain-types";
import { interfaceOf } from "../../src/vault/kind";
import type { VaultDeployment } from "../../src/vault/localDeploy";
import { TAGS } from "../../src/deployments";
import { type LendingMarket, loadLending, seedLending } from "../../src/market/lending";
import { loadLocalMarket, type LocalMarket } from "../../src/market/localMarket";
import { wad } from "../../src/math/grids";
import {
  type DeltaHedgePreset,
  demoHedgePreset,
  deployLocalDeltaHedgeVault,
  deployLocalOptionBook,
  setUpLocalLendingHedge,
} from "../../src/vault/deltaHedge";
import { deployLocalLeverageVault, demoLeveragePreset } from "../../src/vault/leverage";
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
  vault: ITargetWeightVault;
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
  const base = await marketFixture();
  return balancedVault(base, "funded", demoVaultPreset());
});

/**
 * A vault from `preset` holding alice's deposit, after one unchunked rebalance: deployed with the
 * trade cap wide open (raising it later would wait for the change delay), then narrowed to the
 * preset's (tightening applies at once).
 */
export async function balancedVault(
  base: MarketFixture,
  key: string,
  preset: TargetWeightPreset,
  depositUsdc = "1000000",
): Promise<VaultFixture> {
  const open = { ...preset, settings: { ...preset.settings, maxTradeBps: 10_000 } };
  const f = await deployVaultWithDeposit(base, key, open, depositUsdc);
  await (await f.vault.connect(f.keeper).rebalance()).wait();
  await (await f.vault.setEngineSettings(preset.settings)).wait();
  return f;
}

export interface HedgeFixture extends MarketFixture {
  vault: IDeltaHedgeVault;
  book: OptionBook;
  expiry: number;
}

/**
 * A USDC/WETH hedger reading a book that is short 100 ETH calls struck at 3,150, 30 days out
 * (book delta ≈ −46.7 at spot 3,000), holding 400k USDC and 40 WETH: net delta ≈ −6.7, far below
 * its ±0.5 ETH band.
 */
export async function deployHedge(
  base: MarketFixture,
  key: string,
  preset: DeltaHedgePreset,
): Promise<HedgeFixture> {
  const book = await deployLocalOptionBook(hre, key, base.guardian.address);
  const vault = await deployLocalDeltaHedgeVault(hre, key, preset, await book.getAddress());
  const expiry = (await time.latest()) + 30 * 86_400;
  await (await book.connect(base.guardian).addLeg(true, false, wad(3150), wad(100), expiry)).wait();
  const vaultAddress = await vault.getAddress();
  await fund(base.market, "USDC", base.admin, "400000", vaultAddress);
  await fund(base.market, "WETH", base.admin, "40", vaultAddress);
  await (await vault.fund(0, 400_000n * 10n ** 6n)).wait();
  await (await vault.fund(1, 40n * 10n ** 18n)).wait();
  return { ...base, vault, book, expiry };
}

export const hedgeFixture = deployments.createFixture(async () =>
  deployHedge(await marketFixture(), "Hedge", demoHedgePreset()),
);

/** The funded target-weight vault ("funded") and the Hedge vault on one chain, both due. */
export const bothVaultsFixture = deployments.createFixture(async () =>
  deployHedge(await fundedVaultFixture(), "Hedge", demoHedgePreset()),
);

/**
 * Deploys a vault's extension and core with plain ethers factories (no hardhat-deploy record), and
 * returns the vault typed by its merged interface; for tests that deploy odd configurations. Each
 * deployment sends the gas it was estimated to need, as hardhat-deploy does, not the network's fixed
 * default: the instrumented build under `npm run coverage` needs more than that default (2^24 gas).
 */
export async function deployWithFactories<T extends ITargetWeightVault | IDeltaHedgeVault>(
  d: VaultDeployment,
): Promise<T> {
  const deploy = async (name: string, args: unknown[]) => {
    const factory = await hre.ethers.getContractFactory(name);
    const gasLimit = await hre.ethers.provider.estimateGas(await factory.getDeployTransaction(...args));
    return factory.deploy(...args, { gasLimit });
  };
  const ext = await deploy(d.extension.contract, d.extension.args);
  const core = await deploy(d.core.contract, d.core.args(await ext.getAddress()));
  return (await hre.ethers.getContractAt(interfaceOf(d.kind), await core.getAddress())) as unknown as T;
}

/** A leverage vault on the local Uniswap and Aave markets, with a lender's USDC and two WETH holders. */
export interface LeverageFixture {
  market: LocalMarket;
  lending: LendingMarket;
  vault: ILeverageVault;
  admin: HardhatEthersSigner;
  keeper: HardhatEthersSigner;
  arbitrageur: HardhatEthersSigner;
  alice: HardhatEthersSigner;
  bob: HardhatEthersSigner;
}

/**
 * The demo leverage preset deployed as `Vault_<key>` and activated; a lender has supplied 5,000,000
 * USDC to Aave; alice and bob hold 100 WETH each, approved to the vault.
 */
export const leverageFixture = (key: string) =>
  deployments.createFixture(async (): Promise<LeverageFixture> => {
    await deployments.fixture([TAGS.LocalMarket, TAGS.LendingMarket]);
    const [admin, , keeper, arbitrageur, alice, bob, lender] = await hre.ethers.getSigners();
    const market = await loadLocalMarket(hre);
    const lending = await loadLending(hre);
    await seedLending(lending, market.tokens.USDC, lender, parseUnits("5000000", 6));
    const vault = await deployLocalLeverageVault(hre, key, demoLeveragePreset());
    for (const who of [alice, bob]) {
      await (await market.tokens.WETH.mint(who.address, parseUnits("100", 18))).wait();
      await (await market.tokens.WETH.connect(who).approve(await vault.getAddress(), MaxUint256)).wait();
    }
    return { market, lending, vault, admin, keeper, arbitrageur, alice, bob };
  });

export interface LendingHedgeFixture extends MarketFixture {
  lending: LendingMarket;
  vault: IDeltaHedgeLendingVault;
  book: OptionBook;
  expiry: number;
  lender: HardhatEthersSigner;
}

/** `setUpLocalLendingHedge` ("ShortHedge") on the local Uniswap and Aave markets: see there. */
export const lendingHedgeFixture = deployments.createFixture(async (): Promise<LendingHedgeFixture> => {
  await deployments.fixture([TAGS.LocalMarket, TAGS.LendingMarket]);
  const base = { ...(await actors()), market: await loadLocalMarket(hre) };
  const lender = (await hre.ethers.getSigners())[7];
  const hedge = await setUpLocalLendingHedge(hre, "ShortHedge");
  return { ...base, ...hedge, lending: await loadLending(hre), lender };
});
