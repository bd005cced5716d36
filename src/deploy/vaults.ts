import { MaxUint256, ZeroAddress, formatUnits, id as keccakId, type Signer } from "ethers";
import type { HardhatRuntimeEnvironment } from "hardhat/types";

import { UserError } from "../config/env";
import { isLocalNetwork } from "../config/local";
import { NAMES } from "../deployments";
import { loadLocalMarket } from "../market/localMarket";
import { deltaHedgeVaultDeployment } from "../vault/deltaHedge";
import { kindName, typedVault } from "../vault/kind";
import { type VaultDeployment, activateLocal, deployVault, venueInit } from "../vault/localDeploy";
import { targetWeightVaultDeployment } from "../vault/targetWeight";
import type { NetworkPreset, TimelockPlan, VaultPlan } from "./presets";
import { creDifferences } from "./cre";
import { type ResolvedVault, resolveVaultInputs } from "./resolve";
import { WAD } from "../math/units";
import { tokenMeta } from "../vault/tokens";

/**
 * The steps behind the deploy scripts, one concern each, all idempotent: deploy (never redeploy a
 * recorded vault), activate, read the configuration back, hand ownership to a timelock.
 */

/** The OpenZeppelin TimelockController as OpenZeppelin compiled it (the npm package's artifact). */
export const TIMELOCK_ARTIFACT =
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  require("@openzeppelin/contracts/build/contracts/TimelockController.json") as {
    abi: unknown[];
    bytecode: string;
    deployedBytecode: string;
  };
export const TIMELOCK_NAME = "Timelock";

/** The fields of EngineImmutables, which a vault's core and extension must agree on. */
const IMMUTABLE_FIELDS = [
  "assetCount",
  "assetTable",
  "quote",
  "quoteUnit",
  "sequencerFeed",
  "sequencerGraceSeconds",
  "venueModule",
] as const;

const bookAddress = async (hre: HardhatRuntimeEnvironment, plan: VaultPlan): Promise<string | null> => {
  if (plan.kind !== "delta-hedge") return null;
  if ("address" in plan.book) return plan.book.address;
  return (await hre.deployments.get(NAMES.book(plan.key))).address;
};

/** The deployment (extension, then core) of a plan; the same for local and live networks. */
async function vaultDeployment(
  hre: HardhatRuntimeEnvironment,
  preset: NetworkPreset,
  plan: VaultPlan,
  r: ResolvedVault,
): Promise<VaultDeployment> {
  const { deployer } = await hre.getNamedAccounts();
  const roles = { admin: deployer, guardian: preset.guardian.value! };
  const chain = {
    venueModule: r.venueModule,
    v3Adapter: r.v3Adapter,
    sequencerFeed: r.sequencerFeed,
    sequencerGraceSeconds: r.sequencerGraceSeconds,
  };
  if (plan.kind === "target-weight")
    return targetWeightVaultDeployment(plan.preset, r.assets, chain, roles, r.extraVenues);
  return deltaHedgeVaultDeployment(plan.preset, r.assets, chain, roles, (await bookAddress(hre, plan))!);
}

/**
 * Deploys each vault — its extension, then its core — (and its book) unless already recorded; a
 * recorded vault is never replaced.
 */
export async function deployVaults(hre: HardhatRuntimeEnvironment, preset: NetworkPreset): Promise<void> {
  const { deployer } = await hre.getNamedAccounts();
  for (const plan of preset.vaults) {
    if (plan.kind === "delta-hedge" && "deploy" in plan.book) {
      await hre.deployments.deploy(NAMES.book(plan.key), {
        contract: "OptionBook",
        from: deployer,
        args: [deployer, preset.bookManager.value],
        skipIfAlreadyDeployed: true,
        log: true,
      });
    }
    const resolved = await resolveVaultInputs(hre, preset, plan);
    await deployVault(hre, plan.key, await vaultDeployment(hre, preset, plan, resolved), {
      skipIfAlreadyDeployed: true,
      log: true,
    });
  }
}

const symbolsOf = (plan: VaultPlan) =>
  plan.kind === "target-weight"
    ? plan.preset.assets.map((a) => a.symbol)
    : [plan.preset.quote, plan.preset.underlying];

/**
 * Activates each vault unless it already is. `activate()` moves each token's probe amount in and
 * back out to prove transfers work; on a live network the deployer must hold those amounts.
 */
