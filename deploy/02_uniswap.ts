import type { DeployFunction } from "hardhat-deploy/types";

import { TAGS } from "../src/deployments";
import { deployUniswap } from "../src/market/localMarket";
import { deploysLocalMarket } from "../src/config/local";

/** Local market only (hardhat, localhost). */
const func: DeployFunction = async (hre) => deployUniswap(hre);
func.id = "02_uniswap";
func.tags = [TAGS.Uniswap, TAGS.LocalMarket];
func.dependencies = ["LocalTokens"];
func.skip = async (hre) => !deploysLocalMarket(hre.network.name);
export default func;
