import { expect } from "chai";
import fs from "node:fs";
import path from "node:path";
import hre from "hardhat";
import { MaxUint256, type Signer } from "ethers";

import { NAMES, TAGS } from "../../src/deployments";
import { livePreset } from "../../src/deploy/presets";
import { configDifferences } from "../../src/deploy/vaults";
import { type ForkMarket, type ForkMode, SEQUENCER_FEED } from "../../src/fork/market";
import type { ReplicaNetwork } from "../../src/fork/replica";
import type { RebalanceResult } from "../../src/keeper/rebalance";
import type { StatusDocument, VaultJson } from "../../src/keeper/statusJson";
import { Reason } from "../../src/vault/enums";
import type { ITargetWeightVault } from "../../typechain-types";
import { runCaptured } from "../shared/helpers";

/**
 * The forked suite's test bodies, the same in both modes: the runner takes them from `scenariosFor`,
 * and a test asserts that live and replica get the same list. They run in order on one chain (deploy
 * before deposit before rebalance); each attack runs inside an EVM snapshot it reverts, so it leaves
 * the state the next scenario expects.
 */

export interface ForkContext {
  network: ReplicaNetwork;
  market: ForkMarket;
  vault: ITargetWeightVault;
  deployer: Signer;
  guardian: Signer;
  keeper: Signer;
  alice: Signer;
  attacker: Signer;
  /** Gas of the scenarios' rebalance() calls, printed at the end. */
  gas: Record<string, bigint>;
}

export interface Scenario {
  title: string;
  body(ctx: ForkContext): Promise<void>;
}

const USDC = (n: number) => BigInt(Math.round(n * 1e6));
const VAULT = "eth-usdc";
const ROLE_ENV = [
  "BALLAST_GUARDIAN",
  "BALLAST_BOOK_MANAGER",
  "BALLAST_TIMELOCK_PROPOSER",
  "BALLAST_TIMELOCK_EXECUTOR",
] as const;

const status = async (): Promise<VaultJson> => {
  const { out, err } = await runCaptured("status", { vault: VAULT, json: true });
  expect(err).to.equal("");
  return (JSON.parse(out) as StatusDocument).vaults[0];
};

const rebalanceTask = (dryRun: boolean) =>
  runCaptured<RebalanceResult[]>("rebalance", {
    vault: VAULT,
    all: false,
    dryRun,
    gasMode: "skip",
    waitTimeout: "600",
  });

/** The ETH/USD feed's answer through the real proxy, as a number of USD. */
const ethUsd = async (m: ForkMarket) =>
  Number(((await m.feeds.ETH_USD.getFunction("latestRoundData")()) as bigint[])[1]) / 1e8;
const usdcUsd = async (m: ForkMarket) =>
  Number(((await m.feeds.USDC_USD.getFunction("latestRoundData")()) as bigint[])[1]) / 1e8;

/** Runs `body` and reverts the chain afterwards (attacks leave nothing behind). */
async function isolated(body: () => Promise<void>): Promise<void> {
  const id = await hre.network.provider.send("evm_snapshot", []);
  try {
    await body();
  } finally {
    await hre.network.provider.send("evm_revert", [id]);
  }
}

/**
 * The keeper's rebalance() and what it traded: USDC spent, WETH received, and the execution's cost
 * against the oracle's cross price (USD per WETH over USD per USDC), in bp of the USDC spent.
 */
async function rebalanceAndMeasure(ctx: ForkContext, label: string) {
  const { market, vault } = ctx;
  const at = await vault.getAddress();
  const [usdc0, weth0] = await Promise.all(
    ["USDC", "WETH"].map((s) => market.tokens[s].getFunction("balanceOf")(at) as Promise<bigint>),
  );
  const cross = (await ethUsd(market)) / (await usdcUsd(market));
  const receipt = await (await vault.connect(ctx.keeper).rebalance()).wait();
  ctx.gas[label] = receipt!.gasUsed;
  const [usdc1, weth1] = await Promise.all(
    ["USDC", "WETH"].map((s) => market.tokens[s].getFunction("balanceOf")(at) as Promise<bigint>),
  );
  const spent = Number(usdc0 - usdc1) / 1e6;
  const got = Number(weth1 - weth0) / 1e18;
  return { spent, got, costBps: ((spent - got * cross) / spent) * 1e4 };
}

