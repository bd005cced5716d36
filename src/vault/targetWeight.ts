import { ZeroAddress } from "ethers";
import type { HardhatRuntimeEnvironment } from "hardhat/types";

import type { TargetWeightVault } from "../../typechain-types";
import type {
  EngineSettingsStruct,
  AmountSettingsStruct,
} from "../../typechain-types/contracts/vaults/TargetWeightVault";
import { loadLocalMarket } from "../market/localMarket";
import { Mode, Policy } from "./enums";
import { type AssetInput, deployAndActivateLocal, localAssetInputs } from "./localDeploy";

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
}

/** Defaults a protocol team would start from; SPEC.md explains each. */
export const DEFAULT_ENGINE_SETTINGS: EngineSettingsStruct = {
  policy: Policy.Hybrid,
  mode: Mode.ToTarget,
  maxSlippageBps: 100,
  maxPoolDeviationBps: 100,
  maxTradeBps: 2500,
  bandHysteresisBps: 2000,
  cooldownSeconds: 3600,
  intervalSeconds: 30 * 86400,
  periodSeconds: 86400,
  maxRebalancesPerPeriod: 24,
  maxCostBpsPerPeriod: 100,
  rewardBps: 5,
};

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

/** The TargetWeightVault constructor arguments for a preset and resolved asset addresses. */
export function targetWeightVaultArgs(
  preset: TargetWeightPreset,
  assets: AssetInput[],
  router: string,
  admin: string,
  guardian: string,
  routerIs02 = false,
) {
  const init = {
    assets,
    router,
    routerIs02,
    sequencerFeed: preset.sequencer?.feed ?? ZeroAddress,
    sequencerGraceSeconds: preset.sequencer?.graceSeconds ?? 0,
    admin,
    guardian,
    settings: preset.settings,
    amounts: preset.amounts,
  };
  const weights = {
    targetBps: preset.assets.map((a) => a.targetBps),
    absBandBps: preset.assets.map((a) => a.absBandBps),
    relBandBps: preset.assets.map((a) => a.relBandBps),
    targetDelaySeconds: preset.targetDelaySeconds,
  };
  return [preset.name, preset.symbol, init, weights] as const;
}

/**
 * Deploys a target-weight vault over the local market (recorded as `Vault_<key>`), then activates
 * it: the admin is funded with each token's probe amount, which `activate()` moves in and back out.
 */
export async function deployLocalTargetWeightVault(
  hre: HardhatRuntimeEnvironment,
  key: string,
  preset: TargetWeightPreset,
): Promise<TargetWeightVault> {
  const { deployer, guardian } = await hre.getNamedAccounts();
  const market = await loadLocalMarket(hre);
  const assets = await localAssetInputs(market, preset.assets);
  const args = targetWeightVaultArgs(preset, assets, await market.router.getAddress(), deployer, guardian);
  return deployAndActivateLocal<TargetWeightVault>(
    hre,
    market,
    key,
    "TargetWeightVault",
    args,
    preset.assets.map((a) => a.symbol),
  );
}
