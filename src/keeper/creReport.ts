/**
 * The report a Chainlink CRE workflow sends Ballast's RebalanceReceiver, encoded without any library
 * so the workflow (compiled to WASM by the CRE CLI) and the Hardhat side share one definition.
 */

/** The report a workflow writes for one vault: which vault, what it saw, until when it holds. */
export interface RebalanceReport {
  vault: string;
  /** The vault's `engineState().lastRebalanceAt` when the workflow read it. */
  lastRebalanceAt: bigint;
  /** Unix seconds after which the receiver refuses the report. */
  deadline: bigint;
}

const word = (hex: string) => hex.padStart(64, "0");

/** `abi.encode(address vault, uint256 lastRebalanceAt, uint256 deadline)`: what the receiver decodes. */
export function encodeRebalanceReport(r: RebalanceReport): `0x${string}` {
  if (!/^0x[0-9a-fA-F]{40}$/.test(r.vault)) throw new Error(`not an address: ${r.vault}`);
  for (const v of [r.lastRebalanceAt, r.deadline])
    if (v < 0n || v >= 1n << 256n) throw new Error(`not a uint256: ${v}`);
  return `0x${word(r.vault.slice(2).toLowerCase())}${word(r.lastRebalanceAt.toString(16))}${word(r.deadline.toString(16))}`;
}

/** A workflow name as the forwarder's metadata carries it: 10 bytes, UTF-8, right-padded with zeros. */
export function workflowName10(name: string): `0x${string}` {
  const bytes = new TextEncoder().encode(name);
  if (bytes.length > 10) throw new Error(`workflow name '${name}' is longer than 10 bytes`);
  const out = new Uint8Array(10);
  out.set(bytes);
  return `0x${Array.from(out, (b) => b.toString(16).padStart(2, "0")).join("")}`;
}
