import { Interface, ZeroAddress } from "ethers";
import type { HardhatRuntimeEnvironment } from "hardhat/types";

import type {
  ChainStatusStructOutput,
  VaultStatusStructOutput,
} from "../../typechain-types/contracts/periphery/BallastLens.sol/BallastLens";

/**
 * Reads vaults through BallastLens in one `eth_call`: the lens's creation code with its constructor
 * arguments is sent as a call without a `to` (a "deployless" call), and its constructor returns what
 * `statuses()` would. Nothing is deployed, on any network; one request reads any number of vaults.
 */

export type LensChain = ChainStatusStructOutput;
export type LensVault = VaultStatusStructOutput;

let cached: { iface: Interface; bytecode: string } | null = null;

async function lensArtifact(hre: HardhatRuntimeEnvironment): Promise<{ iface: Interface; bytecode: string }> {
  if (!cached) {
    const artifact = await hre.artifacts.readArtifact("BallastLens");
    cached = { iface: new Interface(artifact.abi), bytecode: artifact.bytecode };
  }
  return cached;
}

/**
 * The status of each vault (kind None for an address that is not a Ballast vault), the block it was
 * read at and `keeper`'s ETH balance, in one JSON-RPC request. A transport failure propagates as it
 * is, so callers can retry it.
 */
export async function readLens(
  hre: HardhatRuntimeEnvironment,
  vaults: string[],
  keeper: string = ZeroAddress,
): Promise<{ chain: LensChain; vaults: LensVault[] }> {
  const { iface, bytecode } = await lensArtifact(hre);
  const data = bytecode + iface.encodeDeploy([vaults, keeper]).slice(2);
  // An explicit `from`: without one, Hardhat's provider spends a request (eth_accounts) to fill it in.
  const ret = await hre.ethers.provider.call({ data, from: keeper });
  const [chain, statuses] = iface.decodeFunctionResult("statuses", ret) as unknown as [
    LensChain,
    LensVault[],
  ];
  return { chain, vaults: [...statuses] };
}
