import { VoidSigner, Wallet, getAddress, isAddress, type Signer } from "ethers";
import type { HardhatRuntimeEnvironment, HttpNetworkConfig } from "hardhat/types";

import { UserError, expectedChainId, isLiveNetwork, requireEnv } from "../config/env";

/** The variable that holds the keeper's own key; on local networks the named `keeper` account signs. */
export const KEEPER_KEY_ENV = "KEEPER_PRIVATE_KEY";

/** How long the pre-flight waits for the node before calling it unreachable. */
const PREFLIGHT_TIMEOUT_MS = 5_000;

async function rpc(url: string, method: string, timeoutMs: number): Promise<unknown> {
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params: [] }),
    signal: AbortSignal.timeout(timeoutMs),
  });
  if (!res.ok) throw new Error(`HTTP ${res.status}`);
  const body = (await res.json()) as { result?: unknown; error?: { message?: string } };
  if (body.error) throw new Error(body.error.message ?? "JSON-RPC error");
  return body.result;
}

/** Hides the path and query of an RPC URL (they often carry an API key). */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname === "/" ? "" : "/…"}`;
  } catch {
    return "<invalid url>";
  }
}

/**
 * Checks, before a task touches the network, that the node answers and is on the chain the network
 * is configured for, and returns that chain's id. Each failure is one UserError line saying what to
 * do.
 */
export async function preflight(hre: HardhatRuntimeEnvironment): Promise<number> {
  if (hre.network.name === "hardhat") return hre.network.config.chainId ?? 31337; // in-process: nothing to reach
  const config = hre.network.config as HttpNetworkConfig;
  const where = `${redactUrl(config.url)} (--network ${hre.network.name})`;
  let chainHex: unknown;
  try {
    chainHex = await rpc(config.url, "eth_chainId", PREFLIGHT_TIMEOUT_MS);
  } catch (e) {
    const cause = (e as { cause?: { code?: string } }).cause?.code ?? (e as Error).name;
    const hint =
      hre.network.name === "localhost"
        ? "start one with `npx hardhat node` or set LOCALHOST_RPC_URL"
        : "check the RPC URL and your connection";
    throw new UserError(`cannot reach the node at ${where}: ${cause}; ${hint}.`);
  }
  const chainId = Number(chainHex);
  const expected = expectedChainId(hre.network.name);
  if (expected !== undefined && chainId !== expected) {
    throw new UserError(
      `wrong chain at ${where}: the node is on chain ${chainId}, but ${hre.network.name} is chain ${expected}. ` +
        `Point the RPC URL at a ${hre.network.name} node.`,
    );
  }
  return chainId;
}

/** Fails, before any network access, when a live network has no KEEPER_PRIVATE_KEY. */
export function assertKeeperKey(hre: HardhatRuntimeEnvironment): void {
  if (isLiveNetwork(hre.network.name) && !process.env[KEEPER_KEY_ENV]?.trim())
    requireEnv(KEEPER_KEY_ENV, `it signs rebalance transactions on ${hre.network.name}`);
}

/**
 * The account that signs keeper transactions: KEEPER_PRIVATE_KEY when set (required on live
 * networks), else the named `keeper` account of a local node — found with one eth_accounts and
 * returned as a VoidSigner (its address), since the node itself signs what the keeper sends
 * (`src/keeper/send.ts`).
 */
export async function keeperSigner(hre: HardhatRuntimeEnvironment): Promise<Signer> {
  const key = process.env[KEEPER_KEY_ENV]?.trim();
  if (key || isLiveNetwork(hre.network.name)) {
    const k = key || requireEnv(KEEPER_KEY_ENV, `it signs rebalance transactions on ${hre.network.name}`);
    try {
      return new Wallet(k.startsWith("0x") ? k : `0x${k}`, hre.ethers.provider);
    } catch {
      throw new UserError(`${KEEPER_KEY_ENV} is not a valid private key: expected 32 bytes of hex.`);
    }
  }
  const accounts = (await hre.ethers.provider.send("eth_accounts", [])) as string[];
  const named = (hre.config.namedAccounts as Record<string, { default?: number } | undefined>).keeper;
  const address = accounts[named?.default ?? 0];
  if (!address)
    throw new UserError(
      `the node at --network ${hre.network.name} holds no account for the keeper; set ${KEEPER_KEY_ENV}.`,
    );
  return new VoidSigner(address, hre.ethers.provider);
}

/** Who signs an admin change (`--signer`); `unsigned` signs nothing and writes the transaction. */
export const SIGNERS = ["deployer", "guardian", "ledger", "unsigned"] as const;
export type SignerChoice = (typeof SIGNERS)[number];

/** The variable holding the guardian's own key (pause and cancel-change only). */
export const GUARDIAN_KEY_ENV = "GUARDIAN_PRIVATE_KEY";
/** The address on a Ledger that signs with `--signer ledger` (through @nomicfoundation/hardhat-ledger). */
export const LEDGER_ACCOUNT_ENV = "LEDGER_ACCOUNT";

/**
 * The account that signs admin changes, by `--signer`:
 * - `deployer`: DEPLOYER_PRIVATE_KEY on live networks, the named `deployer` account locally;
 * - `guardian`: GUARDIAN_PRIVATE_KEY on live networks (so a guardian never pastes its key into a
 *   variable named for the deployer), the named `guardian` account locally;
 * - `ledger`: LEDGER_ACCOUNT, signed on the device by hardhat-ledger (loaded only when it is set);
 * - `unsigned`: none (null): the task writes the transaction for a multisig instead.
 * A missing or malformed variable is one UserError line, before anything is sent.
 */
export async function adminSigner(
  hre: HardhatRuntimeEnvironment,
  choice: SignerChoice,
): Promise<Signer | null> {
  const live = isLiveNetwork(hre.network.name);
  switch (choice) {
    case "unsigned":
      return null;
    case "ledger": {
      const account = requireEnv(
        LEDGER_ACCOUNT_ENV,
        "it names the Ledger address that signs with --signer ledger",
      );
      if (!isAddress(account))
        throw new UserError(`${LEDGER_ACCOUNT_ENV} '${account}' is not an address (0x + 40 hex digits).`);
      return hre.ethers.getSigner(getAddress(account));
    }
    case "guardian": {
      const key = process.env[GUARDIAN_KEY_ENV]?.trim();
      if (key || live) {
        const k =
          key ||
          requireEnv(
            GUARDIAN_KEY_ENV,
            `it signs the guardian's pause and cancel-change on ${hre.network.name}`,
          );
        try {
          return new Wallet(k.startsWith("0x") ? k : `0x${k}`, hre.ethers.provider);
        } catch {
          throw new UserError(`${GUARDIAN_KEY_ENV} is not a valid private key: expected 32 bytes of hex.`);
        }
      }
      const { guardian } = await hre.getNamedAccounts();
      return hre.ethers.getSigner(guardian);
    }
    case "deployer": {
      if (live) requireEnv("DEPLOYER_PRIVATE_KEY", `it signs admin transactions on ${hre.network.name}`);
      const { deployer } = await hre.getNamedAccounts();
      return hre.ethers.getSigner(deployer);
    }
  }
}

/**
 * Runs a task body: a UserError becomes one line on stderr and exit code 1, never a stack trace.
 * Anything else is a bug and keeps its stack.
 */
export async function runTask<T>(body: () => Promise<T>): Promise<T | undefined> {
  try {
    return await body();
  } catch (e) {
    if (e instanceof UserError) {
      console.error(`Error: ${e.message}`);
      process.exitCode = 1;
      return undefined;
    }
    throw e;
  }
}
