import type { HardhatRuntimeEnvironment } from "hardhat/types";

import { TAGS } from "../deployments";
import { loadLocalMarket, movePrices } from "../market/localMarket";
import { setUpLocalLendingHedge } from "../vault/deltaHedge";

const WAD = 10n ** 18n;

/**
 * The short hedge's paths (`DeltaHedgeLendingVault` on the local Uniswap and Aave markets), gasUsed
 * each: opening the short from a flat vault (supply the USDC, borrow WETH, sell, supply the
 * proceeds), extending it after a rally (borrow against the collateral already supplied, sell,
 * supply), buying part back after a fall (buy with the quote held or withdrawn, repay), and closing
 * it when the book is sold and the target turns long (buy, repay, withdraw all the collateral).
 * Shared by the gas snapshot and the benchmark; block times are pinned so Aave's accrual, and every
 * amount, is the same on every run.
 */
export async function measureShortHedgePaths(
  hre: HardhatRuntimeEnvironment,
): Promise<Record<string, bigint>> {
  await hre.deployments.fixture([TAGS.LocalMarket, TAGS.LendingMarket]);
  const [, guardian, keeper, arbitrageur] = await hre.ethers.getSigners();
  const market = await loadLocalMarket(hre);
  const { vault, book } = await setUpLocalLendingHedge(hre, "shortHedgeBench");
  const at = async (seconds: bigint) => {
    const last = BigInt((await hre.ethers.provider.getBlock("latest"))!.timestamp);
    await hre.network.provider.send("evm_setNextBlockTimestamp", [Number(last + seconds)]);
  };
  const out: Record<string, bigint> = {};
  const gas = async (name: string) => {
    out[name] = (await (await vault.connect(keeper).rebalance()).wait())!.gasUsed;
  };
  const price = async (usd: string) => {
    await movePrices(market, { WETH: usd, USDC: 1 }, arbitrageur);
    await at(60n);
  };

  await at(60n);
  await gas("short hedge: open (supply, borrow, sell, supply)");
  await price("3150");
  await gas("short hedge: extend (borrow, sell, supply)");
  await price("2850");
  await gas("short hedge: buy back (withdraw, buy, repay)");
  await (await book.connect(guardian).resizeLeg(0, 0)).wait();
  await (await vault.setTargetDelta(2n * WAD)).wait();
  await at(4n * 3600n + 60n);
  await price("2850");
  await gas("short hedge: close (withdraw, buy, repay, withdraw all)");
  return out;
}
