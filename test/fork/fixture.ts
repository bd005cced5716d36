import hre from "hardhat";
import type { Signer } from "ethers";

import { FORK_ENV } from "../../src/config/local";
import {
  type ForkActors,
  type ForkMarket,
  type ForkMode,
  type ForkState,
  attachLive,
  buildReplica,
} from "../../src/fork/market";
import type { ReplicaNetwork } from "../../src/fork/replica";
// The committed, dated states the replicas are built from; their provenance is PROVENANCE.md beside them.
import arbitrumState from "./arbitrum-state.json";
import mainnetState from "./mainnet-state.json";

export const FORK_STATES: Record<ReplicaNetwork, ForkState> = {
  mainnet: mainnetState as unknown as ForkState,
  arbitrum: arbitrumState as unknown as ForkState,
};
export const MAINNET_STATE = FORK_STATES.mainnet;

/**
 * Which mode this run is: live when the in-process network forks a live chain (`npm run test:fork`
 * with that network's RPC URL set: hardhat.config forks at the pinned block), else replica.
 */
export function forkMode(): ForkMode {
  const forking = (hre.network.config as { forking?: { enabled?: boolean } }).forking;
  return forking?.enabled ? "live" : "replica";
}

/**
 * Whether a network's suites run in this process: every replica when nothing is forked (`npm test`),
 * only BALLAST_FORK's network under `npm run test:fork` (one process per network, so each can fork).
 */
export function forkSuiteRuns(network: ReplicaNetwork): boolean {
  const target = process.env[FORK_ENV]?.trim();
  return !target || target === network;
}

/** Fixed accounts, so every replica is the same. */
export async function forkActors(): Promise<ForkActors & { attacker: Signer }> {
  const s = await hre.ethers.getSigners();
  return { chainlink: s[10], circle: s[11], usdcAdmin: s[12], lp: s[13], attacker: s[14] };
}

/**
 * A network's market, built (replica) or attached (live) inside an EVM snapshot that `release`
 * reverts, so the forked suite leaves the in-process chain as it found it for the suites after it.
 * It also sets BALLAST_FORK to the network while it runs, so the deploy scripts deploy its preset.
 */
export async function forkMarket(
  network: ReplicaNetwork,
): Promise<{ market: ForkMarket; release(): Promise<void> }> {
  const previous = process.env[FORK_ENV];
  if (forkMode() === "live" && previous !== network) {
    throw new Error(`the ${network} suite cannot run on a fork of ${previous}: run npm run test:fork.`);
  }
  const snapshot = await hre.network.provider.send("evm_snapshot", []);
  process.env[FORK_ENV] = network;
  const actors = await forkActors();
  const state = FORK_STATES[network];
  const market =
    forkMode() === "live" ? await attachLive(hre, state, actors) : await buildReplica(hre, state, actors);
  return {
    market,
    async release() {
      if (previous === undefined) delete process.env[FORK_ENV];
      else process.env[FORK_ENV] = previous;
      await hre.network.provider.send("evm_revert", [snapshot]);
    },
  };
}

/** The mode and what is real, printed once per suite so a reader never has to guess. */
export function describeMarket(market: ForkMarket, network: ReplicaNetwork): string {
  const p = market.provenance;
  const state = FORK_STATES[network];
  return (
    `      mode: ${market.mode}${market.mode === "replica" ? ` (no RPC; state ${state.date} from test/fork/${network}-state.json)` : ` (a fork of ${network})`}\n` +
    `      real bytecode at ${network} addresses: ${p.real.join("; ")}\n` +
    (p.functional.length ? `      functional, not identical: ${p.functional.join("; ")}\n` : "") +
    (p.standIn.length ? `      stand-in: ${p.standIn.join("; ")}\n` : "")
  ).trimEnd();
}
