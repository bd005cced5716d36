import { deployTarget, isLocalNetwork } from "../config/local";
import { type LiveNetworkName, UserError, isLiveNetwork } from "../config/env";
import { demoHedgePreset, type DeltaHedgePreset } from "../vault/deltaHedge";
import {
  DEFAULT_ENGINE_SETTINGS,
  demoVaultPreset,
  demoVenues,
  type TargetWeightPreset,
} from "../vault/targetWeight";

/**
 * Typed per-network deployment presets: which vaults a network gets, with their assets, feeds,
 * pools, thresholds and roles, and an optional hand-over of ownership to a TimelockController.
 * Live networks take addresses from the verified address book (src/config/addresses.json) by key;
 * roles come from environment variables so no team's addresses are committed here.
 */

/** An address a team supplies through an environment variable. */
export interface EnvAddress {
  env: string;
  value: string | undefined;
}

const fromEnv = (env: string): EnvAddress => ({ env, value: process.env[env]?.trim() || undefined });

/** Where a live asset's feed and pool come from: keys into the network's address book. */
export interface AssetSource {
  /** Chainlink feed key, e.g. ETH_USD. */
  feed: string;
  /** Uniswap V3 pool key against the quote asset, e.g. WETH_USDC_500; none for the quote asset. */
  pool?: string;
}

export interface TargetWeightVaultPlan {
  kind: "target-weight";
  /** Deployment name: recorded as `Vault_<key>`, and what `--vault` takes. */
  key: string;
  preset: TargetWeightPreset;
  /** Live networks: per asset symbol. Local networks use the local market. */
  sources?: Record<string, AssetSource>;
}

export interface DeltaHedgeVaultPlan {
  kind: "delta-hedge";
  key: string;
  preset: DeltaHedgePreset;
  /** Deploy a fresh OptionBook (`OptionBook_<key>`) managed by `bookManager`, or read an existing book. */
  book: { deploy: true } | { address: string };
  sources?: Record<string, AssetSource>;
}

export type VaultPlan = TargetWeightVaultPlan | DeltaHedgeVaultPlan;

export interface TimelockPlan {
  minDelaySeconds: number;
  proposers: EnvAddress[];
  /** Executors; an empty list is refused (use the zero address deliberately for "anyone"). */
  executors: EnvAddress[];
}

/**
 * A Chainlink CRE workflow keeping this network's vaults: the RebalanceReceiver accepts reports from
 * this workflow only (its owner; its id and name when set) and pays rewards to `payee`. Absent, or
 * with no workflow owner set, no receiver is deployed.
 */
export interface CrePlan {
  workflowOwner: EnvAddress;
  /** The workflow id (bytes32 hex); unset: any workflow of the owner named `workflowName`. */
  workflowId: { env: string; value: string | undefined };
  /** Up to 10 bytes; unset: any name. */
  workflowName: { env: string; value: string | undefined };
  payee: EnvAddress;
}

export interface NetworkPreset {
  network: string;
  /** May pause at once; everything else needs the owner (the deployer, then the timelock). */
  guardian: EnvAddress;
  /** Manages the legs of books this preset deploys. */
  bookManager: EnvAddress;
  /** L2s: the Chainlink sequencer uptime feed key and the grace period after it comes back. */
  sequencer?: { feed: string; graceSeconds: number };
  vaults: VaultPlan[];
  timelock?: TimelockPlan;
  cre?: CrePlan;
}

const USDC = (whole: number) => BigInt(whole) * 10n ** 6n;

/** A 50/50 USDC/WETH vault with ±5-point bands and conservative limits; the live networks' default. */
export function ethUsdcPreset(): TargetWeightPreset {
  return {
    name: "Ballast USDC/WETH 50/50",
    symbol: "bUW50",
    assets: [
      { symbol: "USDC", targetBps: 5000, absBandBps: 500, relBandBps: 0, maxStalenessSeconds: 0 },
      { symbol: "WETH", targetBps: 5000, absBandBps: 500, relBandBps: 0, maxStalenessSeconds: 0 },
    ],
    settings: { ...DEFAULT_ENGINE_SETTINGS, maxSlippageBps: 50, maxPoolDeviationBps: 25 },
    amounts: { minTradeValue: USDC(1_000), maxRewardPerCall: USDC(25), rewardCapPerPeriod: USDC(100) },
    targetDelaySeconds: 2 * 86400,
  };
}

