import type { DeployFunction } from "hardhat-deploy/types";

import { TAGS } from "../src/deployments";
import { deploysLocalMarket } from "../src/config/local";
import { deployLocalVenues, deployVenueInfra } from "../src/market/venues";

/** Local market only (hardhat, localhost): Uniswap V2, SwapRouter02, Balancer V2 and their pools. */
const func: DeployFunction = async (hre) => {
  await deployVenueInfra(hre);
  await deployLocalVenues(hre);
};
func.id = "04_venues";
func.tags = [TAGS.Venues, TAGS.LocalMarket];
func.dependencies = [TAGS.LocalPools];
func.skip = async (hre) => !deploysLocalMarket(hre.network.name);
export default func;
