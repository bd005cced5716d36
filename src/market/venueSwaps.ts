import { type Contract, MaxUint256, type Signer } from "ethers";

import type { TestERC20 } from "../../typechain-types";

/**
 * Swaps on the local market's Uniswap V2 pairs and Balancer V2 weighted pools as a searcher makes
 * them: to bring a venue to a target price (the arbitrageur of `movePrices`), or to push it away
 * from the oracle (the attacker of the tests). The amount is found by bisection on the venue's own
 * swap formula, so the swap lands the venue on the target up to one unit's rounding.
 */

/** A price as a ratio of integers: raw units of the second token per raw unit of the first. */
export interface Ratio {
  num: bigint;
  den: bigint;
}

/**
 * The largest input, at most `hi`, after which `priceAfter` (out-token per in-token, as a ratio)
 * has not fallen below `target`: selling the in-token lowers its price, so this is monotone.
 */
function bisect(hi: bigint, priceAfter: (amountIn: bigint) => Ratio, target: Ratio): bigint {
  let lo = 0n;
  while (lo < hi) {
    const mid = (lo + hi + 1n) / 2n;
    const p = priceAfter(mid);
    if (p.num * target.den >= target.num * p.den) lo = mid;
    else hi = mid - 1n;
  }
  return lo;
}

/** Uniswap V2's `getAmountOut` (0.3 % fee). */
export const v2AmountOut = (amountIn: bigint, reserveIn: bigint, reserveOut: bigint): bigint =>
  (amountIn * 997n * reserveOut) / (reserveIn * 1000n + amountIn * 997n);

async function fund(token: TestERC20, who: Signer, amount: bigint, spender?: string): Promise<void> {
  const addr = await who.getAddress();
  if ((await token.balanceOf(addr)) < amount) await (await token.connect(who).mint(addr, amount)).wait();
  if (spender && (await token.allowance(addr, spender)) < amount) {
    await (await token.connect(who).approve(spender, MaxUint256)).wait();
  }
}

/**
 * Swaps on a Uniswap V2 pair (straight through the pair, as a searcher's contract would) until
 * token1 per token0 is `target` (raw units). Returns the gas used, or 0 when already there.
 */
export async function swapV2PairTo(
  pair: Contract,
  tokens: { token0: TestERC20; token1: TestERC20 },
  target: Ratio,
  swapper: Signer,
): Promise<bigint> {
  const [r0, r1] = (await pair.getFunction("getReserves")()) as [bigint, bigint];
  // token0 too cheap (r1/r0 below target): pay token1 in; otherwise pay token0 in.
  const payToken1 = r1 * target.den < target.num * r0;
  const [rIn, rOut] = payToken1 ? [r1, r0] : [r0, r1];
  // Price of the in-token in out-token after the swap must stay at or above the target's.
  const inTarget = payToken1 ? { num: target.den, den: target.num } : target;
  const amountIn = bisect(rIn, (a) => ({ num: rOut - v2AmountOut(a, rIn, rOut), den: rIn + a }), inTarget);
  const out = v2AmountOut(amountIn, rIn, rOut);
  if (amountIn === 0n || out === 0n) return 0n;
  const tokenIn = payToken1 ? tokens.token1 : tokens.token0;
  await fund(tokenIn, swapper, amountIn);
  await (await tokenIn.connect(swapper).transfer(await pair.getAddress(), amountIn)).wait();
  const who = await swapper.getAddress();
  const receipt = await (
    await pair.connect(swapper).getFunction("swap")(payToken1 ? out : 0n, payToken1 ? 0n : out, who, "0x")
  ).wait();
  return receipt!.gasUsed;
}

const ONE = 10n ** 18n;

/**
 * Swaps on a 50/50 Balancer V2 weighted pool through the Vault until `tokenB` per `tokenA` (raw
 * units) is `target`. The pool's math on equal weights is exact: out = Bo · a' / (Bi + a'), with a'
 * the input less the swap fee, which stays in the pool. Returns the gas used, or 0 when already there.
 */
export async function swapBalancerPoolTo(
  vault: Contract,
  poolId: string,
  swapFeeWad: bigint,
  tokenA: TestERC20,
  tokenB: TestERC20,
  target: Ratio,
  swapper: Signer,
): Promise<bigint> {
  const [addrs, balances] = (await vault.getFunction("getPoolTokens")(poolId)) as [string[], bigint[]];
  const a = await tokenA.getAddress();
  const ia = addrs.findIndex((x) => x.toLowerCase() === a.toLowerCase());
  const [bA, bB] = [balances[ia], balances[1 - ia]];
  // tokenA too cheap (bB/bA below target): pay tokenB in; otherwise pay tokenA in.
  const payB = bB * target.den < target.num * bA;
  const [bIn, bOut] = payB ? [bB, bA] : [bA, bB];
  const inTarget = payB ? { num: target.den, den: target.num } : target;
  const outOf = (x: bigint) => {
    const net = x - (x * swapFeeWad + ONE - 1n) / ONE;
    return (bOut * net) / (bIn + net);
  };
  // Balancer refuses an input above 30 % of the pool's balance.
  const amountIn = bisect((bIn * 3n) / 10n, (x) => ({ num: bOut - outOf(x), den: bIn + x }), inTarget);
  if (amountIn === 0n || outOf(amountIn) === 0n) return 0n;
  const tokenIn = payB ? tokenB : tokenA;
  const tokenOut = payB ? tokenA : tokenB;
  const vaultAddr = await vault.getAddress();
  await fund(tokenIn, swapper, amountIn, vaultAddr);
  const who = await swapper.getAddress();
  const receipt = await (
    await vault.connect(swapper).getFunction("swap")(
      {
        poolId,
        kind: 0, // GIVEN_IN
        assetIn: await tokenIn.getAddress(),
        assetOut: await tokenOut.getAddress(),
        amount: amountIn,
        userData: "0x",
      },
      { sender: who, fromInternalBalance: false, recipient: who, toInternalBalance: false },
      0n,
      2n ** 40n,
    )
  ).wait();
  return receipt!.gasUsed;
}
