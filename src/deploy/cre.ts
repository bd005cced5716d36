import { Wallet, isAddress, isHexString, keccak256, toUtf8Bytes, zeroPadValue, ZeroHash } from "ethers";
import type { HardhatRuntimeEnvironment } from "hardhat/types";

import { UserError } from "../config/env";
import { isLocalNetwork } from "../config/local";
import { addressBook } from "../config/networks";
import { NAMES } from "../deployments";
import { workflowName10 } from "../keeper/cre";
import type { CrePlan, NetworkPreset } from "./presets";

/**
 * The CRE receiver's deploy steps: on local networks Chainlink's KeystoneForwarder (compiled from
 * @chainlink/contracts) configured with a local DON, elsewhere the chain's production forwarder from
 * the address book; then the RebalanceReceiver, its workflow, payee and vaults; and its read-back.
 */

export const CRE_NAMES = { receiver: "CreReceiver", localForwarder: "KeystoneForwarder" } as const;

/** The local DON: 4 signers (f = 1). LOCAL NETWORKS ONLY: the keys are derived from public strings. */
export const LOCAL_DON = { donId: 1, configVersion: 1, f: 1 };
export function localDonKeys(): Wallet[] {
  return [0, 1, 2, 3].map((i) => new Wallet(keccak256(toUtf8Bytes(`ballast local DON signer ${i}`))));
}

/** Whether the preset asks for a receiver (a CRE plan with a workflow owner). */
export const wantsReceiver = (preset: NetworkPreset): preset is NetworkPreset & { cre: CrePlan } =>
  preset.cre?.workflowOwner.value !== undefined;

/**
 * A workflow name as the receiver compares it: a 0x-prefixed 10-byte hex value as it appears in the
 * forwarder's metadata (CRE derives that field from the name; take it from a delivered report), or a
 * plain string of up to 10 bytes, right-padded (what the local DON signs).
 */
export function receiverName(value: string): string {
  return /^0x[0-9a-fA-F]{20}$/.test(value) ? value.toLowerCase() : workflowName10(value);
}

/** What the receiver's workflow must be, as the contract stores it. */
export function receiverWorkflow(plan: CrePlan): { owner: string; id: string; name: string } {
  return {
    owner: plan.workflowOwner.value!,
    id: plan.workflowId.value ? zeroPadValue(plan.workflowId.value, 32) : ZeroHash,
    name: plan.workflowName.value ? receiverName(plan.workflowName.value) : "0x00000000000000000000",
  };
}

/** Problems with a preset's CRE plan, one phrase each (empty when none or complete). */
export function creProblems(preset: NetworkPreset): string[] {
  if (!wantsReceiver(preset)) return [];
  const p = preset.cre;
  const out: string[] = [];
  if (!isAddress(p.workflowOwner.value))
    out.push(`CRE workflow owner: ${p.workflowOwner.env} is not an address`);
  if (p.payee.value === undefined) out.push(`CRE payee (set ${p.payee.env})`);
  else if (!isAddress(p.payee.value)) out.push(`CRE payee: ${p.payee.env} is not an address`);
  const id = p.workflowId.value;
  if (id !== undefined && !(isHexString(id) && id.length <= 66))
    out.push(`CRE workflow id: ${p.workflowId.env} is not a 32-byte hex value`);
  const name = p.workflowName.value;
  if (name !== undefined && !/^0x[0-9a-fA-F]{20}$/.test(name) && new TextEncoder().encode(name).length > 10)
    out.push(
      `CRE workflow name: ${p.workflowName.env} is longer than 10 bytes (give the 10-byte hex from a delivered report's metadata, or leave it unset)`,
    );
  if (!isLocalNetwork(preset.network)) {
    const fw = addressBook(preset.network).cre?.KeystoneForwarder;
    if (!fw) out.push(`CRE forwarder (not in the ${preset.network} address book)`);
    else if (!["VERIFIED", "DERIVED"].includes(fw.status))
      out.push(`CRE forwarder is ${fw.status} in the address book`);
  }
  return out;
}

