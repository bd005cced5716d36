import { formatEther } from "ethers";
import type { HardhatRuntimeEnvironment } from "hardhat/types";

import { UserError } from "../config/env";

/**
 * Fails with one line when the keeper at `address`, holding `balanceWei` (as the lens read it), cannot
 * pay `gas` at `maxFeePerGas`.
 */
export function assertCanPay(
  hre: HardhatRuntimeEnvironment,
  address: string,
  balanceWei: bigint,
  gas: bigint,
  maxFeePerGas: bigint,
): void {
  const need = gas * maxFeePerGas;
  if (balanceWei < need) {
    throw new UserError(
      `the keeper ${address} holds ${formatEther(balanceWei)} ETH on ${hre.network.name}, less than the ` +
        `${formatEther(need)} ETH this rebalance may cost in gas: fund it and retry.`,
    );
  }
}
