import fs from "node:fs";

import { SingleBar } from "cli-progress";
import { task } from "hardhat/config";

import { UserError } from "../src/config/env";
import { runTask } from "../src/cli/connect";
import { type BacktestArgs, backtestOptions } from "../src/backtest/args";
import { leverageTable, paretoBest, reportJson, table, writeReport } from "../src/backtest/report";
import { runBacktest } from "../src/backtest/run";
import { pct } from "../src/format/table";
import { throughContracts } from "../src/backtest/chainRun";

/**
 * `npx hardhat backtest`: replays a price history through the vaults' own decision and trade maths
 * (src/backtest/), compares trigger policies and writes a summary, a CSV per policy and charts.
 * The progress bar is cli-progress's (stderr, shown on a terminal only).
 */
task(
  "backtest",
  "Compares trigger policies on a price history with the vaults' own math; writes CSV and charts",
)
  .addOptionalParam(
    "prices",
    "price CSV: timestamp,<asset>,… (default: the shipped hourly ETH and BTC, 2022–2025)",
  )
  .addOptionalParam("from", "first day or time of the window, UTC (YYYY-MM-DD[THH:MM])")
  .addOptionalParam("to", "last day or time of the window, UTC")
  .addOptionalParam("step", "price step: one row every this long (1h)")
  .addOptionalParam("checkEvery", "how often the keeper checks the vault (1h)")
  .addOptionalParam("maxGap", "longest gap between two price rows accepted (6h)")
  .addOptionalParam(
    "vault",
    "both (target-weight and delta-hedge), target-weight, delta-hedge, leverage, or all three (both)",
  )
  .addOptionalParam("weightPolicies", "target-weight policies, comma-separated (README lists the forms)")
  .addOptionalParam("hedgePolicies", "delta-hedge policies, comma-separated")
  .addOptionalParam("feeTier", "pool fee tier in hundredths of a bip: 100, 500, 3000 or 10000 (500)")
  .addOptionalParam("depth", "each pool's depth: its liquidity's virtual reserves, in quote (200000000)")
  .addOptionalParam("gasPrice", "gas price in gwei (10)")
  .addOptionalParam("ethPrice", "quote per ETH for gas, when the prices have no ETH column")
  .addOptionalParam("nav", "the target-weight vault's starting NAV, quote (1000000)")
  .addOptionalParam(
    "bookSize",
    "the hedged book: ETH of 30-day at-the-money calls sold, rolled at expiry (100)",
  )
  .addOptionalParam("sigma", "σ the book is priced and hedged at, e.g. 0.65")
  .addOptionalParam(
    "vaultConfig",
    "JSON file: the vaults' targets, settings, amounts, book limits and book (README)",
  )
  .addOptionalParam("borrowApr", "leverage vault: the quote asset's borrow rate a year, e.g. 0.05 (0.05)")
  .addOptionalParam("supplyApr", "leverage vault: the underlying's supply rate a year (0.02)")
  .addOptionalParam("out", "folder for summary.csv, one CSV per policy and the charts (backtest-results)")
  .addFlag("noCharts", "skip the SVG and PNG charts")
  .addFlag(
    "throughContracts",
    "replay every policy on the real contracts and Uniswap V3 pools too (≤ 62 days) and compare with the model",
  )
  .addFlag("json", "print the results as JSON instead of tables")
  .setAction(
    async (
      args: BacktestArgs & { out?: string; noCharts: boolean; json: boolean; throughContracts: boolean },
      hre,
    ) =>
      runTask(async () => {
        if (hre.network.name !== "hardhat")
          throw new UserError(`the backtest needs no network; drop --network ${hre.network.name}.`);
        const options = backtestOptions(args);
        const out = args.out ?? "backtest-results";
        if (fs.existsSync(out) && !fs.statSync(out).isDirectory())
          throw new UserError(`--out ${out} is a file: name a folder.`);
        const bar = new SingleBar({
          format: "backtest [{bar}] {percentage}% | {value}/{total} policy-hours | {eta_formatted} left",
          stream: process.stderr,
          hideCursor: true,
        });
        const progress = {
          start: (total: number) => bar.start(total, 0),
          tick: (n: number) => bar.increment(n),
          stop: () => bar.stop(),
        };
        if (args.throughContracts) return throughContracts(hre, options, out, args.json, progress);
        const report = runBacktest(options, progress);
        const written = writeReport(report, out, !args.noCharts);
        if (args.json) {
          console.log(JSON.stringify({ ...reportJson(report), files: written }, null, 2));
          return report;
        }
        const m = report.market;
        const when = (t: number) => new Date(t * 1000).toISOString().slice(0, 16).replace("T", " ");
        console.log(
          `${m.source}: ${when(m.from)} → ${when(m.to)} UTC, ${m.rows} rows every ${options.stepSeconds / 3600} h; ` +
            `keeper checks every ${options.checkEverySeconds / 3600} h; pools ${options.feePips / 1e4}% with ` +
            `${(options.depthQuote / 1e6).toFixed(0)}M depth; gas ${options.gasPriceGwei} gwei (${report.seconds.toFixed(1)} s)`,
        );
        for (const kind of options.vaults) {
          console.log("");
          console.log(
            kind === "target-weight"
              ? "Target-weight vault"
              : `Delta-hedged vault (short ${report.options.book.size} ETH of ${report.options.book.tenorDays}-day calls, σ ${report.options.book.sigma})`,
          );
          console.log(table(kind, report));
          const best = paretoBest(kind, report);
          if (best)
            console.log(
              `Pareto-best: ${best.spec} (${best.label}): on the frontier (*) and cheaper and tighter than the most other policies.`,
            );
        }
        if (report.leverage) {
          console.log("");
          console.log(
            `Leverage vault (${report.market.columns[0]} against USDC on a lending market; borrow ${pct(options.lending.borrowApr)}, supply ${pct(options.lending.supplyApr)} a year)`,
          );
          console.log(leverageTable(report.leverage));
        }
        console.log("");
        console.log(
          `wrote ${written.length} files into ${out}/ (summary.csv, one CSV per policy${args.noCharts ? "" : ", charts as SVG and PNG"})`,
        );
        return report;
      }),
  );
