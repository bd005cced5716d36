import hre from "hardhat";

import { DEFAULT_HEDGE_DEMO, runDeltaHedgeDemo } from "../src/demo/deltaHedgeDemo";
import { DEFAULT_DEMO, runTargetWeightDemo } from "../src/demo/targetWeightDemo";

/**
 * `npm run demo`: the main job on the in-process network: the target-weight vault on real ETH/BTC
 * history (src/demo/targetWeightDemo.ts), then the delta-hedged vault hedging a short-call book on
 * real ETH history (src/demo/deltaHedgeDemo.ts).
 */
async function main() {
  const log = (line: string) => console.log(line);
  await runTargetWeightDemo(hre, { ...DEFAULT_DEMO, log });
  await runDeltaHedgeDemo(hre, { ...DEFAULT_HEDGE_DEMO, log });
}

main().catch((e) => {
  console.error(`demo failed: ${(e as Error).message}`);
  process.exitCode = 1;
});
