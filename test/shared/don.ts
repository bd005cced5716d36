import hre from "hardhat";
import { Wallet, concat, getBytes, keccak256, randomBytes, hexlify, type Signer } from "ethers";

import {
  type RebalanceReport,
  type WorkflowIdentity,
  encodeRawReport,
  encodeRebalanceReport,
} from "../../src/keeper/cre";

/**
 * A test DON in front of Chainlink's real KeystoneForwarder (compiled from @chainlink/contracts, see
 * contracts/chainlink/KeystoneV08.sol): n signer keys with fault tolerance f (n = 3f + 1), configured
 * on the forwarder as a DON's are, signing raw reports the way the forwarder checks them: ECDSA over
 * keccak256(keccak256(rawReport) ‖ reportContext), v as 0/1.
 */
export interface TestDon {
  forwarder: Awaited<ReturnType<typeof deployForwarder>>;
  signers: Wallet[];
  f: number;
  donId: number;
  configVersion: number;
}

async function deployForwarder(owner: Signer) {
  return hre.ethers.deployContract("KeystoneForwarder", [], owner);
}

export async function deployDon(owner: Signer, f = 1): Promise<TestDon> {
  const forwarder = await deployForwarder(owner);
  await forwarder.waitForDeployment();
  const signers = Array.from({ length: 3 * f + 1 }, () => new Wallet(hexlify(randomBytes(32))));
  const [donId, configVersion] = [7, 1];
  await (
    await forwarder.setConfig(
      donId,
      configVersion,
      f,
      signers.map((s) => s.address),
    )
  ).wait();
  return { forwarder, signers, f, donId, configVersion };
}

/** A report delivery as a transmitter would send it: the raw report, its context and signatures. */
export interface SignedReport {
  rawReport: string;
  reportContext: string;
  signatures: string[];
  executionId: string;
}

/** Signs `report` from `workflow` with `by` (default: the first f + 1 of the DON's keys). */
export function signReport(
  don: TestDon,
  workflow: WorkflowIdentity,
  report: RebalanceReport,
  opts: { by?: Wallet[]; executionId?: string } = {},
): SignedReport {
  const executionId = opts.executionId ?? hexlify(randomBytes(32));
  const rawReport = encodeRawReport({
    executionId,
    timestamp: Math.floor(Date.now() / 1000),
    donId: don.donId,
    configVersion: don.configVersion,
    workflow,
    reportId: "0x0001",
    report: encodeRebalanceReport(report),
  });
  const reportContext = hexlify(randomBytes(96));
  const digest = keccak256(concat([keccak256(rawReport), reportContext]));
  const signatures = (opts.by ?? don.signers.slice(0, don.f + 1)).map((w) => {
    const sig = w.signingKey.sign(digest);
    return concat([sig.r, sig.s, new Uint8Array([sig.v - 27])]);
  });
  for (const s of signatures) if (getBytes(s).length !== 65) throw new Error("signature is not 65 bytes");
  return { rawReport, reportContext, signatures, executionId };
}