const TIMELOCK = (): TimelockPlan => ({
  minDelaySeconds: 2 * 86400,
  proposers: [fromEnv("BALLAST_TIMELOCK_PROPOSER")],
  executors: [fromEnv("BALLAST_TIMELOCK_EXECUTOR")],
});

const L2_SEQUENCER = { feed: "L2_SEQUENCER_UPTIME", graceSeconds: 3600 };

function liveBase(network: LiveNetworkName, pool: string, sequencer?: typeof L2_SEQUENCER): NetworkPreset {
  return {
    network,
    guardian: fromEnv("BALLAST_GUARDIAN"),
    bookManager: fromEnv("BALLAST_BOOK_MANAGER"),
    sequencer,
    vaults: [
      {
        kind: "target-weight",
        key: "eth-usdc",
        preset: ethUsdcPreset(),
        sources: { USDC: { feed: "USDC_USD" }, WETH: { feed: "ETH_USD", pool } },
      },
    ],
    timelock: TIMELOCK(),
    cre: {
      workflowOwner: fromEnv("BALLAST_CRE_WORKFLOW_OWNER"),
      workflowId: fromEnv("BALLAST_CRE_WORKFLOW_ID"),
      workflowName: fromEnv("BALLAST_CRE_WORKFLOW_NAME"),
      payee: fromEnv("BALLAST_CRE_PAYEE"),
    },
  };
}

const LIVE_PRESETS: Record<LiveNetworkName, () => NetworkPreset> = {
  mainnet: () => liveBase("mainnet", "WETH_USDC_500"),
  arbitrum: () => liveBase("arbitrum", "WETH_USDC_500", L2_SEQUENCER),
  base: () => liveBase("base", "WETH_USDC_500", L2_SEQUENCER),
  optimism: () => liveBase("optimism", "WETH_USDC_500", L2_SEQUENCER),
  sepolia: () => liveBase("sepolia", "WETH_USDC_500"),
};

/** A live network's preset (its vaults, roles from the environment). */
export const livePreset = (network: LiveNetworkName): NetworkPreset => LIVE_PRESETS[network]();

/**
 * The local networks' preset (in-process and `npx hardhat node`): the demo's target-weight vault and
 * a delta-hedged vault with its own book, over the local market. Roles are the named accounts.
 */
function localPreset(network: string, named: Record<string, string>): NetworkPreset {
  const role = (value: string): EnvAddress => ({ env: "(named account)", value });
  const guardian = named.guardian;
  return {
    network,
    guardian: role(guardian),
    bookManager: role(guardian),
    vaults: [
      { kind: "target-weight", key: "demo", preset: { ...demoVaultPreset(), venues: demoVenues() } },
      { kind: "delta-hedge", key: "hedge", preset: demoHedgePreset(), book: { deploy: true } },
    ],
    timelock: undefined,
    // The local KeystoneForwarder's DON signs as workflow "ballast" of the deployer; the keeper is paid.
    cre: {
      workflowOwner: role(named.deployer),
      workflowId: { env: "(local)", value: undefined },
      workflowName: { env: "(local)", value: "ballast" },
      payee: role(named.keeper),
    },
  };
}

/**
 * The preset for a network, or a UserError naming the networks that have one. On the in-process
 * network with BALLAST_FORK=<live network>, that network's preset (a fork, or the forked suite's
 * replica): see `deployTarget`.
 */
export async function networkPreset(hre: {
  network: { name: string };
  getNamedAccounts(): Promise<Record<string, string>>;
}): Promise<NetworkPreset> {
  const name = deployTarget(hre.network.name);
  if (isLocalNetwork(name)) return localPreset(name, await hre.getNamedAccounts());
  if (isLiveNetwork(name)) return livePreset(name);
  throw new UserError(
    `no deployment preset for network '${name}': known are hardhat, localhost, ${Object.keys(LIVE_PRESETS).join(", ")}.`,
  );
}
