import { expect } from "bun:test";
import { TxStatus, getNetwork } from "@chainlink/cre-sdk";
import { EvmMock, addContractMock, newTestRuntime, test } from "@chainlink/cre-sdk/test";
import { bytesToHex, encodeAbiParameters, type Address, type Hex } from "viem";

import { encodeRebalanceReport } from "../../src/keeper/creReport";
import { Reason, type ReasonName } from "../../src/vault/enums";
import { BASEFEE_ABI, RECEIVER_ABI, VAULT_ABI, configSchema, onCron, type Config } from "./workflow";

/**
 * The CRE workflow under the SDK's test runtime and its EVM contract mocks (no WASM, no DON): each
 * vault's views, the base-fee reader and the receiver's writeReport are mocked; the assertions are on
 * which reports the workflow writes, with which payload, and what it logs.
 */

const CHAIN = "ethereum-mainnet-arbitrum-1";
const SELECTOR = getNetwork({ chainFamily: "evm", chainSelectorName: CHAIN })!.chainSelector.selector;
const RECEIVER: Address = "0x00000000000000000000000000000000000000Ee";
const READER: Address = "0x00000000000000000000000000000000000000Bf";
const [A, B, C]: Address[] = [
  "0x000000000000000000000000000000000000000A",
  "0x000000000000000000000000000000000000000b",
  "0x000000000000000000000000000000000000000C",
];
const NOW_MS = 1_764_651_600_000; // 2025-12-02 05:00 UTC
const GWEI = 1_000_000_000n;
const WAD = 10n ** 18n;

const config = (vaults: Address[]): Config =>
  configSchema.parse({
    schedule: "0 */5 * * * *",
    chainSelectorName: CHAIN,
    receiver: RECEIVER,
    vaults,
    basefeeReader: READER,
    baseFeeCeilingGwei: 30,
    urgentMultiple: 3,
    hardCapGwei: 200,
  });

interface VaultState {
  reason: ReasonName;
  /** Weight of the second asset (of two, targets 50/50, absolute band 5 points). */
  weight?: number;
  lastRebalanceAt?: number;
  unreadable?: boolean;
  /** A leverage vault (kind 3): its leverage (target 2×, band 1.7–2.3×, ripcord 2.7×). */
  leverage?: number;
}

/** Mocks the chain: the base fee, each vault's views, and the receiver, which records every report. */
function chain(baseFeeGwei: bigint, vaults: Record<Address, VaultState>, receiverReverts = false) {
  const evm = EvmMock.testInstance(SELECTOR);
  addContractMock(evm, { address: READER, abi: BASEFEE_ABI }).getBasefee = () => baseFeeGwei * GWEI;
  for (const [address, v] of Object.entries(vaults) as [Address, VaultState][]) {
    const mock = addContractMock(evm, { address, abi: VAULT_ABI });
    mock.checkUpkeep = () => {
      if (v.unreadable) throw new Error("execution reverted");
      return [
        v.reason === "Due",
        encodeAbiParameters([{ type: "uint8" }, { type: "uint256" }], [Reason[v.reason], 0n]),
      ];
    };
    mock.vaultKind = () => (v.leverage === undefined ? 1 : 3);
    const lev = BigInt(Math.round((v.leverage ?? 0) * 1e6)) * 10n ** 12n;
    mock.leverageStatus = () => ({
      reason: Reason[v.reason],
      collateral: 0n,
      debt: 0n,
      navWad: 0n,
      leverageWad: lev,
      loanToValueBps: 0n,
      healthFactorWad: 0n,
      ripcordDue: lev >= (27n * WAD) / 10n,
    });
    mock.leverageConfig = () => ({
      targetWad: 2n * WAD,
      minWad: (17n * WAD) / 10n,
      maxWad: (23n * WAD) / 10n,
      ripcordWad: (27n * WAD) / 10n,
      maxLtvBps: 6500,
      ripcordRewardBps: 10,
      maxRipcordReward: 100_000_000n,
    });
    const w = BigInt(Math.round((v.weight ?? 0.5) * 1e6)) * 10n ** 12n;
    mock.weightsWad = () => [[WAD - w, w], 1_000_000n * WAD];
    mock.targets = () => [
      [5000, 5000],
      [500, 500],
      [0, 0],
    ];
    mock.engineState = () => ({
      active: true,
      paused: false,
      lastRebalanceAt: v.lastRebalanceAt ?? 0,
      rebalancesClearAt: 0,
      costClearAt: 0,
      rewardsClearAt: 0,
      venueVersion: 1,
    });
  }
  const reports: Hex[] = [];
  addContractMock(evm, { address: RECEIVER, abi: RECEIVER_ABI }).writeReport = (input) => {
    reports.push(bytesToHex(input.report.rawReport));
    return {
      txStatus: TxStatus.SUCCESS,
      txHash: new Uint8Array(32).fill(reports.length),
      receiverContractExecutionStatus: receiverReverts ? 1 : 0,
      errorMessage: "",
      $typeName: "capabilities.blockchain.evm.v1alpha.WriteReportReply",
    } as never;
  };
  return { reports };
}

const run = (vaults: Address[]) => {
  const runtime = newTestRuntime(null, { timeProvider: () => NOW_MS }, config(vaults));
  return { outcomes: onCron(runtime), logs: runtime.getLogs() };
};

/** The workflow's payload inside a raw report (after the forwarder's 109-byte metadata header). */
const payloadOf = (raw: Hex): Hex => `0x${raw.slice(2 + 109 * 2)}`;

