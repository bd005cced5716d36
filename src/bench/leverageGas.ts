import type { HardhatRuntimeEnvironment } from "hardhat/types";

import { TAGS } from "../deployments";
import { loadLending, seedLending } from "../market/lending";
import { loadLocalMarket, movePrices } from "../market/localMarket";
import { deployLocalLeverageVault, demoLeveragePreset } from "../vault/leverage";

const WETH = 10n ** 18n;

/**
 * The leverage vault's paths on the local Uniswap and Aave markets, gasUsed each: a first
 * (unlevered) deposit, the lever from 1× into the band, a deposit into the levered (2×) vault and its
 * redemption, a delever after an 18 % fall (withdraw-first), and the ripcord at 1 % below the
 * liquidation threshold (repay-first, through a flash loan). Shared by the gas snapshot and the
 * benchmark; block times are pinned so Aave's accrual, and every amount, is the same on every run.
 */
export async function measureLeveragePaths(hre: HardhatRuntimeEnvironment): Promise<Record<string, bigint>> {
  await hre.deployments.fixture([TAGS.LocalMarket, TAGS.LendingMarket]);
  const [, , keeper, arbitrageur, alice, bob, lender] = await hre.ethers.getSigners();
  const market = await loadLocalMarket(hre);
  const lending = await loadLending(hre);
  await seedLending(lending, market.tokens.USDC, lender, 5_000_000n * 10n ** 6n);
  const vault = await deployLocalLeverageVault(hre, "leverageBench", demoLeveragePreset());
  for (const who of [alice, bob]) {
    await (await market.tokens.WETH.mint(who.address, 100n * WETH)).wait();
    await (await market.tokens.WETH.connect(who).approve(await vault.getAddress(), 2n ** 255n)).wait();
  }
  // Each step's block lands `seconds` after the chain's last one (price moves mine blocks too).
  const at = async (seconds: bigint) => {
    const last = BigInt((await hre.ethers.provider.getBlock("latest"))!.timestamp);
    await hre.network.provider.send("evm_setNextBlockTimestamp", [Number(last + seconds)]);
  };
  const out: Record<string, bigint> = {};
  const gas = async (name: string, tx: Promise<{ wait(): Promise<{ gasUsed: bigint } | null> }>) => {
    out[name] = (await (await tx).wait())!.gasUsed;
  };
  const price = async (usd: string) => {
    await movePrices(market, { WETH: usd, USDC: 1 }, arbitrageur);
    await at(1n);
  };

  await at(1n);
  await gas("leverage: deposit (unlevered vault)", vault.connect(alice).deposit(5n * WETH, alice.address));
  await at(60n);
  await gas("leverage: lever (1x into the band)", vault.connect(keeper).rebalance());
  await at(7n * 86_400n);
  await price("3000");
  await (await vault.connect(keeper).rebalance()).wait(); // the interval: on to 2x
  await at(60n);
  await gas("leverage: deposit (levered vault, 2x)", vault.connect(bob).deposit(3n * WETH, bob.address));
  await at(60n);
  const shares = await vault.balanceOf(bob.address);
  await gas(
    "leverage: redeem (levered vault, 2x)",
    vault.connect(bob).redeem(shares, bob.address, bob.address),
  );
  await at(60n);
  await price("2450");
  await gas("leverage: delever (withdraw-first)", vault.connect(keeper).rebalance());
  await at(60n);
  while ((await vault.rebalanceStatus()).reason === 0n) {
    await (await vault.connect(keeper).rebalance()).wait();
    await at(60n);
  }
  // The price at which debt is 82 % of collateral: 1 % below WETH's 83 % liquidation threshold.
  const s = await vault.leverageStatus();
  const debtUsd = Number(s.debt) / 1e6;
  const collateralEth = Number(s.collateral) / 1e18;
  await price((debtUsd / (0.82 * collateralEth)).toFixed(2));
  await gas("leverage: ripcord (repay-first, flash loan)", vault.connect(keeper).ripcord());
  return out;
}
