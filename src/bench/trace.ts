import type { HardhatRuntimeEnvironment } from "hardhat/types";

interface StructLog {
  op: string;
  gas: number;
  gasCost: number;
  depth: number;
  stack?: string[];
}

/**
 * Where a transaction's gas goes at the top-level contract's own depth: each external call it
 * makes (by labelled target, including everything the callee does), storage reads and writes,
 * logs, and the rest (computation and memory). From `debug_traceTransaction` on the in-process network.
 */
export async function gasBreakdown(
  hre: HardhatRuntimeEnvironment,
  txHash: string,
  labels: Record<string, string>,
): Promise<Record<string, number>> {
  const trace = (await hre.network.provider.send("debug_traceTransaction", [
    txHash,
    { disableMemory: true, disableStorage: true },
  ])) as { structLogs: StructLog[] };
  const logs = trace.structLogs;
  const lower = Object.fromEntries(Object.entries(labels).map(([a, l]) => [a.toLowerCase(), l]));
  const out: Record<string, number> = {};
  const add = (k: string, v: number) => (out[k] = (out[k] ?? 0) + v);
  for (let i = 0; i < logs.length; i++) {
    const l = logs[i];
    if (l.depth !== 1) continue;
    let j = i + 1;
    while (j < logs.length && logs[j].depth !== 1) j++;
    const cost = j < logs.length ? l.gas - logs[j].gas : l.gasCost;
    if (["CALL", "STATICCALL", "DELEGATECALL"].includes(l.op)) {
      const to = `0x${l.stack![l.stack!.length - 2].slice(-40)}`.toLowerCase();
      add(lower[to] ?? "other external calls", cost);
    } else if (l.op === "SLOAD" || l.op === "SSTORE") {
      add(`storage (${l.op})`, cost);
    } else if (l.op.startsWith("LOG")) {
      add("events", cost);
    } else {
      add("computation and memory", cost);
    }
  }
  return out;
}
