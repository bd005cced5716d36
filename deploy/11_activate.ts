import type { DeployFunction } from "hardhat-deploy/types";

import { TAGS } from "../src/deployments";
import { networkPreset } from "../src/deploy/presets";
import { activateVaults } from "../src/deploy/vaults";

/** Activates each vault that is not yet active (the probe transfer in and out). */
const func: DeployFunction = async (hre) => activateVaults(hre, await networkPreset(hre));
func.id = "11_activate";
func.tags = [TAGS.Activate, TAGS.DemoVault];
func.dependencies = [TAGS.Vaults];
export default func;
