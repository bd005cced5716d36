import fs from "node:fs";
import path from "node:path";

import type { HardhatRuntimeEnvironment } from "hardhat/types";

import { agreementCsv, agreementTable } from "./report";
import { type BacktestOptions, type Progress, prepareRun } from "./run";
import { type Agreement, TOLERANCE, agrees, replayThroughContracts } from "./throughContracts";

/**
 * `backtest --through-contracts`: every policy of both vault types on the real contracts beside the
 * model on the same pools; prints the comparison (or JSON) and writes through-contracts.csv.
 */
export async function throughContracts(
  hre: HardhatRuntimeEnvironment,
  options: BacktestOptions,
  out: string,
  json: boolean,
  progress: Progress,
): Promise<Agreement[]> {
  const run = prepareRun(options);
  await hre.run("compile", { quiet: true });
  const rows = run.market.times.length;
  progress.start(rows * (run.weight.length + run.hedge.length));
  let agreements: Agreement[];
  try {
    agreements = await replayThroughContracts(
      hre,
      {
        weight: run.weight,
        hedge: run.hedge,
        weightConfig: run.config("target-weight"),
        hedgeConfig: run.config("delta-hedge"),
        book: run.book,
      },
      () => progress.tick(1),
    );
  } finally {
    progress.stop();
  }
  fs.mkdirSync(out, { recursive: true });
  const file = path.join(out, "through-contracts.csv");
  fs.writeFileSync(file, agreementCsv(agreements));
  const all = agreements.every(agrees);
  if (json) {
    console.log(
      JSON.stringify(
        {
          schema: "1",
          rows,
          tolerance: TOLERANCE,
          agrees: all,
          policies: agreements.map((a) => ({
            vault: a.kind,
            policy: a.spec,
            modelRebalances: a.model.rebalances,
            chainRebalances: a.chain.rebalances,
            modelCostQuote: a.model.fees + a.model.impact,
            chainCostQuote: a.chain.cost,
            costRel: a.costRel,
            modelTrackingRms: a.model.trackingRms,
            chainTrackingRms: a.chain.trackingRms,
            modelFinalValueQuote: a.model.finalValue,
            chainFinalValueQuote: a.chain.finalValue,
            finalValueRel: a.finalValueRel,
            chainGasUnits: a.chain.gasUnits,
            agrees: agrees(a),
          })),
          files: [file],
        },
        null,
        2,
      ),
    );
    return agreements;
  }
  console.log(
    `--through-contracts: ${rows} rows of ${run.series.source} through the real contracts and Uniswap V3 pools ` +
      `(WETH/USDC 0.05 %, WBTC/USDC 0.3 %, full range) beside the model on the same pools; ` +
      `the hedged book's premiums and mark are the model's on both sides`,
  );
  console.log(agreementTable(agreements));
  console.log(
    `tolerance: the same number of rebalances, final value within ${TOLERANCE.finalValueRel * 1e6} ppm, ` +
      `cost within ${TOLERANCE.costRel * 100}%, tracking RMS within ${TOLERANCE.trackingRms}: ` +
      `${all ? "every policy agrees" : "NOT every policy agrees"}. Wrote ${file}`,
  );
  return agreements;
}
