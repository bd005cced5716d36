import { isAddress } from "ethers";
import fs from "node:fs";
import path from "node:path";
import type { HardhatRuntimeEnvironment } from "hardhat/types";

import { UserError } from "../config/env";

/**
 * The deployed vaults this network knows by name (hardhat-deploy records `Vault_<name>`). On a node,
 * read from the deployments folder's files: hardhat-deploy's own loader would spend two requests
 * (eth_chainId, eth_accounts) of every task on it. In process, from hardhat-deploy's memory.
 */
export async function listVaults(
  hre: HardhatRuntimeEnvironment,
): Promise<{ name: string; address: string }[]> {
  let entries: [string, string][];
  if (hre.network.name === "hardhat") {
    entries = Object.entries(await hre.deployments.all()).map(([key, d]) => [key, d.address]);
  } else {
    const dir = path.join(hre.config.paths.deployments, hre.network.name);
    const files = fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith(".json")) : [];
    entries = files.map((f) => [
      f.slice(0, -".json".length),
      (JSON.parse(fs.readFileSync(path.join(dir, f), "utf8")) as { address: string }).address,
    ]);
  }
  return entries
    .filter(([key]) => key.startsWith("Vault_"))
    .map(([key, address]) => ({ name: key.slice("Vault_".length), address }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

/**
 * A vault given by deployment name or address; unknown names fail with one line listing the known
 * ones. An address is not checked here (that would cost a request): the lens reports whether a
 * Ballast vault is there, and `reportsFromLens` refuses one that is not.
 */
export async function resolveVault(
  hre: HardhatRuntimeEnvironment,
  nameOrAddress: string,
): Promise<{ name: string; address: string }> {
  if (isAddress(nameOrAddress)) {
    const known = (await listVaults(hre)).find(
      (v) => v.address.toLowerCase() === nameOrAddress.toLowerCase(),
    );
    return { name: known?.name ?? nameOrAddress, address: nameOrAddress };
  }
  const vaults = await listVaults(hre);
  const found = vaults.find((v) => v.name === nameOrAddress);
  if (!found) {
    const names = vaults.map((v) => v.name).join(", ") || "none";
    throw new UserError(
      `unknown vault '${nameOrAddress}' on ${hre.network.name}: deployed vaults are ${names}. Pass one of them or an address.`,
    );
  }
  return found;
}