test("nothing due: reads every vault, writes no report", () => {
  const { reports } = chain(10n, { [A]: { reason: "WithinBand" }, [B]: { reason: "Cooldown" } });
  const { outcomes, logs } = run([A, B]);
  expect(outcomes.map((o) => o.action)).toEqual(["idle", "idle"]);
  expect(outcomes[0].why).toBe("within band");
  expect(reports).toEqual([]);
  expect(logs.some((l) => l.includes(`${A}: idle: within band`))).toBe(true);
});

test("one vault due: one report to the receiver, naming that vault, what it saw and a deadline", () => {
  const { reports } = chain(10n, {
    [A]: { reason: "WithinBand" },
    [B]: { reason: "Due", weight: 0.6, lastRebalanceAt: 1_764_000_000 },
  });
  const { outcomes } = run([A, B]);
  expect(outcomes.map((o) => o.action)).toEqual(["idle", "sent"]);
  expect(outcomes[1].why).toBe("due: deviation 2.00× band");
  expect(reports.length).toBe(1);
  expect(payloadOf(reports[0])).toBe(
    encodeRebalanceReport({
      vault: B,
      lastRebalanceAt: 1_764_000_000n,
      deadline: BigInt(NOW_MS / 1000 + 600),
    }),
  );
  expect(outcomes[1].txHash).toBe(bytesToHex(new Uint8Array(32).fill(1)));
});

test("a vault held for gas: due but not urgent while the base fee is above the ceiling", () => {
  const { reports } = chain(50n, { [A]: { reason: "Due", weight: 0.6 } });
  const { outcomes } = run([A]);
  expect(outcomes[0].action).toBe("hold");
  expect(outcomes[0].why).toBe(
    "base fee 50.00 gwei above the ceiling 30.00 gwei; deviation 2.00× band, urgent from 3×",
  );
  expect(reports).toEqual([]);
});

test("an urgent vault goes above the ceiling, but never above the hard cap", () => {
  const urgent = { [A]: { reason: "Due" as const, weight: 0.75 } }; // 5× its band
  const sent = chain(50n, urgent);
  expect(run([A]).outcomes[0]).toMatchObject({ action: "sent", why: "urgent: deviation 5.00× band" });
  expect(sent.reports.length).toBe(1);
});

test("above the hard cap even an urgent vault holds", () => {
  const { reports } = chain(250n, { [A]: { reason: "Due", weight: 0.75 } });
  const { outcomes } = run([A]);
  expect(outcomes[0]).toMatchObject({
    action: "hold",
    why: "base fee 250.00 gwei above the hard cap 200.00 gwei",
  });
  expect(reports).toEqual([]);
});

test("an unreadable vault is skipped and logged; the others still get their reports", () => {
  const { reports } = chain(10n, {
    [A]: { reason: "Due", unreadable: true },
    [C]: { reason: "Due", weight: 0.6 },
  });
  const { outcomes, logs } = run([A, C]);
  expect(outcomes.map((o) => o.action)).toEqual(["unreadable", "sent"]);
  expect(logs.some((l) => l.startsWith(`${A}: unreadable:`))).toBe(true);
  expect(reports.length).toBe(1);
  expect(payloadOf(reports[0]).slice(0, 66)).toBe(`0x${C.slice(2).toLowerCase().padStart(64, "0")}`);
});

test("a leverage vault out of its band: urgency from its band, a rebalance report", () => {
  const { reports } = chain(10n, { [A]: { reason: "Due", leverage: 2.45, lastRebalanceAt: 7 } });
  const { outcomes } = run([A]);
  expect(outcomes[0]).toMatchObject({ action: "sent", why: "due: deviation 1.50× band" });
  expect(payloadOf(reports[0])).toBe(
    encodeRebalanceReport({ vault: A, lastRebalanceAt: 7n, deadline: BigInt(NOW_MS / 1000 + 600) }),
  );
  expect(payloadOf(reports[0]).length).toBe(2 + 96 * 2);
});

test("a leverage vault past its ripcord bound gets a ripcord report, even cooling down and above the ceiling", () => {
  const { reports } = chain(50n, { [A]: { reason: "Cooldown", leverage: 3.3, lastRebalanceAt: 7 } });
  const { outcomes } = run([A]);
  expect(outcomes[0]).toMatchObject({
    action: "sent",
    why: "ripcord due: leverage 3.300× at or above 2.700×",
  });
  expect(reports.length).toBe(1);
  const payload = payloadOf(reports[0]);
  expect(payload).toBe(
    encodeRebalanceReport({
      vault: A,
      lastRebalanceAt: 7n,
      deadline: BigInt(NOW_MS / 1000 + 600),
      action: "ripcord",
    }),
  );
  // Written out by hand: the 96-byte rebalance report with the action word 1 appended.
  expect(payload.length).toBe(2 + 128 * 2);
  expect(payload.slice(-64)).toBe("1".padStart(64, "0"));
});

test("above the hard cap a ripcord holds too", () => {
  const { reports } = chain(250n, { [A]: { reason: "Due", leverage: 3.3 } });
  expect(run([A]).outcomes[0]).toMatchObject({
    action: "hold",
    why: "base fee 250.00 gwei above the hard cap 200.00 gwei",
  });
  expect(reports).toEqual([]);
});

test("a report the receiver refused is reported as failed, not as sent", () => {
  chain(10n, { [A]: { reason: "Due", weight: 0.6 } }, true);
  expect(run([A]).outcomes[0]).toMatchObject({ action: "failed" });
});

test("the example configuration is valid", async () => {
  const example = await Bun.file(new URL("./config.example.json", import.meta.url)).json();
  expect(configSchema.parse(example).vaults.length).toBe(1);
});

test("a configuration with a malformed address is refused before anything runs", () => {
  expect(() => configSchema.parse({ ...config([A]), receiver: "0x1234" })).toThrow("an address");
  expect(() => configSchema.parse({ ...config([A]), vaults: [] })).toThrow();
});