export async function activateVaults(hre: HardhatRuntimeEnvironment, preset: NetworkPreset): Promise<void> {
  const { deployer } = await hre.getNamedAccounts();
  const admin = await hre.ethers.getSigner(deployer);
  for (const plan of preset.vaults) {
    const address = (await hre.deployments.get(NAMES.vault(plan.key))).address;
    const vault = await hre.ethers.getContractAt("IRebalanceEngine", address, admin);
    if (await vault.active()) continue;
    if (isLocalNetwork(preset.network)) {
      await activateLocal(hre, await loadLocalMarket(hre), vault, symbolsOf(plan));
      continue;
    }
    for (let i = 0; i < symbolsOf(plan).length; i++) {
      const token = await hre.ethers.getContractAt(
        "IERC20Metadata",
        (await vault.assetConfig(i)).token,
        admin,
      );
      const probe = await vault.probeAmount(i);
      const held = await token.balanceOf(deployer);
      if (held < probe) {
        const { symbol, decimals } = await tokenMeta(hre.ethers.provider, await token.getAddress());
        throw new UserError(
          `cannot activate vault ${plan.key}: the deployer ${deployer} holds ${formatUnits(held, decimals)} ${symbol}, ` +
            `needs ${formatUnits(probe, decimals)} (activate() moves it in and back out). Send it and re-run deploy.`,
        );
      }
      if ((await token.allowance(deployer, address)) < probe)
        await (await token.approve(address, probe)).wait();
    }
    await (await vault.activate()).wait();
  }
}

/**
 * Reads every vault's configuration back and compares it with the preset: kind, extension and the
 * immutables core and extension were built with (which must be equal), assets, feeds, pools,
 * staleness, settings, amounts, guardian, targets and bands or the hedge settings. Returns the
 * differences, one phrase each.
 */
export async function configDifferences(
  hre: HardhatRuntimeEnvironment,
  preset: NetworkPreset,
): Promise<string[]> {
  const out: string[] = [];
  const same = (at: string, field: string, actual: unknown, expected: unknown) => {
    const norm = (x: unknown) => (typeof x === "string" ? x.toLowerCase() : String(x));
    if (norm(actual) !== norm(expected))
      out.push(`${at}: ${field} is ${String(actual)} on-chain, ${String(expected)} in the preset`);
  };
  for (const plan of preset.vaults) {
    const at = `vault ${plan.key}`;
    const address = (await hre.deployments.get(NAMES.vault(plan.key))).address;
    const resolved = await resolveVaultInputs(hre, preset, plan);
    const vault = await hre.ethers.getContractAt("IRebalanceEngine", address);
    const kind = await vault.vaultKind();
    same(at, "kind", kindName(kind), plan.kind);
    same(
      at,
      "extension",
      await vault.extension(),
      (await hre.deployments.get(NAMES.extension(plan.key))).address,
    );
    // The core copies the extension's immutables at construction; read through the vault, then from
    // the extension itself, they must be the same.
    const ext = await vault.extensionImmutables();
    const own = await (
      await hre.ethers.getContractAt("IRebalanceEngine", await vault.extension())
    ).extensionImmutables();
    for (const field of IMMUTABLE_FIELDS) same(at, `vault vs extension ${field}`, ext[field], own[field]);
    same(at, "venue module", ext.venueModule, resolved.venueModule);
    const [list] = await vault.venues();
    const expected = venueInit(resolved.assets, { ...resolved }, resolved.extraVenues).venues;
    same(at, "venue count", list.length, expected.length);
    for (const [i, v] of expected.entries()) {
      if (i >= list.length) break;
      const got = list[i];
      same(
        at,
        `venue ${i}`,
        `${got.adapter}/${got.pool}/${got.asset}/${got.counter}`.toLowerCase(),
        `${v.adapter}/${v.pool}/${v.asset}/${v.counter}`.toLowerCase(),
      );
    }
    same(at, "sequencer feed", ext.sequencerFeed, resolved.sequencerFeed);
    same(at, "sequencer grace", ext.sequencerGraceSeconds, resolved.sequencerGraceSeconds);
    same(at, "asset count", await vault.assetCount(), resolved.assets.length);
    for (const [i, a] of resolved.assets.entries()) {
      const cfg = await vault.assetConfig(i);
      same(at, `asset ${i} token`, cfg.token, a.token);
      same(at, `asset ${i} feed`, cfg.feed, a.feed);
      same(at, `asset ${i} pool`, cfg.pool, a.pool);
      same(at, `asset ${i} maxStaleness`, await vault.maxStaleness(i), a.maxStalenessSeconds);
    }
    const s = await vault.engineSettings();
    for (const [k, v] of Object.entries(plan.preset.settings)) same(at, k, s[k as keyof typeof s], v);
    const m = await vault.amountSettings();
    for (const [k, v] of Object.entries(plan.preset.amounts)) same(at, k, m[k as keyof typeof m], v);
    same(at, "guardian", await vault.guardian(), preset.guardian.value);
    const typed = await typedVault(hre, address, plan.kind);
    if (plan.kind === "target-weight" && typed.kind === "target-weight") {
      const twv = typed.vault;
      same(at, "target delay", await twv.changeDelaySeconds(), plan.preset.targetDelaySeconds);
      const [targetBps, absBandBps, relBandBps] = await twv.targets();
      plan.preset.assets.forEach((a, i) => {
        same(at, `${a.symbol} target`, targetBps[i], a.targetBps);
        same(at, `${a.symbol} absolute band`, absBandBps[i], a.absBandBps);
        same(at, `${a.symbol} relative band`, relBandBps[i], a.relBandBps);
      });
    } else if (plan.kind === "delta-hedge" && typed.kind === "delta-hedge") {
      const vault = typed.vault;
      same(at, "book", await vault.book(), await bookAddress(hre, plan));
      same(at, "rate", await vault.rateWad(), plan.preset.rateWad);
      same(at, "target delta", await vault.targetDeltaWad(), plan.preset.targetDeltaWad);
      const vol = await vault.volatility();
      for (const [k, v] of Object.entries(plan.preset.volatility))
        same(at, `volatility.${k}`, vol[k as keyof typeof vol], v);
      const band = await vault.band();
      for (const [k, v] of Object.entries(plan.preset.band))
        same(at, `band.${k}`, band[k as keyof typeof band], v);
      const limits = await vault.bookLimits();
      for (const [k, v] of Object.entries(plan.preset.limits))
        same(at, `limits.${k}`, limits[k as keyof typeof limits], v);
    }
  }
  out.push(...(await creDifferences(hre, preset)));
  return out;
}

