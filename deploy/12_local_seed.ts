import type { DeployFunction } from "hardhat-deploy/types";

import { TAGS } from "../src/deployments";
import { deploysLocalMarket } from "../src/config/local";
import { networkPreset } from "../src/deploy/presets";
import { seedLocal } from "../src/deploy/vaults";

/** Local networks only: a deposit in each target-weight vault, a short-call book and funds for each hedger. */
const func: DeployFunction = async (hre) => seedLocal(hre, await networkPreset(hre));
func.id = "12_local_seed";
func.tags = [TAGS.LocalSeed];
func.dependencies = [TAGS.Activate];
func.skip = async (hre) => !deploysLocalMarket(hre.network.name);
export default func;
