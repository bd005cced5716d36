import { ZeroAddress } from "ethers";
import type { HardhatRuntimeEnvironment } from "hardhat/types";

import type { IDeltaHedgeVault, OptionBook } from "../../typechain-types";
import type {
  AmountSettingsStruct,
  EngineSettingsStruct,
} from "../../typechain-types/contracts/interfaces/IDeltaHedgeVault.sol/IDeltaHedgeVault";
import { NAMES } from "../deployments";
import { loadLocalMarket } from "../market/localMarket";
import { WAD } from "../math/units";
import { Mode, Policy } from "./enums";
import {
  type AssetInput,
  type ChainInputs,
  type VaultDeployment,
  deployAndActivateLocal,
  engineInit,
  engineParams,
  localAssetInputs,
  localChain,
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
  const hedge = {
    book,
    volatility: preset.volatility,
    rateWad: preset.rateWad,
    targetDeltaWad: preset.targetDeltaWad,
    band: preset.band,
    limits: preset.limits,
  };
  return {
    kind: "delta-hedge",
    extension: { contract: "DeltaHedgeVaultExt", args: [engineInit(assets, chain)] },
    core: {
      contract: "DeltaHedgeVault",
      args: (extension) => [extension, params, hedge, venueInit(assets, chain)],
    },
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
  const market = await loadLocalMarket(hre);
  const symbols = [preset.quote, preset.underlying];
  const assets = await localAssetInputs(
    market,
    symbols.map((symbol) => ({ symbol, maxStalenessSeconds: preset.maxStalenessSeconds })),
  );
  const d = deltaHedgeVaultDeployment(
    preset,
    assets,
    localChain(market),
    { admin: deployer, guardian },
    book,
  );
  return deployAndActivateLocal<IDeltaHedgeVault>(hre, market, key, d, symbols);
}
