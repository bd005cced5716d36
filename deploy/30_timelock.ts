import type { DeployFunction } from "hardhat-deploy/types";

import { TAGS } from "../src/deployments";
import { networkPreset } from "../src/deploy/presets";
import { formatHandover, handOverToTimelock } from "../src/deploy/vaults";

/** When the preset has a timelock: deploys it and advances the hand-over of every owner role. */
const func: DeployFunction = async (hre) => {
  const preset = await networkPreset(hre);
  if (!preset.timelock) return;
  for (const line of formatHandover(await handOverToTimelock(hre, preset, preset.timelock)))
    console.log(line);
};
func.id = "30_timelock";
func.tags = [TAGS.Timelock];
func.dependencies = [TAGS.VerifyConfig];
export default func;
