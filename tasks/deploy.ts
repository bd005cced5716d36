import { task } from "hardhat/config";

import { PRIVATE_KEY_ENV, isLiveNetwork, requireEnv } from "../src/config/env";
import { networkPreset } from "../src/deploy/presets";
import { assertPresetComplete } from "../src/deploy/resolve";
import { preflight, runTask } from "../src/cli/connect";

// hardhat-deploy's `deploy`, with checks first: the node answers on the right chain, a live network
// has its key, and the preset is complete. A refusal is one line and sends nothing.
task("deploy").setAction(async (args, hre, runSuper) =>
  runTask(async () => {
    if (isLiveNetwork(hre.network.name))
      requireEnv(PRIVATE_KEY_ENV, `it signs the deployment on ${hre.network.name}`);
    await preflight(hre);
    assertPresetComplete(await networkPreset(hre));
    return runSuper(args);
  }),
);