/** Fails with one line listing every difference between the chain and the preset. */
export async function assertConfig(hre: HardhatRuntimeEnvironment, preset: NetworkPreset): Promise<void> {
  const diffs = await configDifferences(hre, preset);
  if (diffs.length > 0) {
    throw new UserError(
      `on-chain configuration differs from the ${preset.network} preset: ${diffs.join("; ")}. ` +
        `Change it with the admin tasks (npx hardhat vault:settings …) or fix the preset.`,
    );
  }
}

/** Where one contract stands in the hand-over. */
export type HandoverState = "owned-by-timelock" | "scheduled" | "waiting" | "needs-proposal";

export interface HandoverStep {
  contract: string;
  address: string;
  state: HandoverState;
  /** For "needs-proposal": what the proposer must schedule on the timelock. */
  proposal?: { target: string; value: 0; data: string; predecessor: string; salt: string; delay: number };
  readyAt?: number;
}

/**
 * Hands the owner role of every vault (and every book this preset deployed) to an OpenZeppelin
 * TimelockController, in the steps Ownable2Step allows: transferOwnership(timelock) by the
 * deployer, then acceptOwnership() executed by the timelock after its delay. Re-running advances
 * whatever can advance: it schedules when the deployer is a proposer, executes once the delay has
 * passed when the deployer may execute, and otherwise reports the exact proposal to make. The
 * guardian keeps its pause right.
 */
