import fs from "node:fs";

import { type Contract, Interface, ZeroHash, getAddress, keccak256 } from "ethers";
import type { HardhatRuntimeEnvironment } from "hardhat/types";

import { UserError } from "../config/env";
import { Mode, Policy } from "../vault/enums";
import { type VaultKindName, interfaceOf, kindName } from "../vault/kind";
import { resolveVault } from "../vault/registry";
import { revertData, revertText } from "../vault/explain";
import { type SignerChoice, adminSigner } from "../cli/connect";
import { formatDuration } from "../cli/args";
import { whenText } from "../format/time";
import { type LensVault, readLens } from "../vault/lens";
import { VaultMissingError } from "../keeper/status";

/**
 * Admin changes as the vault:* tasks make them: show the call and what it changes, simulate it, and
 * send it — the one convention of every task that changes state: it sends unless `--dry-run`. With
 * `--signer unsigned` nothing is signed: the call is written as a Safe Transaction Builder batch for
 * the owner (a multisig, or a timelock's proposer) to import.
 */

export interface AdminChange {
  /** Function name on the vault. */
  method: string;
  args: unknown[];
  /** What changes, one phrase per field ("maxSlippageBps 100 → 150"). */
  changes: string[];
  /** Who may call it: the owner, or the guardian too (pause). */
  callers: "owner" | "owner-or-guardian";
  /** Which vault kinds have the function. */
  kinds: VaultKindName[];
}

export interface AdminResult {
  vault: string;
  method: string;
  calldata: string;
  executed: boolean;
  txHash?: string;
  /** With --signer unsigned: the batch written for the owner's multisig. */
  unsigned?: SafeBatch;
}

/** How the admin tasks run: simulate only, who signs, and where an unsigned batch goes. */
export interface AdminOptions {
  dryRun: boolean;
  signer: SignerChoice;
  /** With --signer unsigned: the file to write the batch to (else it is printed). */
  out?: string;
}

/** A Safe Transaction Builder batch file (its "version 1.0" format), importable in the Safe app. */
export interface SafeBatch {
  version: "1.0";
  chainId: string;
  createdAt: number;
  meta: { name: string; description: string; createdFromSafeAddress: string };
  transactions: { to: string; value: "0"; data: string }[];
}

/** A vault, its kind, its lens status (one call: owner, guardian, state, assets) and its contract. */
export async function adminTarget(
  hre: HardhatRuntimeEnvironment,
  nameOrAddress: string,
): Promise<{
  name: string;
  address: string;
  kind: VaultKindName;
  contract: Contract;
  status: LensVault;
  now: bigint;
}> {
  const v = await resolveVault(hre, nameOrAddress);
  const lens = await readLens(hre, [v.address]);
  const status = lens.vaults[0];
  const kind = kindName(status.kind);
  if (!kind) throw new VaultMissingError(v, hre.network.name);
  const contract = (await hre.ethers.getContractAt(interfaceOf(kind), v.address)) as unknown as Contract;
  return { ...v, kind, contract, status, now: lens.chain.timestamp };
}

export type AdminTarget = Awaited<ReturnType<typeof adminTarget>>;

/** Refuses a target-weight-only change on a delta-hedged vault, before reading anything else. */
export function requireTargetWeight(target: AdminTarget, method: string): void {
  if (target.kind !== "target-weight")
    throw new UserError(`${method} needs a target-weight vault; ${target.name} is a ${target.kind} vault.`);
}

/** Refuses a delta-hedge-only change on a target-weight vault. */
export function requireDeltaHedge(target: AdminTarget, method: string): void {
  if (target.kind !== "delta-hedge")
    throw new UserError(`${method} needs a delta-hedge vault; ${target.name} is a ${target.kind} vault.`);
}

const TIMELOCK = new Interface([
  "function getMinDelay() view returns (uint256)",
  "function schedule(address target, uint256 value, bytes data, bytes32 predecessor, bytes32 salt, uint256 delay)",
  "function execute(address target, uint256 value, bytes payload, bytes32 predecessor, bytes32 salt)",
]);

