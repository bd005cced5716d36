import type { HardhatRuntimeEnvironment } from "hardhat/types";

import type { ITargetWeightVault } from "../../typechain-types";
import type {
  AmountSettingsStruct,
  EngineSettingsStruct,
} from "../../typechain-types/contracts/interfaces/ITargetWeightVault.sol/ITargetWeightVault";
import { loadLocalMarket } from "../market/localMarket";
import { Mode, Policy } from "./enums";
import {
  type AssetInput,
  type ChainInputs,
  type VaultDeployment,
  type VenueInput,
  type VenuePlan,
  deployAndActivateLocal,
  engineInit,
  engineParams,
  localAssetInputs,
  localChain,
  localVenueInputs,
  venueInit,
} from "./localDeploy";

export type { AssetInput } from "./localDeploy";

/** One asset of a target-weight vault preset; asset 0 is the quote asset. */
export interface WeightedAsset {
  symbol: string;
  targetBps: number;
  /** Absolute band, bps of NAV; 0 = off. */
  absBandBps: number;
  /** Relative band, bps of the target; 0 = off. */
  relBandBps: number;
  maxStalenessSeconds: number;
}

/** Everything that defines a target-weight vault, in the units the contract takes. */
export interface TargetWeightPreset {
  name: string;
  symbol: string;
  assets: WeightedAsset[];
  settings: EngineSettingsStruct;
  amounts: AmountSettingsStruct;
  targetDelaySeconds: number;
  sequencer?: { feed: string; graceSeconds: number };
  /** Venues beyond each asset's primary pool (resolved by the deployment); none by default. */
  venues?: VenuePlan;
}

/** Defaults a protocol team would start from; SPEC.md explains each. */
export const DEFAULT_ENGINE_SETTINGS: EngineSettingsStruct = {
  policy: Policy.Hybrid,
  mode: Mode.ToTarget,
  maxSlippageBps: 100,
  maxPoolDeviationBps: 50,
  maxTradeBps: 2500,
  bandHysteresisBps: 2000,
  cooldownSeconds: 3600,
  intervalSeconds: 30 * 86400,
  periodSeconds: 86400,
  maxRebalancesPerPeriod: 24,
  maxCostBpsPerPeriod: 100,
  rewardBps: 5,
};

/**
 * Every other venue the local market has for the demo's assets: WETH/USDC on the 0.3 % Uniswap V3
 * tier, Uniswap V2 and Balancer (0.1 %), WBTC/USDC on Uniswap V2, and WBTC/WETH direct on Uniswap V3
 * (0.3 %). An extra venue must add $5 of expected output to a leg — about what its swap's gas costs
 * (≈ 100k gas at 15 gwei and $3,000 ETH).
 */
export function demoVenues(): VenuePlan {
  return {
    extra: [
      { kind: "uniswapV3", asset: "WETH", counter: "USDC", fee: 3000 },
      { kind: "uniswapV2", asset: "WETH", counter: "USDC", fee: 3000 },
      { kind: "balancerWeighted", asset: "WETH", counter: "USDC", fee: 1000 },
      { kind: "uniswapV2", asset: "WBTC", counter: "USDC", fee: 3000 },
      { kind: "uniswapV3", asset: "WBTC", counter: "WETH", fee: 3000 },
    ],
    minSplitGainWad: 5n * 10n ** 18n,
  };
}

/** The demo's three-asset vault on the local market: 40% USDC, 30% WETH, 30% WBTC, ±5% bands. */
export function demoVaultPreset(): TargetWeightPreset {
  return {
    name: "Ballast USDC/WETH/WBTC",
    symbol: "bUWW",
    assets: [
      { symbol: "USDC", targetBps: 4000, absBandBps: 500, relBandBps: 0, maxStalenessSeconds: 86400 },
      { symbol: "WETH", targetBps: 3000, absBandBps: 500, relBandBps: 0, maxStalenessSeconds: 86400 },
      { symbol: "WBTC", targetBps: 3000, absBandBps: 500, relBandBps: 0, maxStalenessSeconds: 86400 },
    ],
    settings: { ...DEFAULT_ENGINE_SETTINGS },
    amounts: {
      minTradeValue: 100n * 10n ** 6n,
      maxRewardPerCall: 50n * 10n ** 6n,
      rewardCapPerPeriod: 200n * 10n ** 6n,
    },
    targetDelaySeconds: 86400,
  };
}

/**
 * The deployment of a target-weight vault for a preset and resolved addresses: the extension takes the
 * immutables (assets, router, sequencer feed, target delay), the core the initial state.
 */
export function targetWeightVaultDeployment(
  preset: TargetWeightPreset,
  assets: AssetInput[],
  chain: ChainInputs,
  roles: { admin: string; guardian: string },
  extraVenues: VenueInput[] = [],
): VaultDeployment {
  const init = engineInit(assets, {
    ...chain,
    sequencerFeed: preset.sequencer?.feed ?? chain.sequencerFeed,
    sequencerGraceSeconds: preset.sequencer?.graceSeconds ?? chain.sequencerGraceSeconds,
  });
  const params = engineParams(assets, roles, preset.settings, preset.amounts);
  const weights = {
    targetBps: preset.assets.map((a) => a.targetBps),
    absBandBps: preset.assets.map((a) => a.absBandBps),
    relBandBps: preset.assets.map((a) => a.relBandBps),
  };
  return {
    kind: "target-weight",
    extension: { contract: "TargetWeightVaultExt", args: [init, preset.targetDelaySeconds] },
    core: {
      contract: "TargetWeightVault",
      args: (extension) => [
        extension,
        preset.name,
        preset.symbol,
        params,
        weights,
        venueInit(assets, chain, extraVenues, preset.venues?.minSplitGainWad ?? 0n),
      ],
    },
  };
}

/**
 * Deploys a target-weight vault over the local market (recorded as `Vault_<key>`), then activates
 * it: the admin is funded with each token's probe amount, which `activate()` moves in and back out.
 */
export async function deployLocalTargetWeightVault(
  hre: HardhatRuntimeEnvironment,
  key: string,
  preset: TargetWeightPreset,
): Promise<ITargetWeightVault> {
  const { deployer, guardian } = await hre.getNamedAccounts();
  const market = await loadLocalMarket(hre);
  const assets = await localAssetInputs(market, preset.assets);
  const symbols = preset.assets.map((a) => a.symbol);
  const extra = await localVenueInputs(hre, market, symbols, preset.venues?.extra ?? []);
  const d = targetWeightVaultDeployment(
    preset,
    assets,
    localChain(market),
    {
      admin: deployer,
      guardian,
    },
    extra,
  );
  return deployAndActivateLocal<ITargetWeightVault>(
    hre,
    market,
    key,
    d,
    preset.assets.map((a) => a.symbol),
  );
}