export const SCENARIOS: readonly Scenario[] = [
  {
    title:
      "deploys the network's preset through the deploy scripts, activates it (real probe transfers) and reads it back",
    async body(ctx) {
      const deployer = await ctx.deployer.getAddress();
      for (const v of ROLE_ENV) process.env[v] = await ctx.guardian.getAddress();
      process.env.BALLAST_TIMELOCK_PROPOSER = deployer;
      process.env.BALLAST_TIMELOCK_EXECUTOR = deployer;
      // activate() moves 1 % of a whole token of each asset in and back out: the deployer holds it.
      await ctx.market.fund("USDC", deployer, USDC(10));
      await ctx.market.fund("WETH", deployer, 10n ** 17n);
      const before = await ctx.market.tokens.USDC.getFunction("balanceOf")(deployer);
      await hre.deployments.run([TAGS.VenueModule, TAGS.Vaults, TAGS.Activate, TAGS.VerifyConfig], {
        resetMemory: true,
        deletePreviousDeployments: false,
        writeDeploymentsToFiles: false,
      });
      const address = (await hre.deployments.get(NAMES.vault(VAULT))).address;
      ctx.vault = await hre.ethers.getContractAt("ITargetWeightVault", address);
      expect(await ctx.vault.active()).to.equal(true);
      expect(await ctx.market.tokens.USDC.getFunction("balanceOf")(deployer)).to.equal(before);
      // The mainnet addresses from the address book, not the local market's.
      const book = ctx.market.book;
      const [quote, weth] = [await ctx.vault.assetConfig(0), await ctx.vault.assetConfig(1)];
      expect([quote.token, quote.feed]).to.deep.equal([
        book.tokens.USDC.address,
        book.chainlink.USDC_USD.address,
      ]);
      expect([weth.token, weth.feed, weth.pool]).to.deep.equal([
        book.tokens.WETH.address,
        book.chainlink.ETH_USD.address,
        book.uniswapV3.pools.WETH_USDC_500.address,
      ]);
      expect(await configDifferences(hre, livePreset(ctx.network))).to.deep.equal([]);
    },
  },
  {
    title: "takes a deposit in USDC",
    async body(ctx) {
      const alice = await ctx.alice.getAddress();
      await ctx.market.fund("USDC", alice, USDC(1_000_000));
      const usdc = ctx.market.tokens.USDC.connect(ctx.alice);
      await (await usdc.getFunction("approve")(await ctx.vault.getAddress(), MaxUint256)).wait();
      await (await ctx.vault.connect(ctx.alice).deposit(USDC(1_000_000), alice)).wait();
      expect(await ctx.vault.balanceOf(alice)).to.be.gt(0n);
      expect(await ctx.vault.totalAssets()).to.equal(USDC(1_000_000));
    },
  },
  {
    title: "status reads the vault through the real proxies: due, at the feeds' prices",
    async body(ctx) {
      const s = await status();
      expect(s.trigger.reason).to.equal("Due");
      expect(s.assets.map((a) => a.symbol)).to.deep.equal(["USDC", "WETH"]);
      expect(Number(s.assets[1].price)).to.be.closeTo(
        (await ethUsd(ctx.market)) / (await usdcUsd(ctx.market)),
        0.01,
      );
      expect(s.assets[1].weightWad).to.equal("0");
    },
  },
  {
    title: "rebalance --dry-run prints the plan and sends nothing",
    async body(ctx) {
      const keeper = await ctx.keeper.getAddress();
      const nonce = await hre.ethers.provider.getTransactionCount(keeper);
      const { out, result } = await rebalanceTask(true);
      expect(result![0].outcome).to.equal("dry-run");
      expect(out).to.match(/buy {2}WETH: [\d,.]+ USDC in, at least [\d,.]+ WETH out/);
      expect(await hre.ethers.provider.getTransactionCount(keeper)).to.equal(nonce);
    },
  },
  {
    title: "attack: a sandwich inside the pool-deviation bound costs the vault at most its slippage bound",
    async body(ctx) {
      await isolated(async () => {
        // The attacker front-runs: WETH 20 bp dearer in the vault's pool (the bound is 25 bp).
        await ctx.market.pushPool("WETH_USDC_500", 20, ctx.attacker, "WETH");
        const { spent, costBps } = await rebalanceAndMeasure(ctx, "rebalance() after a 20 bp push");
        await ctx.market.pushPool("WETH_USDC_500", 0, ctx.attacker); // and back-runs
        expect(spent).to.be.gt(0);
        // Fee, impact and the attacker's push together stay inside maxSlippageBps (50).
        expect(costBps).to.be.gt(20).and.to.be.lte(50);
      });
    },
  },
  {
    title: "attack: a pool pushed beyond the deviation bound blocks the rebalance and changes nothing",
    async body(ctx) {
      await isolated(async () => {
        await ctx.market.pushPool("WETH_USDC_500", 100, ctx.attacker, "WETH");
        const nav = await ctx.vault.totalAssets();
        await expect(ctx.vault.connect(ctx.keeper).rebalance())
          .to.be.revertedWithCustomError(ctx.vault, "RebalanceNotDue")
          .withArgs(Reason.PoolPriceDeviation, 1);
        expect((await status()).trigger.reason).to.equal("PoolPriceDeviation");
        expect(await ctx.vault.totalAssets()).to.equal(nav);
      });
    },
  },
  {
    title:
      "attack: a stale feed (time travel past ETH/USD's heartbeat) stops rebalances and deposits, not redemptions in kind",
    async body(ctx) {
      await isolated(async () => {
        const staleness = await ctx.vault.maxStaleness(1);
        await hre.network.provider.send("evm_increaseTime", [Number(staleness) + 1]);
        // USDC/USD re-publishes (its heartbeat may be as long as ETH/USD's); ETH/USD does not.
        await ctx.market.publish("USDC_USD", BigInt(Math.round((await usdcUsd(ctx.market)) * 1e8)));
        await expect(ctx.vault.connect(ctx.keeper).rebalance())
          .to.be.revertedWithCustomError(ctx.vault, "RebalanceNotDue")
          .withArgs(Reason.OracleStale, 1);
        const alice = await ctx.alice.getAddress();
        await ctx.market.fund("USDC", alice, USDC(1000));
        await expect(ctx.vault.connect(ctx.alice).deposit(USDC(1000), alice))
          .to.be.revertedWithCustomError(ctx.vault, "OracleUnhealthy")
          .withArgs(Reason.OracleStale, 1);
        const shares = (await ctx.vault.balanceOf(alice)) / 10n;
        await expect(ctx.vault.connect(ctx.alice).redeemInKind(shares, alice, alice)).to.not.be.reverted;
      });
    },
  },
  {
    title:
      "attack: USDC below peg — the pool disagrees with the feeds' cross price until arbitraged, then trades at it",
    async body(ctx) {
      await isolated(async () => {
        await ctx.market.publish("USDC_USD", 97_000_000n); // USDC at $0.97
        await expect(ctx.vault.connect(ctx.keeper).rebalance())
          .to.be.revertedWithCustomError(ctx.vault, "RebalanceNotDue")
          .withArgs(Reason.PoolPriceDeviation, 1);
        // Arbitrageurs bring the pool to the new cross price (WETH ~3 % dearer in USDC).
        await ctx.market.pushPool("WETH_USDC_500", 0, ctx.attacker);
        const { costBps, spent, got } = await rebalanceAndMeasure(ctx, "rebalance() at USDC $0.97");
        expect(spent / got).to.be.closeTo((await ethUsd(ctx.market)) / 0.97, 30);
        expect(costBps).to.be.gte(0).and.to.be.lte(50);
      });
    },
  },
  {
    title: "rebalances through the real pool, reading prices through the real two-hop Chainlink proxies",
    async body(ctx) {
      const { out, result } = await rebalanceTask(false);
      expect(result![0].outcome, out).to.equal("rebalanced");
      ctx.gas["rebalance() (2 assets, 1 leg)"] = result![0].gasUsed!;
      const [weights] = await ctx.vault.weightsWad();
      expect(weights[1]).to.be.gt(0n); // it bought WETH
      expect(weights[1]).to.be.lte(5n * 10n ** 17n);
    },
  },
  {
    title: "prices drift (new rounds, pools arbitraged) and the next rebalance follows them",
    async body(ctx) {
      const settings = await ctx.vault.engineSettings();
      await hre.network.provider.send("evm_increaseTime", [Number(settings.cooldownSeconds) + 1]);
      const eth = BigInt(Math.round((await ethUsd(ctx.market)) * 0.92 * 1e8));
      await ctx.market.heartbeat();
      await ctx.market.publish("ETH_USD", eth); // ETH −8 %
      for (const pool of Object.keys(ctx.market.pools)) await ctx.market.pushPool(pool, 0, ctx.attacker);
      const before = (await ctx.vault.weightsWad())[0][1];
      const { costBps } = await rebalanceAndMeasure(ctx, "rebalance() after an 8 % move");
      expect((await ctx.vault.weightsWad())[0][1]).to.be.gt(before);
      expect(costBps).to.be.lte(50);
    },
  },
  {
    title: "redeems in USDC and in kind",
    async body(ctx) {
      const alice = await ctx.alice.getAddress();
      const shares = await ctx.vault.balanceOf(alice);
      const usdc0 = (await ctx.market.tokens.USDC.getFunction("balanceOf")(alice)) as bigint;
      const half = shares / 2n;
      // ERC-4626: the preview never promises more than the redemption pays. The redemption sells WETH
      // for the USDC part it lacks, at most maxSlippageBps (50) under the oracle: the redeemer bears it.
      const [quoted, value] = [await ctx.vault.previewRedeem(half), await ctx.vault.convertToAssets(half)];
      await (await ctx.vault.connect(ctx.alice).redeem(half, alice, alice)).wait();
      const usdc1 = (await ctx.market.tokens.USDC.getFunction("balanceOf")(alice)) as bigint;
      expect(usdc1 - usdc0).to.be.gte(quoted);
      expect(Number(usdc1 - usdc0) / Number(value)).to.be.closeTo(1, 0.005);
      const weth0 = (await ctx.market.tokens.WETH.getFunction("balanceOf")(alice)) as bigint;
      await (await ctx.vault.connect(ctx.alice).redeemInKind(shares - half, alice, alice)).wait();
      expect(await ctx.vault.balanceOf(alice)).to.equal(0n);
      expect((await ctx.market.tokens.WETH.getFunction("balanceOf")(alice)) as bigint).to.be.gt(weth0);
      expect((await ctx.market.tokens.USDC.getFunction("balanceOf")(alice)) as bigint).to.be.gt(usdc1);
    },
  },
];