/** The forwarder the receiver must trust on the preset's network. */
async function forwarderFor(hre: HardhatRuntimeEnvironment, preset: NetworkPreset): Promise<string> {
  if (isLocalNetwork(preset.network)) return (await hre.deployments.get(CRE_NAMES.localForwarder)).address;
  return addressBook(preset.network).cre!.KeystoneForwarder.address;
}

/**
 * Deploys the receiver (once) and lists every vault of the preset on it; on local networks first the
 * KeystoneForwarder with the local DON. Skipped, with one line, when the preset has no workflow owner.
 */
export async function deployCreReceiver(
  hre: HardhatRuntimeEnvironment,
  preset: NetworkPreset,
): Promise<void> {
  if (!wantsReceiver(preset)) {
    console.log(`CRE receiver: skipped (${preset.cre?.workflowOwner.env ?? "no CRE plan"} unset)`);
    return;
  }
  const problems = creProblems(preset);
  if (problems.length > 0) {
    throw new UserError(`refusing to deploy the CRE receiver on ${preset.network}: ${problems.join("; ")}.`);
  }
  const { deployer } = await hre.getNamedAccounts();
  if (isLocalNetwork(preset.network)) {
    const fw = await hre.deployments.deploy(CRE_NAMES.localForwarder, {
      contract: "KeystoneForwarder",
      from: deployer,
      args: [],
      skipIfAlreadyDeployed: true,
    });
    if (fw.newlyDeployed) {
      const d = LOCAL_DON;
      const signers = localDonKeys().map((w) => w.address);
      await hre.deployments.execute(
        CRE_NAMES.localForwarder,
        { from: deployer },
        "setConfig",
        d.donId,
        d.configVersion,
        d.f,
        signers,
      );
    }
  }
  await hre.deployments.deploy(CRE_NAMES.receiver, {
    contract: "RebalanceReceiver",
    from: deployer,
    args: [await forwarderFor(hre, preset), deployer, receiverWorkflow(preset.cre), preset.cre.payee.value],
    skipIfAlreadyDeployed: true,
    log: true,
  });
  const receiver = await hre.ethers.getContractAt(
    "RebalanceReceiver",
    (await hre.deployments.get(CRE_NAMES.receiver)).address,
    await hre.ethers.getSigner(deployer),
  );
  for (const plan of preset.vaults) {
    const vault = (await hre.deployments.get(NAMES.vault(plan.key))).address;
    if (!(await receiver.isVault(vault))) await (await receiver.setVault(vault, true)).wait();
  }
}

/** The receiver's on-chain configuration against the preset, one phrase per difference. */
export async function creDifferences(
  hre: HardhatRuntimeEnvironment,
  preset: NetworkPreset,
): Promise<string[]> {
  if (!wantsReceiver(preset)) return [];
  const out: string[] = [];
  const record = await hre.deployments.getOrNull(CRE_NAMES.receiver);
  if (!record) return [`CRE receiver: not deployed`];
  const receiver = await hre.ethers.getContractAt("RebalanceReceiver", record.address);
  const same = (field: string, actual: string, expected: string) => {
    if (actual.toLowerCase() !== expected.toLowerCase())
      out.push(`CRE receiver: ${field} is ${actual} on-chain, ${expected} in the preset`);
  };
  same("forwarder", await receiver.FORWARDER(), await forwarderFor(hre, preset));
  const w = await receiver.workflow();
  const want = receiverWorkflow(preset.cre);
  same("workflow owner", w.owner, want.owner);
  same("workflow id", w.id, want.id);
  same("workflow name", w.name, want.name);
  same("payee", await receiver.payee(), preset.cre.payee.value!);
  for (const plan of preset.vaults) {
    const vault = (await hre.deployments.get(NAMES.vault(plan.key))).address;
    if (!(await receiver.isVault(vault))) out.push(`CRE receiver: vault ${plan.key} is not listed`);
  }
  return out;
}
