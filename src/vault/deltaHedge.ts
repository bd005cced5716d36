import { ZeroAddress } from "ethers";
import type { HardhatRuntimeEnvironment } from "hardhat/types";

import type { IDeltaHedgeLendingVault, IDeltaHedgeVault, OptionBook } from "../../typechain-types";
import type {
  AmountSettingsStruct,
  EngineSettingsStruct,
} from "../../typechain-types/contracts/interfaces/IDeltaHedgeVault.sol/IDeltaHedgeVault";
import { NAMES } from "../deployments";
import { loadLending, localLendingInit, seedLending } from "../market/lending";
import { loadLocalMarket } from "../market/localMarket";
import { WAD } from "../math/units";
import { Mode, Policy } from "./enums";
import {
  type AssetInput,
  type ChainInputs,
  type VaultDeployment,
  activateLocal,
  deployAndActivateLocal,
  engineInit,
  engineParams,
  localPair,
  venueInit,
} from "./localDeploy";

/** Mirror of IDeltaHedgeVault.BandPolicy. */
export const BandPolicy = { Absolute: 0, RelativeToGross: 1, WhalleyWilmott: 2 } as const;

export interface BandConfig {
  policy: number;
  relativeBps: number; // RelativeToGross: bps of gross book size
  costBps: number; // Whalley–Wilmott λ, bps
  absoluteWad: bigint; // Absolute: half-width, underlying units
  riskAversionWad: bigint; // Whalley–Wilmott γ per unit of quote wealth
  minHalfWidthWad: bigint;
  maxHalfWidthWad: bigint;
}

export interface VolatilitySettings {
  feed: string; // zero: use sigmaWad
  maxStalenessSeconds: number;
  sigmaWad: bigint;
  minSigmaWad: bigint;
  maxSigmaWad: bigint;
}

/** Everything that defines a delta-hedged vault over the local market, in contract units. */
export interface DeltaHedgePreset {
  quote: string; // symbol of asset 0
  underlying: string; // symbol of asset 1
  maxStalenessSeconds: number;
  settings: EngineSettingsStruct;
  amounts: AmountSettingsStruct;
  volatility: VolatilitySettings;
  rateWad: bigint;
  targetDeltaWad: bigint;
  band: BandConfig;
  /** How the hedge follows its book (SPEC §9.5): the expiry fade window and the book-change cooldown. */
  limits: { expiryUnwindSeconds: number; bookCooldownSeconds: number };
}

/**
 * A USDC/WETH hedger: σ 80% set by the admin, r 4%, delta-neutral, ±0.5 ETH band; a rebalance lands
 * 10% inside the band edge (±0.45 ETH), so pool fees cannot leave it just outside.
 */
export function demoHedgePreset(): DeltaHedgePreset {
  return {
    quote: "USDC",
    underlying: "WETH",
    maxStalenessSeconds: 86400,
    settings: {
      policy: Policy.Threshold,
      mode: Mode.ToBandEdge,
      maxSlippageBps: 100,
      maxPoolDeviationBps: 50,
      maxTradeBps: 10_000,
      bandHysteresisBps: 1000,
      cooldownSeconds: 0,
      intervalSeconds: 86400,
      periodSeconds: 86400,
      maxRebalancesPerPeriod: 48,
      maxCostBpsPerPeriod: 200,
      rewardBps: 5,
    },
    amounts: {
      minTradeValue: 10n * 10n ** 6n,
      maxRewardPerCall: 50n * 10n ** 6n,
      rewardCapPerPeriod: 500n * 10n ** 6n,
    },
    volatility: {
      feed: ZeroAddress,
      maxStalenessSeconds: 0,
      sigmaWad: (8n * WAD) / 10n,
      minSigmaWad: WAD / 20n,
      maxSigmaWad: 3n * WAD,
    },
    rateWad: (4n * WAD) / 100n,
    targetDeltaWad: 0n,
    band: {
      policy: BandPolicy.Absolute,
      relativeBps: 0,
      costBps: 0,
      absoluteWad: WAD / 2n,
      riskAversionWad: 0n,
      minHalfWidthWad: WAD / 100n,
      maxHalfWidthWad: 1000n * WAD,
    },
    // An expiring leg's hedge unwinds over its last day; a book manager's changes move the hedge at
    // most once every 4 hours.
    limits: { expiryUnwindSeconds: 86400, bookCooldownSeconds: 4 * 3600 },
  };
}