/** The owner's TimelockController delay, or undefined when the owner is not one (an EOA, a Safe). */
async function timelockDelay(hre: HardhatRuntimeEnvironment, owner: string): Promise<bigint | undefined> {
  if ((await hre.ethers.provider.getCode(owner)) === "0x") return undefined;
  try {
    const ret = await hre.ethers.provider.call({
      to: owner,
      data: TIMELOCK.encodeFunctionData("getMinDelay"),
    });
    return TIMELOCK.decodeFunctionResult("getMinDelay", ret)[0] as bigint;
  } catch {
    return undefined;
  }
}

/**
 * Prints, simulates and sends one admin change (or, with --dry-run, stops after the simulation; with
 * --signer unsigned, writes it for the owner's multisig). Every refusal is one UserError line and
 * nothing is sent.
 */
export async function applyAdminChange(
  hre: HardhatRuntimeEnvironment,
  target: AdminTarget,
  change: AdminChange,
  opts: AdminOptions,
  log: (line: string) => void,
): Promise<AdminResult> {
  if (!change.kinds.includes(target.kind)) {
    throw new UserError(
      `${change.method} needs a ${change.kinds.join(" or ")} vault; ${target.name} is a ${target.kind} vault.`,
    );
  }
  if (opts.signer === "guardian" && change.callers === "owner") {
    throw new UserError(
      `${change.method} is the owner's: the guardian may only pause and cancel queued changes. ` +
        "Use --signer deployer, ledger or unsigned.",
    );
  }
  const { contract } = target;
  const calldata = contract.interface.encodeFunctionData(change.method, change.args);
  log(`vault ${target.name} (${target.address}): ${change.method}`);
  for (const c of change.changes) log(`  ${c}`);
  if (change.changes.length === 0) log("  (no field changes: the call would set what is already there)");

  const signer = await adminSigner(hre, opts.signer);
  const owner = getAddress(target.status.owner);
  const guardian = getAddress(target.status.guardian);
  const me = signer ? getAddress(await signer.getAddress()) : owner;
  const allowed = me === owner || (change.callers === "owner-or-guardian" && me === guardian);
  const caller = allowed ? me : owner;
  const context = { now: target.now, symbols: target.status.assets.map((a) => a.symbol) };
  let method = change.method;
  let data = calldata;
  try {
    await hre.ethers.provider.call({ to: target.address, data: calldata, from: caller });
  } catch (e) {
    const wait = await pendingWait(hre, contract, e);
    if (wait === undefined) {
      throw new UserError(
        `${target.name}: ${change.method} would revert with ${revertText(contract.interface, e, context)}; nothing sent.`,
      );
    }
    if (wait.eta !== 0n) {
      throw new UserError(
        `${target.name}: ${change.method} is queued and applies from ${whenText(wait.eta, wait.now)}; ` +
          `run the same command again then (or vault:cancel-change --id ${wait.id}); nothing sent.`,
      );
    }
    // It loosens what a rebalance may cost or when it may happen: announce it first (SPEC §3.5).
    const delay = (await contract.changeDelaySeconds()) as bigint;
    log(
      `  this loosens what a rebalance may cost or when it may happen, so it waits ${formatDuration(Number(delay))}: ` +
        `queueChange announces it now (id ${wait.id}); run the same command again from ` +
        `${whenText(wait.now + delay, wait.now)} to apply it`,
    );
    method = "queueChange";
    data = contract.interface.encodeFunctionData("queueChange", [calldata]);
    await hre.ethers.provider.call({ to: target.address, data, from: caller });
  }
  const result: AdminResult = { vault: target.name, method, calldata: data, executed: false };

  if (!signer)
    return { ...result, unsigned: await writeUnsigned(hre, target, owner, method, data, opts, log) };
  if (!allowed) {
    const isContract = (await hre.ethers.provider.getCode(owner)) !== "0x";
    throw new UserError(
      `the signer ${me} is not the owner ${owner}${isContract ? " (a contract: a timelock or a multisig)" : ""}` +
        `${change.callers === "owner-or-guardian" ? ` nor the guardian ${guardian}` : ""}: ` +
        `pass --signer unsigned to write the transaction for it; nothing sent.`,
    );
  }
  if (opts.dryRun) {
    log(`  dry run: simulates cleanly as ${me}; run it without --dry-run to send it`);
    return result;
  }
  let hash: string;
  try {
    const tx = await signer.sendTransaction({ to: target.address, data });
    await tx.wait();
    hash = tx.hash;
  } catch (e) {
    if (opts.signer !== "ledger") throw e;
    // The device: not connected, locked, the Ethereum app closed, the user said no, or no HID stack.
    const why = ((e as Error).message ?? String(e)).split("\n")[0];
    throw new UserError(
      `the Ledger did not sign (${why}): connect it, unlock it, open the Ethereum app and approve; nothing sent.`,
    );
  }
  log(`  sent ${hash}: done`);
  return { ...result, executed: true, txHash: hash };
}

