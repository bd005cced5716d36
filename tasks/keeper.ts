import { task } from "hardhat/config";

import { UserError } from "../src/config/env";
import { runKeeper } from "../src/keeper/loop";
import { listVaults, resolveVault } from "../src/vault/registry";
import { assertKeeperKey, keeperSigner, preflight, runTask } from "../src/cli/connect";
import {
  DURATION_RANGES,
  parseDuration,
  parseEth,
  parseGwei,
  parseNumber,
  parsePrice,
} from "../src/cli/args";

task("keeper", "Runs the keeper loop over the network's vaults until SIGINT or SIGTERM")
  .addOptionalParam("vaults", "comma-separated names or addresses (default: every deployed vault)")
  .addOptionalParam("poll", "time between polls: 15, 15s, 2m (0.5 s … 1 d)", "15s")
  .addOptionalParam("baseFeeCeiling", "hold non-urgent rebalances above this base fee (gwei)", "30")
  .addOptionalParam(
    "urgentMultiple",
    "act above the ceiling once the deviation is this many bands (1 … 1000)",
    "3",
  )
  .addOptionalParam("hardCap", "never send above this base fee (gwei)", "300")
  .addOptionalParam("stuckAfter", "replace a transaction unmined this long (5 s … 1 d)", "2m")
  .addOptionalParam("backoffCap", "longest wait between retries after RPC errors (1 s … 1 d)", "1m")
  .addOptionalParam("minBalance", "warn when the keeper holds less ETH than this, e.g. 0.05")
  .addOptionalParam(
    "noFundsExitAfter",
    "stop (exit 1) after this many polls unable to pay for a due rebalance (1 … 1000)",
    "10",
  )
  .addOptionalParam(
    "minProfit",
    "hold a due, non-urgent rebalance whose reward is below this × its gas cost (0 … 1000; 0 = off)",
    "0",
  )
  .addOptionalParam("ethPrice", "quote tokens per ETH, for vaults that hold no WETH (with --min-profit)")
  .addOptionalParam("reportEvery", "log a record line with the running totals this often (1 min … 1 d)", "1h")
  .addOptionalParam("metricsPort", "serve Prometheus metrics on this port (1 … 65535; default: none)")
  .addOptionalParam("metricsHost", "the address the metrics endpoint listens on", "127.0.0.1")
  .addFlag("dryRun", "decide and simulate every poll, but send nothing")
  .addFlag("json", "log JSON lines")
  .setAction(
    async (
      args: {
        vaults?: string;
        poll: string;
        baseFeeCeiling: string;
        urgentMultiple: string;
        hardCap: string;
        stuckAfter: string;
        backoffCap: string;
        minBalance?: string;
        noFundsExitAfter: string;
        minProfit: string;
        ethPrice?: string;
        reportEvery: string;
        metricsPort?: string;
        metricsHost: string;
        dryRun: boolean;
        json: boolean;
      },
      hre,
    ) =>
      runTask(async () => {
        const policy = {
          baseFeeCeilingWei: parseGwei("base-fee-ceiling", args.baseFeeCeiling),
          urgentMultiple: parseNumber("urgent-multiple", args.urgentMultiple, { min: 1, max: 1000 }),
          hardCapWei: parseGwei("hard-cap", args.hardCap),
        };
        if (policy.hardCapWei < policy.baseFeeCeilingWei)
          throw new UserError("--hard-cap must be at least --base-fee-ceiling.");
        const pollMs = parseDuration("poll", args.poll, DURATION_RANGES.poll) * 1000;
        const stuckAfterMs =
          parseDuration("stuck-after", args.stuckAfter, DURATION_RANGES["stuck-after"]) * 1000;
        const backoffCapMs =
          parseDuration("backoff-cap", args.backoffCap, DURATION_RANGES["backoff-cap"]) * 1000;
        const noFundsExitAfter = parseNumber("no-funds-exit-after", args.noFundsExitAfter, {
          min: 1,
          max: 1000,
        });
        if (!Number.isInteger(noFundsExitAfter))
          throw new UserError(
            `--no-funds-exit-after '${args.noFundsExitAfter}' must be a whole number of polls.`,
          );
        const minProfit = parseNumber("min-profit", args.minProfit, { min: 0, max: 1000 });
        const ethPrice = args.ethPrice === undefined ? undefined : parsePrice("eth-price", args.ethPrice);
        const reportEveryMs =
          parseDuration("report-every", args.reportEvery, DURATION_RANGES["report-every"]) * 1000;
        const metricsPort =
          args.metricsPort === undefined
            ? undefined
            : parseNumber("metrics-port", args.metricsPort, { min: 1, max: 65535 });
        if (metricsPort !== undefined && !Number.isInteger(metricsPort))
          throw new UserError(`--metrics-port '${args.metricsPort}' must be a whole number.`);
        const minBalanceWei =
          args.minBalance === undefined ? undefined : parseEth("min-balance", args.minBalance);
        assertKeeperKey(hre); // a missing key fails before the network is touched
        await preflight(hre);
        const signer = await keeperSigner(hre);
        const vaults = args.vaults
          ? await Promise.all(args.vaults.split(",").map((v) => resolveVault(hre, v.trim())))
          : await listVaults(hre);
        if (vaults.length === 0)
          throw new UserError(`no vaults deployed on ${hre.network.name}: nothing to keep.`);

        const controller = new AbortController();
        const stop = (signal: NodeJS.Signals) => controller.abort(signal);
        process.once("SIGINT", stop);
        process.once("SIGTERM", stop);
        try {
          return await runKeeper(hre, vaults, signer, {
            pollMs,
            policy,
            backoffBaseMs: Math.min(1000, pollMs),
            backoffCapMs,
            stuckAfterMs,
            json: args.json,
            noFundsExitAfter,
            minBalanceWei,
            minProfit,
            ethPrice,
            reportEveryMs,
            dryRun: args.dryRun,
            metrics: metricsPort === undefined ? undefined : { host: args.metricsHost, port: metricsPort },
            log: (line) => console.log(line),
            signal: controller.signal,
          });
        } finally {
          process.off("SIGINT", stop);
          process.off("SIGTERM", stop);
        }
      }),
  );
