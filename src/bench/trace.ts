import type { HardhatRuntimeEnvironment } from "hardhat/types";

interface StructLog {
  op: string;
  gas: number;
  gasCost: number;
  depth: number;
  stack?: string[];
}

const CALLS = ["CALL", "STATICCALL", "DELEGATECALL"];

/**
 * Where a transaction's gas goes in the top-level contract's own code: each external call it makes
 * (by label, including everything the callee does), storage reads and writes, logs, and the rest
 * (computation and memory). From `debug_traceTransaction` on the in-process network.
 *
 * A label is looked up as `OP:address` first (so a pool's STATICCALL spot reads and its CALL swaps
 * can be told apart), then as `address`. A DELEGATECALL to an address in `inline` (the vault's venue
 * module) runs the vault's own code on its storage, so it is broken down as if it were inline; the
 * call itself (cold account access, copying calldata and return data) is reported on its own line.
 */
export async function gasBreakdown(
  hre: HardhatRuntimeEnvironment,
  txHash: string,
  labels: Record<string, string>,
  inline: Record<string, string> = {},
): Promise<Record<string, number>> {
  const trace = (await hre.network.provider.send("debug_traceTransaction", [
    txHash,
    { disableMemory: true, disableStorage: true },
  ])) as { structLogs: StructLog[] };
  const logs = trace.structLogs;
  const lower = Object.fromEntries(Object.entries(labels).map(([a, l]) => [a.toLowerCase(), l]));
  const inlined = Object.fromEntries(Object.entries(inline).map(([a, l]) => [a.toLowerCase(), l]));
  const out: Record<string, number> = {};
  const add = (k: string, v: number) => (out[k] = (out[k] ?? 0) + v);

  /** Attributes the ops of the frame at `depth` starting at `from`; returns the index after it. */
  const frame = (from: number, depth: number): number => {
    let i = from;
    while (i < logs.length && logs[i].depth >= depth) {
      const l = logs[i];
      if (l.depth > depth) {
        i++;
        continue;
      }
      let j = i + 1;
      while (j < logs.length && logs[j].depth > depth) j++;
      const cost = j < logs.length && logs[j].depth === depth ? l.gas - logs[j].gas : l.gasCost;
      const to = CALLS.includes(l.op) ? `0x${l.stack![l.stack!.length - 2].slice(-40)}`.toLowerCase() : "";
      if (l.op === "DELEGATECALL" && inlined[to] !== undefined && j > i + 1) {
        // The callee's own ops are counted where they belong; what is left is the call itself.
        const calleeStart = logs[i + 1].gas;
        const last = logs[j - 1];
        add(inlined[to], cost - (calleeStart - (last.gas - last.gasCost)));
        frame(i + 1, depth + 1);
      } else if (to !== "") {
        add(lower[`${l.op.toLowerCase()}:${to}`] ?? lower[to] ?? "other external calls", cost);
      } else if (l.op === "SLOAD" || l.op === "SSTORE") {
        add(`storage (${l.op})`, cost);
      } else if (l.op.startsWith("LOG")) {
        add("events", cost);
      } else {
        add("computation and memory", cost);
      }
      i = j;
    }
    return i;
  };
  frame(0, 1);
  return out;
}
