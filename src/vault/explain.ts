import { AbiCoder, type Interface, dataSlice, decodeBytes32String } from "ethers";

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

/**
 * A revert in words: the custom error decoded with the vault's ABI (from the revert data, or from
 * the node's message when it gives only that), and a RebalanceNotDue's reason described.
 */
export function revertText(iface: Interface, error: unknown): string {
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
      return `RebalanceNotDue(${reason}): ${describeReason(reason, parsed.args[1] as bigint)}`;
    }
    return `${parsed.name}(${parsed.args.map(argText).join(", ")})`;
  }
  const text = e?.shortMessage ?? e?.message ?? String(error);
  const custom = /custom error '(\w+)\(([^)]*)\)'/.exec(text);
  if (custom?.[1] === "RebalanceNotDue") {
    const [code, detail] = custom[2].split(",").map((x) => BigInt(x.trim()));
    const reason = reasonName(code);
    return `RebalanceNotDue(${reason}): ${describeReason(reason, detail)}`;
  }
  return custom ? `${custom[1]}(${custom[2]})` : text.split("\n")[0];
}
