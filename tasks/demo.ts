import fs from "node:fs";
import path from "node:path";

import { stringify } from "csv-stringify/sync";
import { task } from "hardhat/config";

import { UserError } from "../src/config/env";
import { runTask } from "../src/cli/connect";
import { DEFAULT_HEDGE_DEMO, deltaHedgeCsv, runDeltaHedgeDemo } from "../src/demo/deltaHedgeDemo";
import { DEFAULT_LEVERAGE_DEMO, leverageCsv, runLeverageDemo } from "../src/demo/leverageDemo";
import { DEFAULT_SHORT_HEDGE_DEMO, runShortHedgeDemo, shortHedgeCsv } from "../src/demo/shortHedgeDemo";
import { DEFAULT_DEMO, runTargetWeightDemo, targetWeightCsv } from "../src/demo/targetWeightDemo";

/**
 * `npm run demo` (`npx hardhat demo`): the main job on the in-process network: the target-weight
 * vault on real ETH/BTC history (src/demo/targetWeightDemo.ts), then the delta-hedged vault hedging
 * a short-call book on real ETH history (src/demo/deltaHedgeDemo.ts), then the delta-hedged vault with
 * a lending market hedging a long-call book short on Aave V3 through March 2024
 * (src/demo/shortHedgeDemo.ts), then the leverage vault keeping 2× ETH on Aave V3 through May–June
 * 2022 (src/demo/leverageDemo.ts). `--csv <folder>` also writes
 * each run's rows as CSV (csv-stringify: quoting done by a maintained library, not by hand).
 */
task("demo", "Replays real ETH/BTC history through every vault on the in-process network")
  .addOptionalParam(
    "csv",
    "also write target-weight.csv, delta-hedge.csv, short-hedge.csv and leverage.csv into this folder",
  )
  .setAction(async (args: { csv?: string }, hre) =>
    runTask(async () => {
      if (hre.network.name !== "hardhat")
        throw new UserError(
          `the demo runs on the in-process network only; drop --network ${hre.network.name}.`,
        );
      if (args.csv !== undefined) {
        try {
          fs.mkdirSync(args.csv, { recursive: true });
          fs.accessSync(args.csv, fs.constants.W_OK);
        } catch (e) {
          throw new UserError(
            `cannot write CSV files into --csv ${args.csv}: ${(e as NodeJS.ErrnoException).code}.`,
          );
        }
      }
      await hre.run("compile", { quiet: true }); // `hardhat run` did this; a fresh clone has no artifacts
      const log = (line: string) => console.log(line);
      const tw = await runTargetWeightDemo(hre, { ...DEFAULT_DEMO, log });
      const hedge = await runDeltaHedgeDemo(hre, { ...DEFAULT_HEDGE_DEMO, log });
      const shortHedge = await runShortHedgeDemo(hre, { ...DEFAULT_SHORT_HEDGE_DEMO, log });
      const leverage = await runLeverageDemo(hre, { ...DEFAULT_LEVERAGE_DEMO, log });
      log("");
      log(
        "Which trigger policy pays for itself over four years of this data, for either vault: " +
          'npx hardhat backtest (README, "Backtest").',
      );
      if (args.csv !== undefined) {
        const files = {
          "target-weight.csv": targetWeightCsv(tw.steps),
          "delta-hedge.csv": deltaHedgeCsv(hedge),
          "short-hedge.csv": shortHedgeCsv(shortHedge),
          "leverage.csv": leverageCsv(leverage),
        };
        for (const [name, rows] of Object.entries(files))
          fs.writeFileSync(path.join(args.csv, name), stringify(rows));
        log("");
        log(
          `CSV: ${Object.keys(files)
            .map((f) => path.join(args.csv!, f))
            .join(", ")}`,
        );
      }
      return { targetWeight: tw, deltaHedge: hedge, shortHedge, leverage };
    }),
  );