/**
 * --signer unsigned: the call as a Safe Transaction Builder batch from the owner. When the owner is a
 * TimelockController, the batch schedules the call on it (the multisig is its proposer) and the log
 * says which execute call follows after its delay.
 */
async function writeUnsigned(
  hre: HardhatRuntimeEnvironment,
  target: AdminTarget,
  owner: string,
  method: string,
  data: string,
  opts: AdminOptions,
  log: (line: string) => void,
): Promise<SafeBatch> {
  const chainId = (await hre.ethers.provider.getNetwork()).chainId;
  const delay = await timelockDelay(hre, owner);
  let tx = { to: target.address, value: "0" as const, data };
  let description = `${method} on vault ${target.name} (${target.address})`;
  if (delay !== undefined) {
    const salt = keccak256(data);
    tx = {
      to: owner,
      value: "0",
      data: TIMELOCK.encodeFunctionData("schedule", [target.address, 0, data, ZeroHash, salt, delay]),
    };
    description += `, scheduled on the timelock ${owner}`;
    log(
      `  the owner is a timelock (delay ${formatDuration(Number(delay))}): the batch schedules the call; after the delay, ` +
        `execute it with data ${TIMELOCK.encodeFunctionData("execute", [target.address, 0, data, ZeroHash, salt])}`,
    );
  }
  const batch: SafeBatch = {
    version: "1.0",
    chainId: chainId.toString(),
    createdAt: Date.now(),
    meta: {
      name: `Ballast: ${method}`,
      description,
      createdFromSafeAddress: delay === undefined ? owner : "",
    },
    transactions: [tx],
  };
  const json = JSON.stringify(batch, null, 2);
  if (opts.out) {
    try {
      fs.writeFileSync(opts.out, `${json}\n`);
    } catch (e) {
      throw new UserError(
        `cannot write --out ${opts.out}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}; nothing sent.`,
      );
    }
    log(
      `  unsigned: simulated as the owner ${owner}; Safe Transaction Builder batch written to ${opts.out}; nothing sent`,
    );
  } else {
    log(
      `  unsigned: simulated as the owner ${owner}; Safe Transaction Builder batch (import it in the Safe app); nothing sent:`,
    );
    log(json);
  }
  return batch;
}

/** The range a Solidity integer type holds ("uint16", "int256"). */
function typeRange(type: string): { min: bigint; max: bigint } | undefined {
  const m = /^(u?)int(\d+)$/.exec(type);
  if (!m) return undefined;
  const bits = BigInt(m[2]);
  return m[1]
    ? { min: 0n, max: (1n << bits) - 1n }
    : { min: -(1n << (bits - 1n)), max: (1n << (bits - 1n)) - 1n };
}

