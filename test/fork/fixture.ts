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
// The committed, dated state the replica is built from; its provenance is PROVENANCE.md beside it.
import stateFile from "./mainnet-state.json";

export const MAINNET_STATE = stateFile as unknown as ForkState;

/**
 * Which mode this run is: live when the in-process network forks a live chain (`npm run test:fork`
 * with MAINNET_RPC_URL set: hardhat.config forks at the pinned block), else replica.
 */
export function forkMode(): ForkMode {
  const forking = (hre.network.config as { forking?: { enabled?: boolean } }).forking;
  return forking?.enabled ? "live" : "replica";
}

/** Fixed accounts, so every replica is the same. */
export async function forkActors(): Promise<ForkActors & { attacker: Signer }> {
  const s = await hre.ethers.getSigners();
  return { chainlink: s[10], circle: s[11], usdcAdmin: s[12], lp: s[13], attacker: s[14] };
}

/**
 * The market, built (replica) or attached (live) inside an EVM snapshot that `release` reverts, so the
 * forked suite leaves the in-process chain as it found it for the suites after it. It also sets
 * BALLAST_FORK=mainnet while it runs, so the deploy scripts deploy the mainnet preset.
 */
export async function forkMarket(): Promise<{ market: ForkMarket; release(): Promise<void> }> {
  if (forkMode() === "live" && process.env[FORK_ENV] !== "mainnet") {
    throw new Error(
      `the forked suite has mainnet scenarios only: ${FORK_ENV}=${process.env[FORK_ENV]} forks another chain.`,
    );
  }
  const snapshot = await hre.network.provider.send("evm_snapshot", []);
  const previous = process.env[FORK_ENV];
  process.env[FORK_ENV] = "mainnet";
  const actors = await forkActors();
  const market =
    forkMode() === "live"
      ? await attachLive(hre, MAINNET_STATE, actors)
      : await buildReplica(hre, MAINNET_STATE, actors);
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
export function describeMarket(market: ForkMarket): string {
  const p = market.provenance;
  return (
    `      mode: ${market.mode}${market.mode === "replica" ? ` (no RPC; state ${MAINNET_STATE.date} from test/fork/mainnet-state.json)` : ""}\n` +
    `      real bytecode at mainnet addresses: ${p.real.join("; ")}\n` +
    (p.functional.length ? `      functional, not identical: ${p.functional.join("; ")}\n` : "") +
    (p.standIn.length ? `      stand-in: ${p.standIn.join("; ")}\n` : "")
  ).trimEnd();
}
