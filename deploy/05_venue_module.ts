import type { DeployFunction } from "hardhat-deploy/types";

import { TAGS } from "../src/deployments";
import { deployVenueModule } from "../src/deploy/venueModule";

/**
 * Every network: the VenueModule and the Uniswap V3 adapter over the chain's router (SwapRouter, or
 * SwapRouter02 where the chain has only that); local networks also get the adapters of the local
 * market's other venues.
 */
const func: DeployFunction = async (hre) => deployVenueModule(hre);
func.id = "05_venue_module";
func.tags = [TAGS.VenueModule, TAGS.LocalMarket];
func.dependencies = [TAGS.Venues];
export default func;