/**
 * Refuses a value its Solidity field cannot hold, in one line naming the flag, the field's type and
 * its range (ethers would otherwise throw an encoding dump). Shared by every admin change.
 */
export function assertFits(flag: string, type: string, value: bigint): void {
  const r = typeRange(type);
  if (r && (value < r.min || value > r.max))
    throw new UserError(`${flag}=${value} is out of range (a ${type}: ${r.min} … ${r.max}); nothing sent.`);
}

const ENGINE_KEYS = [
  "policy",
  "mode",
  "maxSlippageBps",
  "maxPoolDeviationBps",
  "maxTradeBps",
  "bandHysteresisBps",
  "cooldownSeconds",
  "intervalSeconds",
  "periodSeconds",
  "maxRebalancesPerPeriod",
  "maxCostBpsPerPeriod",
  "rewardBps",
] as const;
const AMOUNT_KEYS = ["minTradeValue", "maxRewardPerCall", "rewardCapPerPeriod"] as const;

/** The settings that are enums, by the names the vault's NatSpec and SPEC §3.2 use. */
const ENUM_SETTINGS: Record<string, Record<string, number>> = { policy: Policy, mode: Mode };

/**
 * Parses "key=value,key=value" for vault:settings; unknown keys, non-integers and unknown enum names
 * are refused. Enum settings take their names (policy=Hybrid, mode=ToBandEdge) or their numbers.
 */
export function parseAssignments(text: string): Record<string, bigint> {
  const out: Record<string, bigint> = {};
  for (const part of text
    .split(",")
    .map((p) => p.trim())
    .filter(Boolean)) {
    const named = /^(policy|mode)=([A-Za-z]+)$/.exec(part);
    if (named) {
      const value = ENUM_SETTINGS[named[1]][named[2]];
      if (value === undefined) {
        throw new UserError(
          `--set ${part}: ${named[1]} is one of ${Object.keys(ENUM_SETTINGS[named[1]]).join(", ")}.`,
        );
      }
      out[named[1]] = BigInt(value);
      continue;
    }
    const m = /^(\w+)=(\d+)$/.exec(part);
    if (!m) throw new UserError(`--set '${part}' is not key=value with a whole number.`);
    if (![...ENGINE_KEYS, ...AMOUNT_KEYS].includes(m[1] as never)) {
      throw new UserError(
        `--set: unknown setting '${m[1]}'; known: ${[...ENGINE_KEYS, ...AMOUNT_KEYS].join(", ")}.`,
      );
    }
    out[m[1]] = BigInt(m[2]);
  }
  if (Object.keys(out).length === 0) throw new UserError("--set needs at least one key=value.");
  return out;
}

/** The calls vault:settings makes: setEngineSettings and/or setAmountSettings, with the rest unchanged. */
export async function settingsChanges(
  contract: Contract,
  assignments: Record<string, bigint>,
): Promise<AdminChange[]> {
  const out: AdminChange[] = [];
  for (const [method, getter, keys] of [
    ["setEngineSettings", "engineSettings", ENGINE_KEYS],
    ["setAmountSettings", "amountSettings", AMOUNT_KEYS],
  ] as const) {
    const touched = keys.filter((k) => k in assignments);
    if (touched.length === 0) continue;
    // Each field fits its Solidity type (uint8 … uint128), or the value would not even encode.
    const fields = contract.interface.getFunction(method)!.inputs[0].components!;
    for (const k of touched) {
      const field = fields.find((f) => f.name === k)!;
      const names = ENUM_SETTINGS[k] ? Object.keys(ENUM_SETTINGS[k]) : undefined;
      if (names && assignments[k] >= BigInt(names.length))
        throw new UserError(
          `--set ${k}=${assignments[k]} is out of range (one of ${names.join(", ")}); nothing sent.`,
        );
      assertFits(`--set ${k}`, field.type, assignments[k]);
    }
    const current = (await contract[getter]()) as Record<string, bigint>;
    const next = Object.fromEntries(keys.map((k) => [k, k in assignments ? assignments[k] : current[k]]));
    out.push({
      method,
      args: [next],
      changes: touched
        .filter((k) => current[k] !== assignments[k])
        .map((k) => `${k} ${current[k]} → ${assignments[k]}`),
      callers: "owner",
      kinds: ["target-weight", "delta-hedge", "leverage"],
    });
  }
  return out;
}