/**
 * The deployment of a delta-hedged vault for a preset and resolved addresses: the extension takes the
 * immutables (the two assets, router, sequencer feed), the core the initial state and the book.
 */
export function deltaHedgeVaultDeployment(
  preset: DeltaHedgePreset,
  assets: AssetInput[],
  chain: ChainInputs,
  roles: { admin: string; guardian: string },
  book: string,
): VaultDeployment {
  const params = engineParams(assets, roles, preset.settings, preset.amounts);
  const hedge = hedgeInit(preset, book);
  return {
    kind: "delta-hedge",
    extension: { contract: "DeltaHedgeVaultExt", args: [engineInit(assets, chain)] },
    core: {
      contract: "DeltaHedgeVault",
      args: (extension) => [extension, params, hedge, venueInit(assets, chain)],
    },
  };
}

/** The preset's `HedgeInit` for `book`. */
function hedgeInit(preset: DeltaHedgePreset, book: string) {
  return {
    book,
    volatility: preset.volatility,
    rateWad: preset.rateWad,
    targetDeltaWad: preset.targetDeltaWad,
    band: preset.band,
    limits: preset.limits,
  };
}

/** Deploys an OptionBook owned by the deployer with `manager` as book manager (`OptionBook_<key>`). */
export async function deployLocalOptionBook(
  hre: HardhatRuntimeEnvironment,
  key: string,
  manager: string,
): Promise<OptionBook> {
  const { deployer } = await hre.getNamedAccounts();
  const d = await hre.deployments.deploy(NAMES.book(key), {
    contract: "OptionBook",
    from: deployer,
    args: [deployer, manager],
  });
  return (await hre.ethers.getContractAt("OptionBook", d.address)) as unknown as OptionBook;
}

/**
 * Deploys a delta-hedged vault over the local market reading `book` (`Vault_<key>`), and activates it
 * (the admin is funded with each token's probe amount, which `activate()` moves in and back out).
 */
export async function deployLocalDeltaHedgeVault(
  hre: HardhatRuntimeEnvironment,
  key: string,
  preset: DeltaHedgePreset,
  book: string,
): Promise<IDeltaHedgeVault> {
  const { deployer, guardian } = await hre.getNamedAccounts();
  const { market, symbols, assets, chain } = await localPair(hre, preset);
  const d = deltaHedgeVaultDeployment(preset, assets, chain, { admin: deployer, guardian }, book);
  return deployAndActivateLocal<IDeltaHedgeVault>(hre, market, key, d, symbols);
}

/** The LTV cap the demo's lending hedger keeps a short under: 60 % of its quote, against Aave's 77 %. */
export const DEMO_HEDGE_MAX_LTV_BPS = 6000;

/**
 * Deploys a delta-hedged vault with a lending market (`DeltaHedgeLendingVault`) over the local
 * Uniswap and Aave markets, reading `book`, as `Vault_<key>`: its extension (`VaultExt_<key>`), its
 * module (`HedgeLendingModule_<key>`), then its core; activates it and returns it typed by the merged
 * interface, connected to the admin.
 */
