import type { DeployFunction } from "hardhat-deploy/types";

import { TAGS } from "../src/deployments";
import { isLocalNetwork } from "../src/config/local";
import { demoVaultPreset, deployLocalTargetWeightVault } from "../src/vault/targetWeight";

/** The demo's three-asset vault over the local market (hardhat, localhost). */
const func: DeployFunction = async (hre) => {
  await deployLocalTargetWeightVault(hre, "demo", demoVaultPreset());
};
func.id = "10_demo_vault";
func.tags = [TAGS.DemoVault];
func.dependencies = [TAGS.LocalMarket];
func.skip = async (hre) => !isLocalNetwork(hre.network.name);
export default func;
