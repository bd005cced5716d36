import type { DeployFunction } from "hardhat-deploy/types";

import { TAGS } from "../src/deployments";
import { networkPreset } from "../src/deploy/presets";
import { assertConfig } from "../src/deploy/vaults";

/** Reads every vault's configuration back and fails, naming each difference, unless it matches the preset. */
const func: DeployFunction = async (hre) => assertConfig(hre, await networkPreset(hre));
func.id = "20_verify_config";
func.tags = [TAGS.VerifyConfig];
func.dependencies = [TAGS.Vaults, TAGS.CreReceiver];
export default func;
