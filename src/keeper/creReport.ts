/**
 * The report a Chainlink CRE workflow sends Ballast's RebalanceReceiver, encoded without any library
 * so the workflow (compiled to WASM by the CRE CLI) and the Hardhat side share one definition.
 */

/** What a report asks the receiver to call: RebalanceReceiver.ACTION_REBALANCE / ACTION_RIPCORD. */
export const REPORT_ACTION = { rebalance: 0n, ripcord: 1n } as const;

/**
 * The report a workflow writes for one vault: which vault, what it saw, until when it holds, and
 * what to call (default `rebalance()`; `ripcord` for a leverage vault at its ripcord bound).
 */
export interface RebalanceReport {
  vault: string;
  /** The vault's `engineState().lastRebalanceAt` when the workflow read it. */
  lastRebalanceAt: bigint;
  /** Unix seconds after which the receiver refuses the report. */
  deadline: bigint;
  action?: keyof typeof REPORT_ACTION;
}

const word = (hex: string) => hex.padStart(64, "0");

/**
 * What the receiver decodes: `abi.encode(address vault, uint256 lastRebalanceAt, uint256 deadline)` for
 * a rebalance (96 bytes, as before actions existed), with `uint256 action` appended for any other.
 */
export function encodeRebalanceReport(r: RebalanceReport): `0x${string}` {
  if (!/^0x[0-9a-fA-F]{40}$/.test(r.vault)) throw new Error(`not an address: ${r.vault}`);
  for (const v of [r.lastRebalanceAt, r.deadline])
    if (v < 0n || v >= 1n << 256n) throw new Error(`not a uint256: ${v}`);
  const action = REPORT_ACTION[r.action ?? "rebalance"];
  return `0x${word(r.vault.slice(2).toLowerCase())}${word(r.lastRebalanceAt.toString(16))}${word(r.deadline.toString(16))}${action === 0n ? "" : word(action.toString(16))}`;
}

/** A workflow name as the forwarder's metadata carries it: 10 bytes, UTF-8, right-padded with zeros. */
export function workflowName10(name: string): `0x${string}` {
  const bytes = new TextEncoder().encode(name);
  if (bytes.length > 10) throw new Error(`workflow name '${name}' is longer than 10 bytes`);
  const out = new Uint8Array(10);
  out.set(bytes);
  return `0x${Array.from(out, (b) => b.toString(16).padStart(2, "0")).join("")}`;
}
