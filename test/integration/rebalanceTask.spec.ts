import { expect } from "chai";
import { Wallet, parseUnits } from "ethers";
import hre from "hardhat";

import type { RebalanceResult } from "../../src/keeper/rebalance";
import { bothVaultsFixture, hedgeFixture, fundedVaultFixture } from "../shared/fixtures";
import { rebalanceEvents, runCaptured } from "../shared/helpers";

const rebalance = (args: Record<string, unknown>) =>
  runCaptured<RebalanceResult[]>("rebalance", {
    all: false,
    dryRun: false,
    gasMode: "skip",
    waitTimeout: "600",
    ...args,
  });

/** Mines one empty block whose base fee is `gwei`. */
async function setBaseFee(gwei: string): Promise<void> {
  await hre.network.provider.send("hardhat_setNextBlockBaseFeePerGas", [
    `0x${parseUnits(gwei, "gwei").toString(16)}`,
  ]);
  await hre.network.provider.send("evm_mine");
}

const nonceOf = async (address: string) => hre.ethers.provider.getTransactionCount(address);

describe("rebalance task (npx hardhat rebalance)", () => {
  afterEach(async () => {
    process.exitCode = 0;
    delete process.env.KEEPER_PRIVATE_KEY;
    await hre.network.provider.send("evm_setAutomine", [true]);
  });

  it("prints the plan, sends, and reports the tx, gas and weights before and after", async () => {
    const { vault, keeper } = await fundedVaultFixture();
    const { out, err, result } = await rebalance({ vault: "funded" });
    expect(err).to.equal("");
    const [r] = result!;
    expect(r.outcome).to.equal("rebalanced");
    // On-chain: the keeper's transaction emitted Rebalanced and moved the weights.
    const receipt = await hre.ethers.provider.getTransactionReceipt(r.txHash!);
    expect(receipt!.from).to.equal(keeper.address);
    expect(rebalanceEvents(vault, receipt!.logs).summary).to.not.equal(undefined);
    expect(receipt!.gasUsed).to.equal(r.gasUsed);
    const [weights] = await vault.weightsWad();
    expect(Number(weights[0]) / 1e18).to.be.closeTo(r.after!.assets[0].weight!, 1e-9);
    expect(r.after!.assets[0].weight!).to.be.lessThan(r.before.assets[0].weight!);
    // Printed: the plan's legs with minimum outputs, the simulation, the hash, and before → after.
    expect(out).to.match(/^funded: a rebalance is due \(deviation 12\.00× band\)$/m);
    expect(out).to.match(/^ {2}buy {2}WETH: [\d,.]+ USDC in, at least [\d,.]+ WETH out/m);
    expect(out).to.match(/^ {2}simulation ok: reward [\d.]+ USDC, gas ≈ [\d,]+$/m);
    expect(out).to.include(`sent ${r.txHash}`);
    expect(out).to.match(
      new RegExp(
        `^funded: rebalanced in ${r.txHash}: gas ${receipt!.gasUsed.toLocaleString("en-US")} \\(0\\.\\d+ ETH\\), reward [\\d.]+ USDC$`,
        "m",
      ),
    );
    expect(out).to.match(/^ {2}USDC {3}100\.00% → \d+\.\d\d% \(target 40\.00%\)$/m);
  });

  it("--dry-run simulates and prints the plan but sends nothing", async () => {
    const { vault, keeper } = await fundedVaultFixture();
    const nonce = await nonceOf(keeper.address);
    const { out, result } = await rebalance({ vault: "funded", dryRun: true });
    expect(result![0].outcome).to.equal("dry-run");
    expect(out).to.match(/simulation ok/);
    expect(out).to.match(/funded: dry run: simulated, not sent$/m);
    expect(await nonceOf(keeper.address)).to.equal(nonce);
    expect((await vault.rebalanceStatus()).reason).to.equal(0n); // still Due
  });

  it("says why and exits 0 when nothing is due", async () => {
    await fundedVaultFixture();
    await rebalance({ vault: "funded" });
    const { out, err, result } = await rebalance({ vault: "funded" });
    expect(result![0].outcome).to.equal("idle");
    expect(out).to.match(/^funded: nothing to do: cooling down until \d{4}-/m);
    expect(err).to.equal("");
    expect(process.exitCode ?? 0).to.equal(0);
  });

  it("a paused vault: one line on stderr, exit code 1, nothing sent", async () => {
    const { vault, guardian, keeper } = await fundedVaultFixture();
    await (await vault.connect(guardian).pause()).wait();
    const nonce = await nonceOf(keeper.address);
    const { out, err } = await rebalance({ vault: "funded" });
    expect(out).to.equal("");
    expect(err).to.equal("Error: funded: cannot rebalance: the vault is paused");
    expect(process.exitCode).to.equal(1);
    expect(await nonceOf(keeper.address)).to.equal(nonce);
  });

  it("--max-gas-price below the base fee skips and says so (exit 0); --gas-mode wait waits for it to fall", async () => {
    const { vault, keeper } = await fundedVaultFixture();
    await setBaseFee("80");
    const nonce = await nonceOf(keeper.address);
    const skipped = await rebalance({ vault: "funded", maxGasPrice: "50" });
    expect(skipped.result![0].outcome).to.equal("skipped");
    expect(skipped.out).to.match(
      /^funded: base fee 80\.00 gwei is above --max-gas-price 50\.00 gwei; skipped \(pass --gas-mode wait to wait instead\)$/m,
    );
    expect(process.exitCode ?? 0).to.equal(0);
    expect(await nonceOf(keeper.address)).to.equal(nonce);

    // Wait mode: the fee falls while the task waits, and it goes ahead.
    const waiting = rebalance({ vault: "funded", maxGasPrice: "50", gasMode: "wait", waitTimeout: "8" });
    await new Promise((r) => setTimeout(r, 500));
    await setBaseFee("20");
    const { out, result } = await waiting;
    expect(out).to.match(/waiting up to 8 s for it to fall/);
    expect(out).to.match(/base fee 20\.00 gwei is now at or below the cap; going ahead/);
    expect(result![0].outcome).to.equal("rebalanced");
    expect((await vault.engineState()).lastRebalanceAt).to.be.greaterThan(0n);
  });

  it("--gas-mode wait gives up after its timeout with one line and exit code 1", async () => {
    const { keeper } = await fundedVaultFixture();
    await setBaseFee("80");
    const nonce = await nonceOf(keeper.address);
    const { err } = await rebalance({
      vault: "funded",
      maxGasPrice: "50",
      gasMode: "wait",
      waitTimeout: "1",
    });
    expect(err).to.match(
      /^Error: funded: base fee still 80\.00 gwei after waiting 1 s, above --max-gas-price 50\.00 gwei; nothing sent\. Retry later or raise the cap\.$/,
    );
    expect(process.exitCode).to.equal(1);
    expect(await nonceOf(keeper.address)).to.equal(nonce);
  });

  it("a keeper without funds: one line naming the account and the shortfall, exit 1, nothing sent", async () => {
    const { vault } = await fundedVaultFixture();
    const broke = Wallet.createRandom();
    process.env.KEEPER_PRIVATE_KEY = broke.privateKey;
    const { err } = await rebalance({ vault: "funded" });
    expect(err).to.match(
      new RegExp(
        `^Error: the keeper ${broke.address} holds 0\\.0 ETH on hardhat, less than the [\\d.]+ ETH this rebalance may cost in gas: fund it and retry\\.$`,
      ),
    );
    expect(process.exitCode).to.equal(1);
    expect((await vault.engineState()).lastRebalanceAt).to.equal(0n);
  });

  /** Polls the pending block until it holds `n` transactions. */
  async function untilPending(n: number): Promise<void> {
    for (let i = 0; i < 200; i++) {
      const pending = (await hre.network.provider.send("eth_getBlockByNumber", ["pending", false])) as {
        transactions: string[];
      };
      if (pending.transactions.length >= n) return;
      await new Promise((r) => setTimeout(r, 25));
    }
    throw new Error(`the mempool never reached ${n} transactions`);
  }

  const competitorFees = {
    gasLimit: 3_000_000,
    maxPriorityFeePerGas: parseUnits("50", "gwei"),
    maxFeePerGas: parseUnits("100", "gwei"),
  };

  it("another keeper racing, mined first: ours reverts harmlessly on-chain and counts as done", async () => {
    const { vault, stranger } = await fundedVaultFixture();
    await hre.network.provider.send("evm_setAutomine", [false]);
    const running = rebalance({ vault: "funded" });
    await untilPending(1); // ours is in the mempool, simulated and signed
    // The competitor outbids it, so the block builder puts it first.
    const theirs = await vault.connect(stranger).rebalance(competitorFees);
    await untilPending(2);
    await hre.network.provider.send("evm_mine");
    const { out, err, result } = await running;
    expect(err).to.equal("");
    const r = result![0];
    expect(r.outcome).to.equal("raced");
    expect((await hre.ethers.provider.getTransactionReceipt(theirs.hash))!.status).to.equal(1);
    expect((await hre.ethers.provider.getTransactionReceipt(r.txHash!))!.status).to.equal(0);
    expect(out).to.match(
      /^funded: already rebalanced by someone else: another transaction rebalanced first; ours reverted harmlessly \(cooling down until .*\) \(tx 0x[0-9a-f]{64}, gas [\d,]+\)$/m,
    );
    expect(process.exitCode ?? 0).to.equal(0);
  });

  it("another keeper racing, already pending: the simulation sees it and nothing is sent", async () => {
    const { vault, stranger, keeper } = await fundedVaultFixture();
    await hre.network.provider.send("evm_setAutomine", [false]);
    await vault.connect(stranger).rebalance(competitorFees);
    const nonce = await nonceOf(keeper.address);
    const { out, result } = await rebalance({ vault: "funded" });
    expect(result![0].outcome).to.equal("raced");
    expect(out).to.match(
      /^funded: already rebalanced by someone else: no longer due at simulation: RebalanceNotDue\(Cooldown\): cooling down until \d{4}-/m,
    );
    expect(await hre.ethers.provider.getTransactionCount(keeper.address, "pending")).to.equal(nonce);
  });

  it("serves a delta-hedged vault: net delta before and after", async () => {
    const { vault } = await hedgeFixture();
    const { out, result } = await rebalance({ vault: "Hedge" });
    const r = result![0];
    expect(r.outcome).to.equal("rebalanced");
    const h = await vault.hedgeStatus();
    expect(Math.abs(Number(h.netDeltaWad) / 1e18)).to.be.at.most(0.5);
    expect(out).to.match(
      /^ {2}net Δ -\d+\.\d{4} → -?0\.\d{4} \(target 0\.0000 ± 0\.5000\); holding 40\.0000 → /m,
    );
  });

  it("--all goes on past a vault it cannot rebalance, and the exit code says so", async () => {
    const { vault } = await bothVaultsFixture();
    process.env.KEEPER_PRIVATE_KEY = Wallet.createRandom().privateKey; // cannot pay for either
    const { err } = await rebalance({ all: true });
    const lines = err.split("\n");
    expect(lines).to.have.length(2); // one per vault, neither stopped the other
    for (const l of lines)
      expect(l).to.match(/^Error: the keeper 0x[0-9a-fA-F]{40} holds 0\.0 ETH on hardhat/);
    expect(process.exitCode).to.equal(1);
    expect((await vault.engineState()).lastRebalanceAt).to.equal(0n);
  });

  it("--all walks every deployed vault; bad flags fail with one line", async () => {
    await hedgeFixture();
    const all = await rebalance({ all: true, dryRun: true });
    expect(all.result!.map((r) => r.name)).to.include("Hedge");

    const cases: [Record<string, unknown>, RegExp][] = [
      [{}, /^Error: pass --vault <name\|address> or --all\.$/],
      [{ vault: "nope" }, /^Error: unknown vault 'nope' on hardhat: deployed vaults are .*Hedge/],
      [{ vault: "Hedge", maxGasPrice: "cheap" }, /^Error: --max-gas-price 'cheap' is not a gas price/],
      [{ vault: "Hedge", gasMode: "later" }, /^Error: --gas-mode 'later' is not one of skip, wait\.$/],
    ];
    for (const [args, message] of cases) {
      process.exitCode = 0;
      const { err } = await rebalance(args);
      expect(err).to.match(message);
      expect(err.split("\n")).to.have.length(1);
      expect(process.exitCode).to.equal(1);
    }
  });
});
