import type { DeployFunction } from "hardhat-deploy/types";

import { TAGS } from "../src/deployments";
import { networkPreset } from "../src/deploy/presets";
import { assertPresetComplete } from "../src/deploy/resolve";
import { deployVaults } from "../src/deploy/vaults";

/** Every vault of the network's preset (and books it deploys); a recorded vault is never replaced. */
const func: DeployFunction = async (hre) => {
  const preset = await networkPreset(hre);
  assertPresetComplete(preset);
  await deployVaults(hre, preset);
};
func.id = "10_vaults";
func.tags = [TAGS.Vaults, TAGS.DemoVault];
func.dependencies = [TAGS.LocalMarket];
export default func;
