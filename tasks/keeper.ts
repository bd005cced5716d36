import { task } from "hardhat/config";

import { UserError } from "../src/config/env";
import { runKeeper } from "../src/keeper/loop";
import { listVaults, resolveVault } from "../src/vault/registry";
import { assertKeeperKey, keeperSigner, preflight, runTask } from "../src/cli/connect";
import { parseGwei, parsePositive, parseSeconds } from "../src/cli/args";

task("keeper", "Runs the keeper loop over the network's vaults until SIGINT or SIGTERM")
  .addOptionalParam("vaults", "comma-separated names or addresses (default: every deployed vault)")
  .addOptionalParam("poll", "seconds between polls", "15")
  .addOptionalParam("baseFeeCeiling", "hold non-urgent rebalances above this base fee (gwei)", "30")
  .addOptionalParam("urgentMultiple", "act above the ceiling once the deviation is this many bands", "3")
  .addOptionalParam("hardCap", "never send above this base fee (gwei)", "300")
  .addOptionalParam("stuckAfter", "replace a transaction unmined for this many seconds", "120")
  .addOptionalParam("backoffCap", "longest wait between retries after RPC errors (seconds)", "60")
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
        json: boolean;
      },
      hre,
    ) =>
      runTask(async () => {
        const policy = {
          baseFeeCeilingWei: parseGwei("base-fee-ceiling", args.baseFeeCeiling),
          urgentMultiple: parsePositive("urgent-multiple", args.urgentMultiple),
          hardCapWei: parseGwei("hard-cap", args.hardCap),
        };
        if (policy.hardCapWei < policy.baseFeeCeilingWei)
          throw new UserError("--hard-cap must be at least --base-fee-ceiling.");
        const pollMs = parseSeconds("poll", args.poll) * 1000;
        const stuckAfterMs = parseSeconds("stuck-after", args.stuckAfter) * 1000;
        const backoffCapMs = parseSeconds("backoff-cap", args.backoffCap) * 1000;
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
            log: (line) => console.log(line),
            signal: controller.signal,
          });
        } finally {
          process.off("SIGINT", stop);
          process.off("SIGTERM", stop);
        }
      }),
  );
