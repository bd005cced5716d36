import { task } from "hardhat/config";

import { UserError } from "../src/config/env";
import { formatStatus, vaultStatuses } from "../src/keeper/status";
import { listVaults, resolveVault } from "../src/vault/registry";
import { preflight, runTask } from "../src/cli/connect";

task("status", "Shows each vault's trigger, NAV, oracle freshness and hedge or weights")
  .addOptionalParam("vault", "a deployment name or address (default: every deployed vault on the network)")
  .addFlag("json", "print JSON for machines")
  .setAction(async (args: { vault?: string; json: boolean }, hre) =>
    runTask(async () => {
      await preflight(hre);
      const vaults = args.vault ? [await resolveVault(hre, args.vault)] : await listVaults(hre);
      if (vaults.length === 0)
        throw new UserError(
          `no vaults deployed on ${hre.network.name}: deploy one or pass --vault <address>.`,
        );
      const { reports } = await vaultStatuses(hre, vaults); // one lens call for all of them
      console.log(args.json ? JSON.stringify(reports, null, 2) : reports.map(formatStatus).join("\n\n"));
      return reports;
    }),
  );
