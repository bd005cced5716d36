import type { DeployFunction } from "hardhat-deploy/types";

import { TAGS } from "../src/deployments";
import { deployLocalFeeds } from "../src/market/localMarket";
import { deploysLocalMarket } from "../src/config/local";

/** Local market only (hardhat, localhost). */
const func: DeployFunction = async (hre) => deployLocalFeeds(hre);
func.id = "01_local_feeds";
func.tags = [TAGS.LocalFeeds, TAGS.LocalMarket];

func.skip = async (hre) => !deploysLocalMarket(hre.network.name);
export default func;
