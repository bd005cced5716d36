import { expect } from "chai";
import { AbiCoder, type Contract, formatUnits, type Signer } from "ethers";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import hre from "hardhat";

import type { IDeltaHedgeVault, ITargetWeightVault } from "../../typechain-types";
import type { RebalanceStatusStructOutput } from "../../typechain-types/contracts/interfaces/ITargetWeightVault.sol/ITargetWeightVault";
import { movePrices, type LocalMarket } from "../../src/market/localMarket";
import { FEED_DECIMALS, localToken } from "../../src/market/spec";
import { revertData } from "../../src/vault/explain";

export { BPS, WAD } from "../../src/math/units";

/** Current feed answers as USD decimal strings, keyed by token symbol. */
export async function currentPrices(market: LocalMarket, symbols: string[]): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const s of symbols) {
    const answer = await market.feeds[localToken(s).feed].latestAnswer();
    out[s] = formatUnits(answer, FEED_DECIMALS);
  }
  return out;
}

/**
 * Advances time and has the feeds re-publish (keeping them fresh), optionally at new prices, then
 * arbitrages the pools to them.
 */
export async function advanceAndMove(
  market: LocalMarket,
  arbitrageur: Signer,
  seconds: number,
  prices: Record<string, string | number> = {},
): Promise<void> {
  if (seconds > 0) await time.increase(seconds);
  const all = { ...(await currentPrices(market, ["USDC", "WETH", "WBTC"])), ...prices };
  await movePrices(market, all, arbitrageur);
}

/**
 * Asserts that checkUpkeep, checker, rebalanceStatus and rebalance() (simulated) give one answer:
 * due and executable, or not due with the same reason and detail everywhere.
 */
export async function expectPredicateAgreement(
  anyVault: ITargetWeightVault | IDeltaHedgeVault,
  caller: Signer,
): Promise<RebalanceStatusStructOutput> {
  // Both vault types expose the engine's ABI (IRebalanceEngine) used below.
  const vault = anyVault as ITargetWeightVault;
  const st = await vault.rebalanceStatus();
  const [needed, performData] = await vault.checkUpkeep("0x");
  const [canExec, payload] = await vault.checker();
  const due = st.reason === 0n;
  expect(needed, "checkUpkeep vs status").to.equal(due);
  expect(canExec, "checker vs status").to.equal(due);
  expect(performData).to.equal(
    AbiCoder.defaultAbiCoder().encode(["uint8", "uint256"], [st.reason, st.detail]),
  );
  if (due) {
    expect(payload).to.equal(vault.interface.encodeFunctionData("rebalance"));
    await vault.connect(caller).rebalance.staticCall(); // must not revert
  } else {
    expect(payload).to.equal(vault.interface.encodeErrorResult("RebalanceNotDue", [st.reason, st.detail]));
    await expect(vault.connect(caller).rebalance.staticCall())
      .to.be.revertedWithCustomError(vault, "RebalanceNotDue")
      .withArgs(st.reason, st.detail);
  }
  return st;
}

/** Weights as fractions (numbers) and NAV in quote WAD. */
export async function weights(vault: ITargetWeightVault): Promise<{ w: number[]; nav: bigint }> {
  const [w, nav] = await vault.weightsWad();
  return { w: w.map((x) => Number(x) / 1e18), nav };
}

/** Parses the Rebalanced and RebalanceLeg events of a receipt. */
export function rebalanceEvents(
  vault: ITargetWeightVault,
  logs: readonly { topics: readonly string[]; data: string }[],
) {
  const parsed = logs
    .map((l) => {
      try {
        return vault.interface.parseLog({ topics: [...l.topics], data: l.data });
      } catch {
        return null;
      }
    })
    .filter((x) => x !== null);
  const summary = parsed.find((p) => p!.name === "Rebalanced")!;
  const legs = parsed.filter((p) => p!.name === "RebalanceLeg");
  return {
    summary: summary?.args,
    legs: legs.map((l) => l!.args),
  };
}

/** Runs a Hardhat task in-process with console output captured (stdout and stderr, joined by line). */
export async function runCaptured<T>(
  name: string,
  args: Record<string, unknown>,
): Promise<{ out: string; err: string; result: T | undefined }> {
  const out: string[] = [];
  const err: string[] = [];
  const [log, error] = [console.log, console.error];
  console.log = (...a: unknown[]) => void out.push(a.join(" "));
  console.error = (...a: unknown[]) => void err.push(a.join(" "));
  try {
    const result = (await hre.run(name, args)) as T | undefined;
    return { out: out.join("\n"), err: err.join("\n"), result };
  } finally {
    [console.log, console.error] = [log, error];
  }
}

/**
 * An admin change as the owner makes it: sent at once when the vault takes it at once; when it
 * loosens (the vault reverts with ChangeNotReady), queued with `queueChange`, the change delay let
 * pass (the feeds re-publish and the pools follow, as `advanceAndMove`) and then sent.
 * @returns Whether it had to wait.
 */
export async function adminChange(
  f: { market: LocalMarket; arbitrageur: Signer; vault: ITargetWeightVault | IDeltaHedgeVault },
  method: string,
  args: unknown[],
): Promise<boolean> {
  const vault = f.vault as unknown as Contract;
  const data = vault.interface.encodeFunctionData(method, args);
  const owner = await hre.ethers.getSigner((await f.vault.owner()) as string);
  try {
    await owner.call({ to: await vault.getAddress(), data });
  } catch (e) {
    if (!revertData(e).some((d) => vault.interface.parseError(d)?.name === "ChangeNotReady")) throw e;
    await (await vault.connect(owner).getFunction("queueChange")(data)).wait();
    await advanceAndMove(f.market, f.arbitrageur, Number(await f.vault.changeDelaySeconds()));
    await (await owner.sendTransaction({ to: await vault.getAddress(), data })).wait();
    return true;
  }
  await (await owner.sendTransaction({ to: await vault.getAddress(), data })).wait();
  return false;
}
