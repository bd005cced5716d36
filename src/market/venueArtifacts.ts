import type { InterfaceAbi } from "ethers";

/**
 * The other venues of the local market, from their published npm builds: Uniswap V2 (factory, pair,
 * Router02), Uniswap's SwapRouter02 and Balancer V2 (authorizer, Vault, the original weighted pool
 * factory). Each is the bytecode its protocol deployed on mainnet, deployed here as-is.
 */

export interface CreationArtifact {
  abi: InterfaceAbi;
  bytecode: string;
}

/* eslint-disable @typescript-eslint/no-require-imports */
const balancer = (task: string, name: string): CreationArtifact => {
  const root = `@balancer-labs/v2-deployments/dist/tasks/${task}`;
  const abi = require(`${root}/abi/${name}.json`) as InterfaceAbi;
  const { creationCode } = require(`${root}/bytecode/${name}.json`) as { creationCode: string };
  return { abi, bytecode: `0x${creationCode}` };
};

const v2 = (pkg: "v2-core" | "v2-periphery", name: string): CreationArtifact => {
  const a = require(`@uniswap/${pkg}/build/${name}.json`) as { abi: InterfaceAbi; bytecode: string };
  return { abi: a.abi, bytecode: a.bytecode.startsWith("0x") ? a.bytecode : `0x${a.bytecode}` };
};

export const VENUE_ARTIFACTS = {
  UniswapV2Factory: v2("v2-core", "UniswapV2Factory"),
  UniswapV2Pair: v2("v2-core", "UniswapV2Pair"),
  UniswapV2Router02: v2("v2-periphery", "UniswapV2Router02"),
  SwapRouter02:
    require("@uniswap/swap-router-contracts/artifacts/contracts/SwapRouter02.sol/SwapRouter02.json") as CreationArtifact,
  BalancerAuthorizer: balancer("20210418-authorizer", "Authorizer"),
  BalancerVault: balancer("20210418-vault", "Vault"),
  WeightedPoolFactory: balancer("20210418-weighted-pool", "WeightedPoolFactory"),
  WeightedPool: balancer("20210418-weighted-pool", "WeightedPool"),
};
/* eslint-enable @typescript-eslint/no-require-imports */
