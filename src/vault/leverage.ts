import type { HardhatRuntimeEnvironment } from "hardhat/types";

import type { ILeverageVault } from "../../typechain-types";
import type {
  AmountSettingsStruct,
  EngineSettingsStruct,
} from "../../typechain-types/contracts/interfaces/ILeverageVault.sol/ILeverageVault";
import { NAMES } from "../deployments";
import { localLendingInit } from "../market/lending";
import { WAD } from "../math/units";
import { Mode, Policy } from "./enums";
import { activateLocal, engineInit, engineParams, localPair, venueInit } from "./localDeploy";

/** Mirror of ILeverageVault.LeverageConfig: leverages in WAD (2e18 = 2×), the LTV cap in bps. */
export interface LeverageConfig {
  targetWad: bigint;
  minWad: bigint;
  maxWad: bigint;
  ripcordWad: bigint;
  maxLtvBps: number;
  ripcordRewardBps: number;
  maxRipcordReward: bigint; // quote units
}

/** Everything that defines a leverage vault over the local markets, in contract units. */
export interface LeveragePreset {
  quote: string; // symbol of asset 0, borrowed
  underlying: string; // symbol of asset 1, supplied
  maxStalenessSeconds: number;
  settings: EngineSettingsStruct;
  amounts: AmountSettingsStruct;
  config: LeverageConfig;
}

/**
 * ETH 2× against USDC on the local Aave market, FLI's shape: band 1.7–2.3×, ripcord at 2.7×; a
 * rebalance goes all the way back to 2×. Liquidation at WETH's 83 % threshold is 5.88×.
 */
export function demoLeveragePreset(): LeveragePreset {
  return {
    quote: "USDC",
    underlying: "WETH",
    maxStalenessSeconds: 86_400,
    settings: {
      policy: Policy.Hybrid,
      mode: Mode.ToTarget,
      maxSlippageBps: 100,
      maxPoolDeviationBps: 50,
      maxTradeBps: 10_000,
      bandHysteresisBps: 0,
      cooldownSeconds: 0,
      intervalSeconds: 7 * 86_400,
      periodSeconds: 86_400,
      maxRebalancesPerPeriod: 24,
      maxCostBpsPerPeriod: 300,
      rewardBps: 5,
    },
    amounts: {
      minTradeValue: 10n * 10n ** 6n,
      maxRewardPerCall: 50n * 10n ** 6n,
      rewardCapPerPeriod: 500n * 10n ** 6n,
    },
    config: {
      targetWad: 2n * WAD,
      minWad: (17n * WAD) / 10n,
      maxWad: (23n * WAD) / 10n,
      ripcordWad: (27n * WAD) / 10n,
      maxLtvBps: 6_500,
      ripcordRewardBps: 10,
      maxRipcordReward: 100n * 10n ** 6n,
    },
  };
}

/**
 * Deploys a leverage vault over the local Uniswap and Aave markets as `Vault_<key>`: its extension
 * (`VaultExt_<key>`), its flows module (`LeverageFlows_<key>`), then its core; activates it and
 * returns it typed by the merged interface, connected to the admin. `changeDelaySeconds` 0 applies
 * every setting at once; `activate` false leaves it inactive (as a live deployment is until the
 * owner activates it).
 */
export async function deployLocalLeverageVault(
  hre: HardhatRuntimeEnvironment,
  key: string,
  preset: LeveragePreset,
  changeDelaySeconds = 0,
  activate = true,
): Promise<ILeverageVault> {
  const { deployer, guardian } = await hre.getNamedAccounts();
  const { market, symbols, assets, chain } = await localPair(hre, preset);
  const lending = await localLendingInit(hre);
  const ext = await hre.deployments.deploy(NAMES.extension(key), {
    contract: "LeverageVaultExt",
    from: deployer,
    args: [engineInit(assets, chain), lending, changeDelaySeconds],
  });
  const flows = await hre.deployments.deploy(`LeverageFlows_${key}`, {
    contract: "LeverageFlows",
    from: deployer,
    args: [ext.address],
  });
  const params = engineParams(assets, { admin: deployer, guardian }, preset.settings, preset.amounts);
  const core = await hre.deployments.deploy(NAMES.vault(key), {
    contract: "LeverageVault",
    from: deployer,
    args: [
      ext.address,
      flows.address,
      `Ballast ${preset.underlying} ${Number((preset.config.targetWad * 10n) / WAD) / 10}x`,
      `b${preset.underlying}x`,
      params,
      preset.config,
      venueInit(assets, chain),
    ],
  });
  const vault = (await hre.ethers.getContractAt(
    "ILeverageVault",
    core.address,
    await hre.ethers.getSigner(deployer),
  )) as unknown as ILeverageVault;
  if (activate) await activateLocal(hre, market, vault, symbols);
  return vault;
}