/** What only an L2 has: the sequencer uptime feed, which the vault must heed. */
export const L2_SCENARIOS: readonly Scenario[] = [
  {
    title:
      "attack: the sequencer goes down — no rebalance or deposit until it is back and its grace period has passed; exits in kind still work",
    async body(ctx) {
      await isolated(async () => {
        const alice = await ctx.alice.getAddress();
        await ctx.market.fund("USDC", alice, USDC(1000));
        await ctx.market.publish(SEQUENCER_FEED, 1n); // down
        await expect(ctx.vault.connect(ctx.keeper).rebalance())
          .to.be.revertedWithCustomError(ctx.vault, "RebalanceNotDue")
          .withArgs(Reason.SequencerDown, 0);
        await expect(ctx.vault.connect(ctx.alice).deposit(USDC(1000), alice))
          .to.be.revertedWithCustomError(ctx.vault, "OracleUnhealthy")
          .withArgs(Reason.SequencerDown, 0);
        const down = await status();
        expect(down.trigger.reason).to.equal("SequencerDown");
        expect(down.assets.map((a) => a.price)).to.deep.equal([null, null]); // unusable
        expect(down.navWad).to.equal(null); // not valued, not 0
        const { out, err } = await runCaptured("status", { vault: VAULT, json: false });
        expect(err).to.equal("");
        expect(out).to.match(/sequencer/i);
        expect(out).to.not.match(/NaN/);
        const shares = (await ctx.vault.balanceOf(alice)) / 10n;
        await expect(ctx.vault.connect(ctx.alice).redeemInKind(shares, alice, alice)).to.not.be.reverted;
        await ctx.market.publish(SEQUENCER_FEED, 0n); // back up: prices are not trusted for the grace period
        await expect(ctx.vault.connect(ctx.keeper).rebalance())
          .to.be.revertedWithCustomError(ctx.vault, "RebalanceNotDue")
          .withArgs(Reason.SequencerGracePeriod, 0);
        const grace = (await ctx.vault.extensionImmutables()).sequencerGraceSeconds;
        expect(grace).to.equal(3600n); // the preset's
        await hre.network.provider.send("evm_increaseTime", [Number(grace) + 1]);
        await ctx.market.heartbeat();
        const { spent } = await rebalanceAndMeasure(ctx, "rebalance() after the sequencer's grace period");
        expect(spent).to.be.gt(0);
      });
    },
  },
];

/**
 * The bodies a network's suite runs in a mode: the same in both modes (the runner takes its list from
 * here only, and a test asserts it); an L2 adds its sequencer scenarios before the rebalances change
 * the state they start from.
 */
export function scenariosFor(network: ReplicaNetwork, mode: ForkMode): readonly Scenario[] {
  void mode; // one list for both modes, by design
  if (network === "mainnet") return SCENARIOS;
  const at = SCENARIOS.findIndex((s) => s.title.startsWith("rebalances through the real pool"));
  return [...SCENARIOS.slice(0, at), ...L2_SCENARIOS, ...SCENARIOS.slice(at)];
}

/** The local market's figure for the same call (single-hop mock feeds), from the committed gas snapshot. */
export function localRebalanceGas(): bigint {
  const snapshot = JSON.parse(
    fs.readFileSync(path.join(__dirname, "..", "gas-snapshot.json"), "utf8"),
  ) as Record<string, string>;
  return BigInt(snapshot["rebalance (2 assets, 1 leg)"]);
}