export async function handOverToTimelock(
  hre: HardhatRuntimeEnvironment,
  preset: NetworkPreset,
  plan: TimelockPlan,
): Promise<HandoverStep[]> {
  const { deployer } = await hre.getNamedAccounts();
  const admin: Signer = await hre.ethers.getSigner(deployer);
  const d = await hre.deployments.deploy(TIMELOCK_NAME, {
    contract: TIMELOCK_ARTIFACT as never,
    from: deployer,
    args: [
      plan.minDelaySeconds,
      plan.proposers.map((p) => p.value),
      plan.executors.map((p) => p.value),
      ZeroAddress,
    ],
    skipIfAlreadyDeployed: true,
    log: true,
  });
  const timelock = new hre.ethers.Contract(d.address, TIMELOCK_ARTIFACT.abi as never, admin);
  const PROPOSER = (await timelock.PROPOSER_ROLE()) as string;
  const EXECUTOR = (await timelock.EXECUTOR_ROLE()) as string;
  const canPropose = (await timelock.hasRole(PROPOSER, deployer)) as boolean;
  const canExecute =
    ((await timelock.hasRole(EXECUTOR, deployer)) as boolean) ||
    ((await timelock.hasRole(EXECUTOR, ZeroAddress)) as boolean);
  const delay = Number(await timelock.getMinDelay());

  const owned: { contract: string; address: string }[] = [];
  for (const v of preset.vaults) {
    owned.push({
      contract: NAMES.vault(v.key),
      address: (await hre.deployments.get(NAMES.vault(v.key))).address,
    });
    if (v.kind === "delta-hedge" && "deploy" in v.book)
      owned.push({
        contract: NAMES.book(v.key),
        address: (await hre.deployments.get(NAMES.book(v.key))).address,
      });
  }
  const steps: HandoverStep[] = [];
  for (const o of owned) {
    const c = await hre.ethers.getContractAt("IOwnable2Step", o.address, admin);
    const owner = (await c.owner()).toLowerCase();
    if (owner === d.address.toLowerCase()) {
      steps.push({ ...o, state: "owned-by-timelock" });
      continue;
    }
    if ((await c.pendingOwner()).toLowerCase() !== d.address.toLowerCase()) {
      if (owner !== deployer.toLowerCase())
        throw new UserError(`${o.contract} is owned by ${owner}, not the deployer: cannot hand it over.`);
      await (await c.transferOwnership(d.address)).wait();
    }
    const data = c.interface.encodeFunctionData("acceptOwnership");
    const salt = keccakId(`ballast:handover:${o.address.toLowerCase()}`);
    const predecessor = `0x${"00".repeat(32)}`;
    const opId = (await timelock.hashOperation(o.address, 0, data, predecessor, salt)) as string;
    if (!((await timelock.isOperation(opId)) as boolean)) {
      if (!canPropose) {
        steps.push({
          ...o,
          state: "needs-proposal",
          proposal: { target: o.address, value: 0, data, predecessor, salt, delay },
        });
        continue;
      }
      await (await timelock.schedule(o.address, 0, data, predecessor, salt, delay)).wait();
    }
    const ready = (await timelock.isOperationReady(opId)) as boolean;
    if (ready && canExecute) {
      await (await timelock.execute(o.address, 0, data, predecessor, salt)).wait();
      steps.push({ ...o, state: "owned-by-timelock" });
      continue;
    }
    const readyAt = Number(await timelock.getTimestamp(opId));
    steps.push({ ...o, state: ready ? "waiting" : "scheduled", readyAt });
  }
  return steps;
}

/** One line per contract for the deploy log. */
export function formatHandover(steps: HandoverStep[]): string[] {
  return steps.map((s) => {
    switch (s.state) {
      case "owned-by-timelock":
        return `${s.contract}: owned by the timelock`;
      case "scheduled":
        return `${s.contract}: acceptOwnership scheduled; re-run deploy after ${new Date(s.readyAt! * 1000).toISOString()} to execute it`;
      case "waiting":
        return `${s.contract}: acceptOwnership is ready; an executor must execute it on the timelock`;
      case "needs-proposal":
        return (
          `${s.contract}: a proposer must schedule on the timelock: target ${s.proposal!.target}, value 0, ` +
          `data ${s.proposal!.data}, predecessor ${s.proposal!.predecessor}, salt ${s.proposal!.salt}, delay ${s.proposal!.delay}`
        );
    }
  });
}

/** Local networks only: deposits into the target-weight vaults and gives the hedged vaults a book and funds. */
export async function seedLocal(hre: HardhatRuntimeEnvironment, preset: NetworkPreset): Promise<void> {
  const market = await loadLocalMarket(hre);
  const [admin, guardian, , , alice] = await hre.ethers.getSigners();
  for (const plan of preset.vaults) {
    const address = (await hre.deployments.get(NAMES.vault(plan.key))).address;
    if (plan.kind === "target-weight") {
      const vault = await hre.ethers.getContractAt("ITargetWeightVault", address, alice);
      if ((await vault.totalSupply()) > 0n) continue;
      const amount = 1_000_000n * 10n ** 6n;
      await (await market.tokens.USDC.mint(alice.address, amount)).wait();
      await (await market.tokens.USDC.connect(alice).approve(address, MaxUint256)).wait();
      await (await vault.deposit(amount, alice.address)).wait();
    } else {
      const vault = await hre.ethers.getContractAt("IDeltaHedgeVault", address, admin);
      const book = await hre.ethers.getContractAt("OptionBook", (await bookAddress(hre, plan))!, guardian);
      if ((await book.legCount()) > 0n) continue;
      const now = (await hre.ethers.provider.getBlock("latest"))!.timestamp;
      await (await book.addLeg(true, false, 3150n * WAD, 100n * WAD, now + 30 * 86400)).wait();
      const usdc = 400_000n * 10n ** 6n;
      await (await market.tokens.USDC.mint(admin.address, usdc)).wait();
      await (await market.tokens.USDC.connect(admin).approve(address, usdc)).wait();
      await (await vault.fund(0, usdc)).wait();
    }
  }
}
