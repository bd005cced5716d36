import type { Contract, ContractTransactionReceipt, InterfaceAbi, Signer } from "ethers";

/**
 * Uniswap V3 from its published npm artifacts: the real mainnet bytecode of the factory, pool,
 * SwapRouter, NonfungiblePositionManager and QuoterV2, deployed as-is on the local network.
 */

export interface Artifact {
  contractName: string;
  abi: InterfaceAbi;
  bytecode: string;
}

/* eslint-disable @typescript-eslint/no-require-imports */
export const UNISWAP_ARTIFACTS = {
  UniswapV3Factory:
    require("@uniswap/v3-core/artifacts/contracts/UniswapV3Factory.sol/UniswapV3Factory.json") as Artifact,
  UniswapV3Pool:
    require("@uniswap/v3-core/artifacts/contracts/UniswapV3Pool.sol/UniswapV3Pool.json") as Artifact,
  SwapRouter: require("@uniswap/v3-periphery/artifacts/contracts/SwapRouter.sol/SwapRouter.json") as Artifact,
  NonfungiblePositionManager:
    require("@uniswap/v3-periphery/artifacts/contracts/NonfungiblePositionManager.sol/NonfungiblePositionManager.json") as Artifact,
  QuoterV2: require("@uniswap/v3-periphery/artifacts/contracts/lens/QuoterV2.sol/QuoterV2.json") as Artifact,
};
/* eslint-enable @typescript-eslint/no-require-imports */

/** Tick spacing of each standard fee tier. */
export const TICK_SPACING: Record<number, number> = { 100: 1, 500: 10, 3000: 60, 10000: 200 };

const MIN_TICK = -887272;
const MAX_TICK = 887272;
const Q96 = 2n ** 96n;

/** The widest ticks usable at a fee tier (a full-range position). */
export function fullRangeTicks(fee: number): { tickLower: number; tickUpper: number } {
  const spacing = TICK_SPACING[fee];
  if (!spacing) throw new Error(`unknown Uniswap V3 fee tier ${fee}`);
  return {
    tickLower: Math.ceil(MIN_TICK / spacing) * spacing,
    tickUpper: Math.floor(MAX_TICK / spacing) * spacing,
  };
}

/** Integer square root (floor) of a non-negative bigint, by Newton's method from above. */
export function sqrtBigInt(value: bigint): bigint {
  if (value < 0n) throw new Error("sqrt of negative");
  if (value < 2n) return value;
  // 2^ceil(bits/2) is >= the root; from above, Newton's iterates decrease monotonically to the floor.
  let x = 1n << BigInt(Math.ceil(value.toString(2).length / 2));
  for (;;) {
    const y = (x + value / x) >> 1n;
    if (y >= x) return x;
    x = y;
  }
}

/**
 * sqrtPriceX96 of a pool whose token1/token0 raw-unit price equals `price1PerToken0 * 10^dec1 / 10^dec0`,
 * with prices given as fixed-point integers over the same scale.
 */
export function encodeSqrtPriceX96(
  priceToken0: bigint,
  priceToken1: bigint,
  decimals0: number,
  decimals1: number,
): bigint {
  // raw token1 per raw token0 = (p0 / p1) * 10^d1 / 10^d0
  const num = priceToken0 * 10n ** BigInt(decimals1) * Q96 * Q96;
  const den = priceToken1 * 10n ** BigInt(decimals0);
  return sqrtBigInt(num / den);
}

/**
 * Sells up to `amountIn` of `tokenIn` through a SwapRouter (exactInputSingle) until the pool's price
 * reaches `sqrtPriceLimitX96`, where the swap stops: how the arbitrageur and the tests' attackers move
 * a Uniswap V3 pool to a chosen price. The swapper has approved the router.
 */
export async function swapToPrice(
  router: Contract,
  swapper: Signer,
  swap: { tokenIn: string; tokenOut: string; fee: number; amountIn: bigint; sqrtPriceLimitX96: bigint },
): Promise<ContractTransactionReceipt> {
  const tx = await (router.connect(swapper) as Contract).getFunction("exactInputSingle")({
    ...swap,
    recipient: await swapper.getAddress(),
    deadline: 2n ** 40n,
    amountOutMinimum: 0,
  });
  return (await tx.wait())!;
}

/** Orders two token addresses as Uniswap does (token0 < token1). */
export function sortTokens(a: string, b: string): [string, string] {
  return BigInt(a) < BigInt(b) ? [a, b] : [b, a];
}
