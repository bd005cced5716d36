import { concat, getBytes, toBeHex, zeroPadValue, type BytesLike } from "ethers";

export { type RebalanceReport, REPORT_ACTION, encodeRebalanceReport, workflowName10 } from "./creReport";

/**
 * What a Chainlink CRE workflow sends Ballast's `RebalanceReceiver`, and how the forwarder frames it.
 * The workflow encodes the report; a DON signs the forwarder's raw report around it; the
 * KeystoneForwarder checks the signatures and passes the receiver the metadata and the report.
 * Layout: `@chainlink/contracts` 1.2.0, `src/v0.8/keystone/KeystoneForwarder.sol` (`_getMetadata`).
 */

/** A workflow's identity as the forwarder's metadata carries it. */
export interface WorkflowIdentity {
  /** The workflow id (its CID), 32 bytes. */
  id: string;
  /** The workflow name, 10 bytes (zero-padded on the right). */
  name: string;
  /** The workflow owner's address. */
  owner: string;
}

/** The forwarder's raw report: the 109-byte header, then the workflow's report. */
export interface RawReportFields {
  executionId: string;
  timestamp: number;
  donId: number;
  configVersion: number;
  workflow: WorkflowIdentity;
  /** Two bytes. */
  reportId: string;
  report: BytesLike;
}

/** version 1 | execution id 32 | timestamp 4 | DON id 4 | config version 4 | workflow id 32 | name 10 | owner 20 | report id 2 | report. */
export function encodeRawReport(f: RawReportFields): string {
  const u32 = (n: number) => zeroPadValue(toBeHex(n), 4);
  const raw = concat([
    "0x01",
    zeroPadValue(f.executionId, 32),
    u32(f.timestamp),
    u32(f.donId),
    u32(f.configVersion),
    zeroPadValue(f.workflow.id, 32),
    f.workflow.name,
    f.workflow.owner,
    f.reportId,
    f.report,
  ]);
  if (getBytes(raw).length < 109) throw new Error("raw report shorter than its 109-byte header");
  return raw;
}
