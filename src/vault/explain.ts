import { AbiCoder, type Interface, type Result, dataSlice, decodeBytes32String, formatUnits } from "ethers";

import { whenText } from "../format/time";
import { reasonName } from "./enums";
import { describeReason } from "./reasons";

export { describeReason };

/** Words for what the vault says: the trigger's reasons, and reverts decoded through a vault ABI. */

/** A revert argument as text; bytes32 names (OutOfBounds' parameter) as their string. */
function argText(a: unknown): string {
  if (typeof a === "string" && /^0x[0-9a-f]{64}$/i.test(a)) {
    try {
      return decodeBytes32String(a);
    } catch {
      return a;
    }
  }
  return String(a);
}

/** Selector of Solidity's Error(string). */
const ERROR_STRING = "0x08c379a0";

/** The revert data a failed call carries, however ethers or Hardhat wrapped it (hex; usually one). */
export function revertData(error: unknown): string[] {
  const e = error as { data?: unknown; error?: { data?: unknown } };
  return [e?.data, e?.error?.data].filter((d): d is string => typeof d === "string" && d.startsWith("0x"));
}

/** What a revert is explained against: the chain's time and the vault's asset symbols, when known. */
export interface RevertContext {
  now?: bigint | number;
  symbols?: string[];
}

const wad = (x: unknown) => formatUnits(x as bigint, 18);

/**
 * Each error's arguments in words. The error's name and raw arguments stay in front (for searching
 * the code and SPEC); this follows them after a colon.
 */
const WORDS: Record<string, (a: Result, c: RevertContext) => string> = {
  OutOfBounds: (a) => {
    const name = argText(a[0]);
    // A WAD parameter (rateWad, sigmaWad, …) reads as the decimal it stands for.
    const v = (x: unknown) => (name.endsWith("Wad") ? formatUnits(x as bigint, 18) : String(x));
    return `${name} = ${v(a[1])} is outside its bounds ${v(a[2])} … ${v(a[3])}`;
  },
  TargetsDoNotSum: (a) => `the targets sum to ${a[0]} bps; they must sum to 10000`,
  InvalidAssetCount: (a, c) =>
    c.symbols
      ? `${a[0]} values given; the vault has ${c.symbols.length} assets, in order ${c.symbols.join(", ")}`
      : `${a[0]} values given: one per asset is needed`,
  ChangeNotReady: (a, c) =>
    (a[1] as bigint) === 0n
      ? `change ${a[0]} must be queued first (queueChange)`
      : `change ${a[0]} applies from ${whenText(a[1] as bigint, c.now)}`,
  NoChangeQueued: (a) => `no change ${a[0]} is queued`,
  NotGuardian: (a) => `${a[0]} is neither the guardian nor the owner`,
  OwnableUnauthorizedAccount: (a) => `${a[0]} is not the owner`,
  OracleUnhealthy: (a, c) => describeReason(reasonName(a[0] as bigint), a[1] as bigint, c),
  NavLossExceeded: (a) =>
    `the rebalance would lose ${wad(a[0])} of NAV (quote), above its bound ${wad(a[1])}`,
  DeviationNotReduced: (a) => `the deviation would go from ${wad(a[0])} to ${wad(a[1])}, not down`,
  TransferAmountMismatch: (a) =>
    `token ${a[0]} moved ${a[2]} units where ${a[1]} were expected (a fee-on-transfer token?)`,
  NoVenue: (a, c) => `no usable venue for ${c.symbols?.[Number(a[0])] ?? `asset ${a[0]}`}`,
  VenueOutputTooLow: (a) => `venue ${a[0]} returned ${a[1]}, below the minimum ${a[2]}`,
  ZeroAddress: () => "an address may not be zero",
  ZeroAmount: () => "the amount may not be zero",
};

/**
 * A revert in words: the custom error decoded with the vault's ABI (from the revert data, or from
 * the node's message when it gives only that), its arguments explained — bytes32 names as text,
 * times as dates with how far away they are, assets by symbol — and a RebalanceNotDue's reason
 * described.
 */
export function revertText(iface: Interface, error: unknown, context: RevertContext = {}): string {
  const e = error as { shortMessage?: string; message?: string };
  for (const data of revertData(error)) {
    if (data.startsWith(ERROR_STRING)) {
      // Error(string), e.g. a router's "Too little received"
      return `Error("${AbiCoder.defaultAbiCoder().decode(["string"], dataSlice(data, 4))[0] as string}")`;
    }
    if (data === "0x") return "a revert without data (out of gas, or a require without a reason)";
    const parsed = iface.parseError(data);
    if (!parsed) continue;
    if (parsed.name === "RebalanceNotDue") {
      const reason = reasonName(parsed.args[0] as bigint);
      return `RebalanceNotDue(${reason}): ${describeReason(reason, parsed.args[1] as bigint, context)}`;
    }
    const raw = `${parsed.name}(${parsed.args.map(argText).join(", ")})`;
    const words = WORDS[parsed.name];
    return words ? `${raw}: ${words(parsed.args, context)}` : raw;
  }
  const text = e?.shortMessage ?? e?.message ?? String(error);
  const custom = /custom error '(\w+)\(([^)]*)\)'/.exec(text);
  if (custom?.[1] === "RebalanceNotDue") {
    const [code, detail] = custom[2].split(",").map((x) => BigInt(x.trim()));
    const reason = reasonName(code);
    return `RebalanceNotDue(${reason}): ${describeReason(reason, detail, context)}`;
  }
  return custom ? `${custom[1]}(${custom[2]})` : text.split("\n")[0];
}
