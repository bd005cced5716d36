import { Wallet, type Signer, type TransactionReceipt } from "ethers";
import type { HardhatRuntimeEnvironment } from "hardhat/types";

import { sleep } from "../cli/sleep";
import { expectedChainId } from "../config/env";

/**
 * Sending one transaction in as few JSON-RPC requests as the signer allows. ethers' signers spend
 * three to five requests per send (block number, chain id, nonce, the transaction read back, block
 * polls); a keeper on a metered RPC provider pays for each. Here a local key (KEEPER_PRIVATE_KEY)
 * signs in-process — one nonce lookup, one eth_sendRawTransaction — and an account the node holds
 * (local networks) sends with one eth_sendTransaction. The chain id comes from the network config.
 */

export interface TxRequest {
  to: string;
  data: string;
  gasLimit: bigint;
  maxFeePerGas: bigint;
  maxPriorityFeePerGas: bigint;
  /** Given by a caller that keeps its own nonces (the keeper loop); else the node's pending count. */
  nonce?: number;
}

const hex = (x: bigint) => `0x${x.toString(16)}`;

/** Sends `tx` from `signer`; returns the transaction hash. Errors are the node's, unchanged. */
export async function sendLean(
  hre: HardhatRuntimeEnvironment,
  signer: Signer,
  tx: TxRequest,
): Promise<string> {
  const provider = hre.ethers.provider;
  const from = await signer.getAddress();
  if (signer instanceof Wallet) {
    const chainId =
      expectedChainId(hre.network.name) ?? Number((await provider.send("eth_chainId", [])) as string);
    const nonce = tx.nonce ?? (await provider.getTransactionCount(from, "pending"));
    const raw = await signer.signTransaction({ ...tx, type: 2, chainId, nonce, value: 0n });
    return (await provider.send("eth_sendRawTransaction", [raw])) as string;
  }
  return (await provider.send("eth_sendTransaction", [
    {
      from,
      to: tx.to,
      data: tx.data,
      gas: hex(tx.gasLimit),
      maxFeePerGas: hex(tx.maxFeePerGas),
      maxPriorityFeePerGas: hex(tx.maxPriorityFeePerGas),
      ...(tx.nonce === undefined ? {} : { nonce: hex(BigInt(tx.nonce)) }),
    },
  ])) as string;
}

/**
 * Polls for `hash`'s receipt, one eth_getTransactionReceipt a look: at once, then every `pollMs`
 * (default: 1 s on local networks, 4 s elsewhere) until `timeoutMs`; null if it is still unmined.
 */
export async function waitForReceipt(
  hre: HardhatRuntimeEnvironment,
  hash: string,
  opts: { pollMs?: number; timeoutMs?: number } = {},
): Promise<TransactionReceipt | null> {
  const local = hre.network.name === "hardhat" || hre.network.name === "localhost";
  const pollMs = opts.pollMs ?? (local ? 1_000 : 4_000);
  const deadline = Date.now() + (opts.timeoutMs ?? 600_000);
  for (;;) {
    const receipt = await hre.ethers.provider.getTransactionReceipt(hash);
    if (receipt || Date.now() >= deadline) return receipt;
    await sleep(pollMs);
  }
}
