import { task } from "hardhat/config";

import { UserError } from "../src/config/env";
import { type RebalanceResult, formatResult, rebalanceOnce } from "../src/keeper/rebalance";
import { listVaults, resolveVault } from "../src/vault/registry";
import { assertKeeperKey, keeperSigner, preflight, runTask } from "../src/cli/connect";
import { DURATION_RANGES, parseChoice, parseDuration, parseGwei, vaultSelection } from "../src/cli/args";

task("rebalance", "Rebalances a vault (or every vault) whose trigger says a rebalance is due")
  .addOptionalParam("vault", "a deployment name or address")
  .addFlag("all", "every vault deployed on the network")
  .addFlag("dryRun", "print the plan and simulate, but send nothing")
  .addOptionalParam("maxGasPrice", "ceiling on the base fee, in gwei")
  .addOptionalParam("gasMode", "above the ceiling: skip, or wait for the fee to fall", "skip")
  .addOptionalParam("waitTimeout", "how long to wait in --gas-mode wait: 600, 10m (1 s … 7 d)", "10m")
  .setAction(
    async (
      args: {
        vault?: string;
        all: boolean;
        dryRun: boolean;
        maxGasPrice?: string;
        gasMode: string;
        waitTimeout: string;
      },
      hre,
    ) =>
      runTask(async () => {
        const selection = vaultSelection(args);
        const opts = {
          dryRun: args.dryRun,
          maxGasPriceWei:
            args.maxGasPrice === undefined ? undefined : parseGwei("max-gas-price", args.maxGasPrice),
          gasMode: parseChoice("gas-mode", args.gasMode, ["skip", "wait"] as const),
          waitTimeoutSeconds: parseDuration(
            "wait-timeout",
            args.waitTimeout,
            DURATION_RANGES["wait-timeout"],
          ),
          log: (line: string) => console.log(line),
        };
        assertKeeperKey(hre); // a missing key fails before the network is touched
        await preflight(hre);
        const signer = await keeperSigner(hre);
        const vaults = selection.vault ? [await resolveVault(hre, selection.vault)] : await listVaults(hre);
        if (vaults.length === 0)
          throw new UserError(`no vaults deployed on ${hre.network.name}: nothing to rebalance.`);
        const results: RebalanceResult[] = [];
        let failed = false;
        for (const v of vaults) {
          let r: RebalanceResult;
          try {
            r = await rebalanceOnce(hre, v, signer, opts);
          } catch (e) {
            // With --all, one vault's refusal does not stop the others; the exit code still says so.
            if (!(e instanceof UserError) || vaults.length === 1) throw e;
            console.error(`Error: ${e.message}`);
            failed = true;
            continue;
          }
          results.push(r);
          for (const line of formatResult(r)) {
            if (r.outcome === "blocked") console.error(`Error: ${line}`);
            else console.log(line);
          }
        }
        if (failed || results.some((r) => r.outcome === "blocked")) process.exitCode = 1;
        return results;
      }),
  );
