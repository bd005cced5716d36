import { task } from "hardhat/config";

import { UserError } from "../src/config/env";
import { formatStatus, vaultStatuses } from "../src/keeper/status";
import { statusDocument } from "../src/keeper/statusJson";
import { engineInterface } from "../src/keeper/rebalance";
import { listVaults, resolveVault } from "../src/vault/registry";
import { preflight, runTask } from "../src/cli/connect";

task(
  "status",
  "Shows each vault's trigger, NAV, holdings, prices, weights or hedge, settings, roles and pending changes",
)
  .addOptionalParam("vault", "a deployment name or address (default: every deployed vault on the network)")
  .addFlag("json", "print JSON for machines")
  .setAction(async (args: { vault?: string; json: boolean }, hre) =>
    runTask(async () => {
      const chainId = await preflight(hre);
      const vaults = args.vault ? [await resolveVault(hre, args.vault)] : await listVaults(hre);
      if (vaults.length === 0)
        throw new UserError(
          `no vaults deployed on ${hre.network.name}: deploy one or pass --vault <address>.`,
        );
      const { reports, lens } = await vaultStatuses(hre, vaults); // one lens call for all of them
      if (args.json) {
        const doc = statusDocument(hre.network.name, chainId, reports, lens, engineInterface(hre));
        console.log(JSON.stringify(doc, null, 2));
        return doc;
      }
      console.log(reports.map(formatStatus).join("\n\n"));
      return reports;
    }),
  );
