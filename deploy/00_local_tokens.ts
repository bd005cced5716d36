import type { DeployFunction } from "hardhat-deploy/types";

import { TAGS } from "../src/deployments";
import { deployLocalTokens } from "../src/market/localMarket";
import { deploysLocalMarket } from "../src/config/local";

/** Local market only (hardhat, localhost). */
const func: DeployFunction = async (hre) => deployLocalTokens(hre);
func.id = "00_local_tokens";
func.tags = [TAGS.LocalTokens, TAGS.LocalMarket];

func.skip = async (hre) => !deploysLocalMarket(hre.network.name);
export default func;
