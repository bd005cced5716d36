import {
  CronCapability,
  EVMClient,
  TxStatus,
  bytesToHex,
  encodeCallMsg,
  getNetwork,
  handler,
  LATEST_BLOCK_NUMBER,
  prepareReportRequest,
  type Runtime,
} from "@chainlink/cre-sdk";
import {
  decodeFunctionResult,
  encodeFunctionData,
  parseAbi,
  zeroAddress,
  type Address,
  type Hex,
} from "viem";
import { z } from "zod";

import {
  type GasPolicy,
  decide,
  hedgeUrgency,
  leverageUrgency,
  targetWeightUrgency,
} from "../../src/keeper/decision";
import { encodeRebalanceReport } from "../../src/keeper/creReport";
import { REASONS, type ReasonName } from "../../src/vault/enums";

/**
 * Ballast's keeper as a Chainlink CRE workflow. On a cron trigger it reads each configured vault's
 * trigger through the vault's own `checkUpkeep` view (and, when due, how far out of band it is and
 * the `lastRebalanceAt` the report must carry), reads the base fee, applies the keeper's own gas rules
 * (`src/keeper/decision.ts`: ceiling, urgent override, hard cap — the same code as
 * `npx hardhat keeper`), and for each vault to send writes a report to Ballast's `RebalanceReceiver`.
 * A leverage vault at or above its ripcord bound gets a ripcord report instead, sent as urgent
 * whatever its trigger says (the ripcord runs through a cooldown, the breaker and a pause), as the
 * keeper loop does. Each report goes to the receiver,
 * which the DON signs and Chainlink's KeystoneForwarder delivers. A vault that cannot be read is
 * skipped and logged; the others go on.
 */

const address = z.string().regex(/^0x[0-9a-fA-F]{40}$/, "an address");

export const configSchema = z.object({
  /** Cron schedule (six fields, seconds first). */
  schedule: z.string().min(1),
  /** CRE chain selector name, e.g. ethereum-mainnet-arbitrum-1. */
  chainSelectorName: z.string().min(1),
  /** The RebalanceReceiver the reports go to. */
  receiver: address,
  /** The vaults to keep (each must be listed on the receiver). */
  vaults: z.array(address).min(1),
  /** A contract whose `getBasefee()` returns block.basefee: Multicall3, at the same address on every chain it is on. */
  basefeeReader: address.default("0xcA11bde05977b3631167028862bE2a173976CA11"),
  /** Gas rules, in gwei and bands, as `npx hardhat keeper` takes them. */
  baseFeeCeilingGwei: z.number().nonnegative(),
  urgentMultiple: z.number().positive(),
  hardCapGwei: z.number().nonnegative(),
  /** How long a report stays valid on-chain (the receiver's deadline). */
  reportTtlSeconds: z.number().int().positive().default(600),
  /** Gas limit of each report's delivery (forwarder + receiver + rebalance). */
  gasLimit: z.string().regex(/^\d+$/).default("1500000"),
});
export type Config = z.infer<typeof configSchema>;

export const VAULT_ABI = parseAbi([
  "function checkUpkeep(bytes) view returns (bool upkeepNeeded, bytes performData)",
  "function vaultKind() pure returns (uint8)",
  "function engineState() view returns ((bool active, bool paused, uint40 lastRebalanceAt, uint40 rebalancesClearAt, uint40 costClearAt, uint40 rewardsClearAt, uint32 venueVersion))",
  "function weightsWad() view returns (uint256[] weights, uint256 navWad)",
  "function targets() view returns (uint16[] targetBps, uint16[] absBandBps, uint16[] relBandBps)",
  "function hedgeStatus() view returns ((uint8 reason, int256 netDeltaWad, int256 targetDeltaWad, uint256 halfWidthWad, int256 bookDeltaWad, int256 bookGammaE36, uint256 underlyingWad, uint256 sigmaWad, uint256 liveLegs, bool clipped))",
  "function leverageStatus() view returns ((uint8 reason, uint256 collateral, uint256 debt, uint256 navWad, uint256 leverageWad, uint256 loanToValueBps, uint256 healthFactorWad, bool ripcordDue))",
  "function leverageConfig() view returns ((uint64 targetWad, uint64 minWad, uint64 maxWad, uint64 ripcordWad, uint16 maxLtvBps, uint16 ripcordRewardBps, uint80 maxRipcordReward))",
]);
export const BASEFEE_ABI = parseAbi(["function getBasefee() view returns (uint256 basefee)"]);
/** The receiver's surface a contract mock needs (the forwarder calls onReport; nothing here reads it). */
export const RECEIVER_ABI = parseAbi(["function payee() view returns (address)"]);