export async function deployLocalDeltaHedgeLendingVault(
  hre: HardhatRuntimeEnvironment,
  key: string,
  preset: DeltaHedgePreset,
  book: string,
  maxLtvBps = DEMO_HEDGE_MAX_LTV_BPS,
): Promise<IDeltaHedgeLendingVault> {
  const { deployer, guardian } = await hre.getNamedAccounts();
  const { market, symbols, assets, chain } = await localPair(hre, preset);
  const lending = await localLendingInit(hre);
  const ext = await hre.deployments.deploy(NAMES.extension(key), {
    contract: "DeltaHedgeLendingVaultExt",
    from: deployer,
    args: [engineInit(assets, chain), lending],
  });
  const module = await hre.deployments.deploy(`HedgeLendingModule_${key}`, {
    contract: "DeltaHedgeLendingModule",
    from: deployer,
    args: [ext.address],
  });
  const params = engineParams(assets, { admin: deployer, guardian }, preset.settings, preset.amounts);
  const core = await hre.deployments.deploy(NAMES.vault(key), {
    contract: "DeltaHedgeLendingVault",
    from: deployer,
    args: [ext.address, module.address, params, hedgeInit(preset, book), maxLtvBps, venueInit(assets, chain)],
  });
  const vault = (await hre.ethers.getContractAt(
    "IDeltaHedgeLendingVault",
    core.address,
    await hre.ethers.getSigner(deployer),
  )) as unknown as IDeltaHedgeLendingVault;
  await activateLocal(hre, market, vault, symbols);
  return vault;
}

/** A delta-hedged vault with a lending market set up on the local chain, as the tests, the gas snapshot and the demo use it. */
export interface LocalLendingHedge {
  vault: IDeltaHedgeLendingVault;
  book: OptionBook;
  expiry: number;
}

/** The book and funding `setUpLocalLendingHedge` starts from (defaults in brackets). */
export interface LocalLendingHedgeOptions {
  preset?: DeltaHedgePreset; // [demoHedgePreset()]
  strikeWad?: bigint; // long calls struck here [3,000]
  callsWad?: bigint; // this many [40 ETH]
  expirySeconds?: number; // expiring this long after the setup [30 days]
  fundUsdc?: bigint; // the vault's USDC, token units [200,000]
}

/**
 * The local short-hedge setup: a lender (signer 7) supplies 10,000 WETH to the local Aave market; a
 * book managed by the guardian (signer 1) is long calls (40 ETH struck at 3,000, 30 days out by
 * default: book delta ≈ +22 at spot 3,000); a `DeltaHedgeLendingVault` (`Vault_<key>`) reads it,
 * funded by the admin with USDC and no WETH, so its first rebalance goes short.
 */
export async function setUpLocalLendingHedge(
  hre: HardhatRuntimeEnvironment,
  key: string,
  opts: LocalLendingHedgeOptions = {},
): Promise<LocalLendingHedge> {
  const signers = await hre.ethers.getSigners();
  const [admin, guardian, lender] = [signers[0], signers[1], signers[7]];
  const market = await loadLocalMarket(hre);
  await seedLending(await loadLending(hre), market.tokens.WETH, lender, 10_000n * WAD);
  const book = await deployLocalOptionBook(hre, key, guardian.address);
  const vault = await deployLocalDeltaHedgeLendingVault(
    hre,
    key,
    opts.preset ?? demoHedgePreset(),
    await book.getAddress(),
  );
  const now = Number((await hre.ethers.provider.getBlock("latest"))!.timestamp);
  const expiry = now + (opts.expirySeconds ?? 30 * 86_400);
  const strike = opts.strikeWad ?? 3000n * WAD;
  await (await book.connect(guardian).addLeg(true, true, strike, opts.callsWad ?? 40n * WAD, expiry)).wait();
  const usdc = opts.fundUsdc ?? 200_000n * 10n ** 6n;
  await (await market.tokens.USDC.mint(admin.address, usdc)).wait();
  await (await market.tokens.USDC.connect(admin).approve(await vault.getAddress(), usdc)).wait();
  await (await vault.connect(admin).fund(0, usdc)).wait();
  return { vault, book, expiry };
}
