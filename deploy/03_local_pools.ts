import type { DeployFunction } from "hardhat-deploy/types";

import { TAGS } from "../src/deployments";
import { deployLocalPools } from "../src/market/localMarket";
import { deploysLocalMarket } from "../src/config/local";

/** Local market only (hardhat, localhost). */
const func: DeployFunction = async (hre) => deployLocalPools(hre);
func.id = "03_local_pools";
func.tags = [TAGS.LocalPools, TAGS.LocalMarket];
func.dependencies = ["LocalTokens", "LocalFeeds", "Uniswap"];
func.skip = async (hre) => !deploysLocalMarket(hre.network.name);
export default func;