const gwei = (g: number) => BigInt(Math.round(g * 1e9));
/** The EVM write reply's ReceiverContractExecutionStatus.REVERTED (the SDK re-exports only Solana's enum). */
const RECEIVER_REVERTED = 1;

/** What happened to one vault on one tick. */
export interface VaultOutcome {
  vault: Address;
  action: "sent" | "hold" | "idle" | "unreadable" | "failed";
  why: string;
  txHash?: Hex;
}

type Read = <
  F extends
    | "checkUpkeep"
    | "vaultKind"
    | "engineState"
    | "weightsWad"
    | "targets"
    | "hedgeStatus"
    | "leverageStatus"
    | "leverageConfig",
>(
  vault: Address,
  functionName: F,
) => unknown;

/** One tick: read, decide, report. Returns each vault's outcome (also logged, one line each). */
export function onCron(runtime: Runtime<Config>): VaultOutcome[] {
  const config = runtime.config;
  const network = getNetwork({ chainFamily: "evm", chainSelectorName: config.chainSelectorName });
  if (!network) throw new Error(`unknown chain selector name '${config.chainSelectorName}'`);
  const evm = new EVMClient(network.chainSelector.selector);

  const call = (to: Address, data: Hex): Hex =>
    bytesToHex(
      evm
        .callContract(runtime, {
          call: encodeCallMsg({ from: zeroAddress, to, data }),
          blockNumber: LATEST_BLOCK_NUMBER,
        })
        .result().data,
    );
  const read: Read = (vault, functionName) =>
    decodeFunctionResult({
      abi: VAULT_ABI,
      functionName,
      data: call(
        vault,
        encodeFunctionData({
          abi: VAULT_ABI,
          functionName,
          args: functionName === "checkUpkeep" ? ["0x"] : [],
        } as never),
      ),
    } as never);

  const baseFee = decodeFunctionResult({
    abi: BASEFEE_ABI,
    functionName: "getBasefee",
    data: call(
      config.basefeeReader as Address,
      encodeFunctionData({ abi: BASEFEE_ABI, functionName: "getBasefee" }),
    ),
  }) as bigint;
  const policy: GasPolicy = {
    baseFeeCeilingWei: gwei(config.baseFeeCeilingGwei),
    urgentMultiple: config.urgentMultiple,
    hardCapWei: gwei(config.hardCapGwei),
  };
  const nowSeconds = BigInt(Math.floor(runtime.now().getTime() / 1000));

  const outcomes: VaultOutcome[] = [];
  for (const vault of config.vaults as Address[]) {
    let outcome: VaultOutcome;
    try {
      outcome = tick(vault);
    } catch (e) {
      outcome = { vault, action: "unreadable", why: (e as Error).message.split("\n")[0] };
    }
    runtime.log(`${vault}: ${outcome.action}: ${outcome.why}${outcome.txHash ? ` (${outcome.txHash})` : ""}`);
    outcomes.push(outcome);
  }
  return outcomes;

  function tick(vault: Address): VaultOutcome {
    const kind = Number(read(vault, "vaultKind"));
    if (kind < 1 || kind > 3) throw new Error(`not a Ballast vault (kind ${kind})`);
    // A leverage vault's position, read once: the ripcord's test and, when due, the urgency.
    const l =
      kind === 3 ? (read(vault, "leverageStatus") as { leverageWad: bigint; ripcordDue: boolean }) : null;
    if (l) {
      if (l.ripcordDue) {
        const c = read(vault, "leverageConfig") as { ripcordWad: bigint };
        const decision = decide(
          { reason: "Due", detail: 0n, urgency: policy.urgentMultiple },
          baseFee,
          policy,
        );
        if (decision.action !== "send") return { vault, action: decision.action, why: decision.why };
        const x = (w: bigint) => (Number(w / 10n ** 12n) / 1e6).toFixed(3);
        return report(
          vault,
          "ripcord",
          `ripcord due: leverage ${x(l.leverageWad)}× at or above ${x(c.ripcordWad)}×`,
        );
      }
    }
    const [, performData] = read(vault, "checkUpkeep") as [boolean, Hex];
    const reasonCode = Number(BigInt(performData.slice(0, 66)));
    const detail = BigInt(`0x${performData.slice(66, 130)}`);
    const reason = REASONS[reasonCode] as ReasonName | undefined;
    if (reason === undefined) throw new Error(`unknown reason code ${reasonCode}`);
    let urgency = 0;
    if (reason === "Due") {
      if (kind === 1) {
        const [weights] = read(vault, "weightsWad") as [bigint[], bigint];
        const [targetBps, absBandBps, relBandBps] = read(vault, "targets") as [number[], number[], number[]];
        urgency = targetWeightUrgency([...weights], [...targetBps], [...absBandBps], [...relBandBps]);
      } else if (kind === 2) {
        const h = read(vault, "hedgeStatus") as {
          netDeltaWad: bigint;
          targetDeltaWad: bigint;
          halfWidthWad: bigint;
        };
        urgency = hedgeUrgency(h.netDeltaWad, h.targetDeltaWad, h.halfWidthWad);
      } else {
        const c = read(vault, "leverageConfig") as { targetWad: bigint; minWad: bigint; maxWad: bigint };
        urgency = leverageUrgency(l!.leverageWad, c.targetWad, c.minWad, c.maxWad);
      }
    }
    const decision = decide({ reason, detail, urgency }, baseFee, policy);
    if (decision.action !== "send") return { vault, action: decision.action, why: decision.why };
    return report(vault, "rebalance", decision.why);
  }

  /** Writes one report for `vault` (what it saw, a deadline, the action) and reads the delivery. */
  function report(vault: Address, action: "rebalance" | "ripcord", why: string): VaultOutcome {
    const state = read(vault, "engineState") as { lastRebalanceAt: number };
    const payload = encodeRebalanceReport({
      vault,
      lastRebalanceAt: BigInt(state.lastRebalanceAt),
      deadline: nowSeconds + BigInt(config.reportTtlSeconds),
      action,
    });
    const report = runtime.report(prepareReportRequest(payload)).result();
    const reply = evm
      .writeReport(runtime, { receiver: config.receiver, report, gasConfig: { gasLimit: config.gasLimit } })
      .result();
    const txHash = reply.txHash ? bytesToHex(reply.txHash) : undefined;
    if (reply.txStatus !== TxStatus.SUCCESS) {
      const detail = reply.errorMessage ? `: ${reply.errorMessage}` : "";
      return {
        vault,
        action: "failed",
        why: `report not delivered (${TxStatus[reply.txStatus]})${detail}`,
        txHash,
      };
    }
    // The forwarder records a receiver's revert instead of bubbling it: the vault did not rebalance
    // (another keeper was first, or the state moved); the receiver's error is in the transaction.
    if (reply.receiverContractExecutionStatus === RECEIVER_REVERTED) {
      return {
        vault,
        action: "failed",
        why: "delivered, but the receiver refused it (see the transaction)",
        txHash,
      };
    }
    return { vault, action: "sent", why, txHash };
  }
}

/** The workflow: one cron handler. */
export function initWorkflow(config: Config) {
  return [
    handler(new CronCapability().trigger({ schedule: config.schedule }), (runtime: Runtime<Config>) =>
      onCron(runtime),
    ),
  ];
}
