import hre from "hardhat";

import { DEFAULT_DEMO, runTargetWeightDemo } from "../src/demo/targetWeightDemo";

/** `npm run demo`: the main job on the in-process network (see src/demo/targetWeightDemo.ts). */
runTargetWeightDemo(hre, { ...DEFAULT_DEMO, log: (line) => console.log(line) }).catch((e) => {
  console.error(`demo failed: ${(e as Error).message}`);
  process.exitCode = 1;
});
