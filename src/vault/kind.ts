import { type ContractRunner, Interface } from "ethers";
import type { HardhatRuntimeEnvironment } from "hardhat/types";

import type { IDeltaHedgeVault, ILeverageVault, ITargetWeightVault } from "../../typechain-types";
import { UserError } from "../config/env";
import { classifySendError } from "../keeper/decision";
import { VAULT_KINDS } from "./enums";

/** The kinds of Ballast vault, as the tools name them. */
export type VaultKindName = "target-weight" | "delta-hedge" | "leverage";

/** A vault typed by its kind: the engine's merged ABI plus the kind's own. */
export type TypedVault =
  | { kind: "target-weight"; vault: ITargetWeightVault }
  | { kind: "delta-hedge"; vault: IDeltaHedgeVault }
  | { kind: "leverage"; vault: ILeverageVault };

/** The tools' name for an on-chain VaultKind code, or null for None and unknown codes. */
export function kindName(code: bigint | number): VaultKindName | null {
  switch (VAULT_KINDS[Number(code)]) {
    case "TargetWeight":
      return "target-weight";
    case "DeltaHedge":
      return "delta-hedge";
    case "Leverage":
      return "leverage";
    default:
      return null;
  }
}

/** The merged interface (core + extension) that types a vault of `kind`. */
export const interfaceOf = (kind: VaultKindName) =>
  kind === "target-weight"
    ? "ITargetWeightVault"
    : kind === "delta-hedge"
      ? "IDeltaHedgeVault"
      : "ILeverageVault";

const interfaces = new Map<VaultKindName, Interface>();

/**
 * The merged ABI of a vault of `kind` (its events and errors included), read from the artifact when
 * first needed and kept.
 */
export function kindInterface(hre: HardhatRuntimeEnvironment, kind: VaultKindName): Interface {
  let iface = interfaces.get(kind);
  if (!iface) {
    iface = new Interface(hre.artifacts.readArtifactSync(interfaceOf(kind)).abi);
    interfaces.set(kind, iface);
  }
  return iface;
}

/** A vault of a known kind, typed by its merged interface. */
export async function typedVault(
  hre: HardhatRuntimeEnvironment,
  address: string,
  kind: VaultKindName,
  runner?: ContractRunner,
): Promise<TypedVault> {
  if (kind === "target-weight")
    return { kind, vault: await hre.ethers.getContractAt("ITargetWeightVault", address, runner as never) };
  if (kind === "delta-hedge")
    return { kind, vault: await hre.ethers.getContractAt("IDeltaHedgeVault", address, runner as never) };
  return { kind, vault: await hre.ethers.getContractAt("ILeverageVault", address, runner as never) };
}

/**
 * Reads a vault's kind from its constant `vaultKind()`. A failure to reach the node propagates as it
 * is (retryable); only an answer that is not a Ballast kind is the caller's mistake (UserError).
 */
export async function readVaultKind(hre: HardhatRuntimeEnvironment, address: string): Promise<VaultKindName> {
  const engine = await hre.ethers.getContractAt("IRebalanceEngine", address);
  let code: bigint;
  try {
    code = await engine.vaultKind();
  } catch (e) {
    // A node that cannot be reached (or a timeout, a rate limit) is retryable, as it is; any other
    // failure is this address answering without a Ballast vaultKind(): not a vault.
    if (classifySendError(e) === "retry") throw e;
    throw new UserError(`${address} on ${hre.network.name} is not a Ballast vault (it has no vaultKind()).`);
  }
  const kind = kindName(code);
  if (!kind) throw new UserError(`${address} on ${hre.network.name} reports an unknown vault kind ${code}.`);
  return kind;
}
