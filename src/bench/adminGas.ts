import { keccak256, MaxUint256 } from "ethers";
import type { HardhatRuntimeEnvironment } from "hardhat/types";

import { TAGS } from "../deployments";
import { loadLocalMarket } from "../market/localMarket";
import { WAD } from "../math/units";
import { demoHedgePreset, deployLocalDeltaHedgeVault, deployLocalOptionBook } from "../vault/deltaHedge";
import { demoVaultPreset, deployLocalTargetWeightVault } from "../vault/targetWeight";

/**
 * Gas of the admin calls, which now run in the extension behind the core's fallback (one more
 * DELEGATECALL to a cold account). Shared by the gas snapshot and the benchmark; SPEC §11 bounds the
 * extra cost against the single-contract vaults: at most 3,000 gas a call.
 */
export async function measureAdminPaths(hre: HardhatRuntimeEnvironment): Promise<Record<string, bigint>> {
  await hre.deployments.fixture([TAGS.LocalMarket]);
  const market = await loadLocalMarket(hre);
  const [admin, guardian, , , , bob] = await hre.ethers.getSigners();
  const out: Record<string, bigint> = {};
  const gas = async (k: string, tx: Promise<{ wait(): Promise<{ gasUsed: bigint } | null> }>) => {
    out[k] = (await (await tx).wait())!.gasUsed;
  };
  const p = demoVaultPreset();
  const v = await deployLocalTargetWeightVault(hre, "adminBench", p);
  // Tightening changes (they apply at once); loosening ones are measured queued, below.
  await gas("admin: setEngineSettings", v.setEngineSettings({ ...p.settings, maxSlippageBps: 90 }));
  await gas(
    "admin: setAmountSettings",
    v.setAmountSettings({ ...p.amounts, minTradeValue: 101n * 10n ** 6n }),
  );
  await gas("admin: setMaxStaleness", v.setMaxStaleness(1, 3600));
  await gas("admin: pause (guardian)", v.connect(guardian).pause());
  await gas("admin: unpause", v.unpause());
  await gas("admin: setGuardian", v.setGuardian(bob.address));
  const targets = v.interface.encodeFunctionData("setTargets", [[5000, 2500, 2500]]);
  await gas("admin: queueChange (setTargets, 3 assets)", v.queueChange(targets));
  await gas("admin: cancelChange", v.cancelChange(keccak256(targets)));
  await gas("admin: setBands (3 assets)", v.setBands([600, 600, 600], [0, 0, 0]));
  const loosen = { ...p.settings, maxSlippageBps: 120 };
  await (await v.queueChange(v.interface.encodeFunctionData("setEngineSettings", [loosen]))).wait();
  await hre.network.provider.send("evm_increaseTime", [p.targetDelaySeconds]);
  await gas("admin: setEngineSettings (loosening, after its delay)", v.setEngineSettings(loosen));

  const hp = demoHedgePreset();
  const book = await deployLocalOptionBook(hre, "adminBench", admin.address);
  const h = await deployLocalDeltaHedgeVault(hre, "adminHedgeBench", hp, await book.getAddress());
  await (await market.tokens.USDC.mint(admin.address, 10n ** 12n)).wait();
  await (await market.tokens.USDC.approve(await h.getAddress(), MaxUint256)).wait();
  await (await h.fund(0, 10n ** 9n)).wait(); // the vault already holds quote, as in operation
  await gas("hedge admin: setRate", h.setRate(5n * 10n ** 16n));
  await gas("hedge admin: setTargetDelta", h.setTargetDelta(WAD / 10n));
  await gas("hedge admin: setBand", h.setBand({ ...hp.band, absoluteWad: WAD }));
  await gas("hedge admin: setVolatility", h.setVolatility({ ...hp.volatility, sigmaWad: (7n * WAD) / 10n }));
  await gas("hedge admin: fund", h.fund(0, 1000n));
  return out;
}
