import type { DeployFunction } from "hardhat-deploy/types";

import { TAGS } from "../src/deployments";
import { deployCreReceiver } from "../src/deploy/cre";
import { networkPreset } from "../src/deploy/presets";

/**
 * The Chainlink CRE receiver, when the preset names a workflow owner: it rebalances the preset's vaults
 * on reports the chain's KeystoneForwarder delivers (local networks: a local forwarder and DON).
 */
const func: DeployFunction = async (hre) => deployCreReceiver(hre, await networkPreset(hre));
func.id = "13_cre_receiver";
func.tags = [TAGS.CreReceiver];
func.dependencies = [TAGS.Vaults];
export default func;
