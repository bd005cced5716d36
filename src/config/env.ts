import type { NetworksUserConfig } from "hardhat/types";

/**
 * Environment variables, read in one place (Comet's `requireEnv()` pattern). Every variable is listed
 * with a fake value in `.env.example`.
 */

/** A mistake the user can fix; printed as one line, never with a stack trace. */
export class UserError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UserError";
  }
}

/** The live networks Ballast knows, and the variable that holds each one's RPC URL. */
export const LIVE_NETWORKS = {
  mainnet: { chainId: 1, rpcEnv: "MAINNET_RPC_URL" },
  arbitrum: { chainId: 42161, rpcEnv: "ARBITRUM_RPC_URL" },
  base: { chainId: 8453, rpcEnv: "BASE_RPC_URL" },
  optimism: { chainId: 10, rpcEnv: "OPTIMISM_RPC_URL" },
  sepolia: { chainId: 11155111, rpcEnv: "SEPOLIA_RPC_URL" },
} as const;

export type LiveNetworkName = keyof typeof LIVE_NETWORKS;

/** The key that signs on live networks. */
export const PRIVATE_KEY_ENV = "DEPLOYER_PRIVATE_KEY";

const MISSING_URL = "http://127.0.0.1:1/missing-rpc-url";

export function isLiveNetwork(name: string): name is LiveNetworkName {
  return Object.prototype.hasOwnProperty.call(LIVE_NETWORKS, name);
}

/** Returns the variable's value, or throws a UserError that names it and says what it is for. */
export function requireEnv(name: string, purpose: string): string {
  const value = process.env[name];
  if (value === undefined || value.trim() === "") {
    throw new UserError(`${name} is not set: ${purpose}. Export it (see .env.example) and retry.`);
  }
  return value.trim();
}

function privateKeyAccounts(): string[] {
  const key = process.env[PRIVATE_KEY_ENV]?.trim();
  if (!key) return [];
  return [key.startsWith("0x") ? key : `0x${key}`];
}

/**
 * `--signer ledger`'s account (LEDGER_ACCOUNT) for hardhat-ledger, which signs its transactions on the
 * device; nothing when unset (the plugin is then not even loaded: hardhat.config.ts).
 */
function ledgerAccounts(): { ledgerAccounts?: string[] } {
  const account = process.env.LEDGER_ACCOUNT?.trim();
  return account ? { ledgerAccounts: [account] } : {};
}

/** The chain id of the in-process network and of a local node (`npx hardhat node`). */
export const LOCAL_CHAIN_ID = 31337;

/** The chain a network must be on, or undefined for a network Ballast does not know. */
export function expectedChainId(name: string): number | undefined {
  if (name === "hardhat" || name === "localhost") return LOCAL_CHAIN_ID;
  return isLiveNetwork(name) ? LIVE_NETWORKS[name].chainId : undefined;
}

/**
 * Hardhat's `networks` block: the in-process network, localhost, and every live network. The HTTP
 * networks carry no `chainId`: Hardhat would then spend a request of every command on checking it,
 * and every task's pre-flight (`src/cli/connect.ts`) already checks it against `expectedChainId`,
 * with a clearer error.
 */
export function hardhatNetworks(): NetworksUserConfig {
  const networks: NetworksUserConfig = {
    hardhat: { chainId: LOCAL_CHAIN_ID, allowUnlimitedContractSize: false, forking: forkOrExit() },
    localhost: { url: process.env.LOCALHOST_RPC_URL ?? "http://127.0.0.1:8545" },
  };
  for (const [name, net] of Object.entries(LIVE_NETWORKS)) {
    networks[name] = {
      url: process.env[net.rpcEnv]?.trim() || MISSING_URL,
      accounts: privateKeyAccounts(),
      ...ledgerAccounts(),
    };
  }
  Object.assign(networks.localhost!, ledgerAccounts());
  return networks;
}

/**
 * The blocks the forked suite's live mode forks at, per network (`npm run test:fork` with the RPC URL
 * set). Pinned so every run sees the same state; chosen at about 2025-12-01, after every contract the
 * suite uses was deployed (USDC's FiatTokenV2_2, the feeds' current aggregators, the pools). Moving a
 * pin is a reviewed change: the live run's figures move with it. Mainnet and Arbitrum have suites.
 */
export const FORK_BLOCKS: Partial<Record<LiveNetworkName, number>> = {
  mainnet: 23_930_000,
  arbitrum: 405_000_000,
};

/**
 * The in-process network's fork, when BALLAST_FORK names a live network whose RPC URL is set (the
 * forked suite's live mode); otherwise none. A network without a pinned block is refused, not forked
 * at the latest block, so no run is unrepeatable by accident.
 */
export function liveFork(): { url: string; blockNumber: number; enabled: true } | undefined {
  const target = process.env.BALLAST_FORK?.trim();
  if (!target || !isLiveNetwork(target)) return undefined;
  const url = process.env[LIVE_NETWORKS[target].rpcEnv]?.trim();
  if (!url) return undefined;
  const blockNumber = FORK_BLOCKS[target];
  if (blockNumber === undefined) {
    throw new UserError(
      `BALLAST_FORK=${target}: no pinned block for ${target} (FORK_BLOCKS in src/config/env.ts has ${Object.keys(FORK_BLOCKS).join(", ")}).`,
    );
  }
  return { url, blockNumber, enabled: true };
}

/** `liveFork()` while Hardhat loads its config: a mistake ends the run with one line. */
function forkOrExit(): ReturnType<typeof liveFork> {
  try {
    return liveFork();
  } catch (e) {
    console.error(`Error: ${(e as Error).message}`);
    process.exit(1);
  }
}

/**
 * Called once per Hardhat run: selecting a live network whose RPC URL is missing ends the run with
 * one line naming the variable, before any task touches the network.
 */
export function assertNetworkEnv(networkName: string): void {
  if (!isLiveNetwork(networkName)) return;
  const { rpcEnv } = LIVE_NETWORKS[networkName];
  try {
    requireEnv(rpcEnv, `it holds the RPC URL for --network ${networkName}`);
  } catch (e) {
    console.error(`Error: ${(e as Error).message}`);
    process.exit(1);
  }
}

/** The network a Hardhat command line selects (--network X, --network=X, or HARDHAT_NETWORK). */
export function selectedNetwork(argv: readonly string[], envNetwork: string | undefined): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === "--network") return argv[i + 1];
    if (argv[i].startsWith("--network=")) return argv[i].slice("--network=".length);
  }
  return envNetwork?.trim() || undefined;
}

/** Ends the run with one line when the selected network is not configured. */
export function assertKnownNetwork(
  argv: readonly string[],
  envNetwork: string | undefined,
  known: readonly string[],
): void {
  const name = selectedNetwork(argv, envNetwork);
  if (name === undefined || known.includes(name)) return;
  console.error(`Error: unknown network '${name}': use one of ${known.join(", ")}.`);
  process.exit(1);
}
