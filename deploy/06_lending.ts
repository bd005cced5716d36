import type { DeployFunction } from "hardhat-deploy/types";

import { TAGS } from "../src/deployments";
import { deploysLocalMarket } from "../src/config/local";
import { deployLocalLending } from "../src/market/lending";

/** Local market only (hardhat, localhost): Aave V3 from its npm build, with WETH and USDC reserves. */
const func: DeployFunction = async (hre) => deployLocalLending(hre);
func.id = "06_lending";
func.tags = [TAGS.LendingMarket];
func.dependencies = [TAGS.LocalTokens, TAGS.LocalFeeds];
func.skip = async (hre) => !deploysLocalMarket(hre.network.name);
export default func;