/** vault:targets: new targets (queued first; the same command applies them after the delay). */
export async function targetsChange(target: AdminTarget, targetBps: number[]): Promise<AdminChange> {
  requireTargetWeight(target, "setTargets");
  const [current] = (await target.contract.targets()) as [bigint[]];
  return {
    method: "setTargets",
    args: [targetBps],
    changes: [`targets ${current.join(",")} → ${targetBps.join(",")} bps`],
    callers: "owner",
    kinds: ["target-weight"],
  };
}

/** vault:bands: absolute and relative bands per asset (target-weight vaults only). */
export async function bandsChange(
  target: AdminTarget,
  absBps: number[],
  relBps: number[],
): Promise<AdminChange> {
  requireTargetWeight(target, "setBands");
  const [, abs, rel] = (await target.contract.targets()) as [bigint[], bigint[], bigint[]];
  return {
    method: "setBands",
    args: [absBps, relBps],
    changes: [
      `absolute bands ${abs.join(",")} → ${absBps.join(",")} bps`,
      `relative bands ${rel.join(",")} → ${relBps.join(",")} bps`,
    ],
    callers: "owner",
    kinds: ["target-weight"],
  };
}

/** vault:cancel-change: drops a queued change (owner or guardian). */
export function cancelChange(id: string): AdminChange {
  if (!/^0x[0-9a-fA-F]{64}$/.test(id))
    throw new UserError(`--id '${id}' is not a 32-byte hex change id (0x…).`);
  return {
    method: "cancelChange",
    args: [id],
    changes: [`queued change ${id} → dropped`],
    callers: "owner-or-guardian",
    kinds: ["target-weight", "delta-hedge", "leverage"],
  };
}

/**
 * When a simulated admin call reverted with ChangeNotReady: its id, its eta as the vault has it
 * (0: not queued, or its grace ran out — it must be queued) and the chain's time. Else undefined.
 */
async function pendingWait(
  hre: HardhatRuntimeEnvironment,
  contract: Contract,
  error: unknown,
): Promise<{ id: string; eta: bigint; now: bigint } | undefined> {
  for (const data of revertData(error)) {
    const parsed = contract.interface.parseError(data);
    if (parsed?.name !== "ChangeNotReady") continue;
    const block = await hre.ethers.provider.getBlock("latest");
    const now = BigInt(block!.timestamp);
    const eta = parsed.args[1] as bigint;
    const grace = 14n * 86_400n; // ConstantsLib.CHANGE_GRACE_SECONDS
    return { id: parsed.args[0] as string, eta: eta !== 0n && now <= eta + grace ? eta : 0n, now };
  }
  return undefined;
}

/**
 * vault:pause / vault:unpause, read against the vault's real state: none when it already is what was
 * asked (said in one line, nothing simulated or sent), so running either twice sends once.
 */
export async function pauseChanges(
  target: AdminTarget,
  pause: boolean,
  log: (line: string) => void,
): Promise<AdminChange[]> {
  if (target.status.state.paused === pause) {
    log(
      `vault ${target.name} (${target.address}) is already ${pause ? "paused" : "unpaused"}; nothing to send.`,
    );
    return [];
  }
  return [
    {
      method: pause ? "pause" : "unpause",
      args: [],
      changes: [
        pause ? "paused: false → true (rebalance, deposits and withdrawals stop)" : "paused: true → false",
      ],
      callers: pause ? "owner-or-guardian" : "owner",
      kinds: ["target-weight", "delta-hedge", "leverage"],
    },
  ];
}
