import { expect } from "chai";
import { formatEther, formatUnits, parseUnits } from "ethers";
import hre from "hardhat";

import { type KeeperSummary, runKeeper } from "../../src/keeper/loop";
import { type Running, startKeeper } from "../shared/keeper";
import { vaultStatus } from "../../src/keeper/status";
import { UserError } from "../../src/config/env";
import { classifySendError } from "../../src/keeper/decision";
import { readVaultKind } from "../../src/vault/kind";
import {
  balancedVaultFixture,
  bothVaultsFixture,
  fundedVaultFixture,
  hedgeFixture,
} from "../shared/fixtures";
import { advanceAndMove } from "../shared/helpers";
import { resolveVault } from "../../src/vault/registry";

const gwei = (x: string) => parseUnits(x, "gwei");

async function setBaseFee(g: string): Promise<void> {
  await hre.network.provider.send("hardhat_setNextBlockBaseFeePerGas", [`0x${gwei(g).toString(16)}`]);
  await hre.network.provider.send("evm_mine");
}

describe("keeper loop (npx hardhat keeper)", () => {
  afterEach(async () => {
    await hre.network.provider.send("evm_setAutomine", [true]);
  });

  it("rebalances what is due, idles after, and ends with a summary on a signal", async () => {
    const { vault } = await bothVaultsFixture();
    const k = await startKeeper(["funded", "Hedge"]);
    await k.waitFor("confirmed", 2);
    await k.waitFor("idle", 2);
    const summary = await k.stop();
    expect(summary).to.include({
      sent: 2,
      confirmed: 2,
      raced: 0,
      failures: 0,
      rpcErrors: 0,
      stoppedBy: "SIGTERM",
    });
    expect(BigInt(summary.gasUsed)).to.be.greaterThan(400_000n);
    expect((await vault.engineState()).lastRebalanceAt).to.be.greaterThan(0n);
    const last = k.records.at(-1)!;
    expect(last.event).to.equal("summary");
    expect(last.confirmed).to.equal(2);
    for (const r of k.records) expect(r.ts).to.match(/^\d{4}-\d\d-\d\dT/);
    const sent = k.records.filter((r) => r.event === "sent").map((r) => r.nonce);
    expect(new Set(sent).size).to.equal(2); // one nonce each
  });

  it("watches its own money: warns once below --min-balance, and its summary counts ETH spent and rewards earned", async () => {
    const { market } = await bothVaultsFixture();
    const [, , keeper] = await hre.ethers.getSigners();
    const usdc = market.tokens.USDC;
    const before = await usdc.balanceOf(keeper.address);
    const ethBefore = await hre.ethers.provider.getBalance(keeper.address);
    const k = await startKeeper(["funded", "Hedge"], { minBalanceWei: 10n ** 30n });
    await k.waitFor("confirmed", 2);
    await k.waitFor("idle", 2);
    const summary = await k.stop();
    expect(k.records.filter((r) => r.event === "low-balance")).to.have.length(1); // once, not every poll
    expect(summary.ticks).to.be.greaterThan(2);
    // Rewards: what the keeper's USDC balance actually grew by; ETH: what its balance actually fell by.
    const earned = (await usdc.balanceOf(keeper.address)) - before;
    expect(earned).to.be.greaterThan(0n);
    expect(summary.rewards).to.deep.equal({ USDC: formatUnits(earned, 6) });
    const spent = ethBefore - (await hre.ethers.provider.getBalance(keeper.address));
    expect(summary.ethSpent).to.equal(formatEther(spent));
  });

  it("an unfunded keeper says so once, polls less and less often, then stops with one line", async () => {
    const { vault } = await fundedVaultFixture();
    const [, , keeper] = await hre.ethers.getSigners();
    await hre.network.provider.send("hardhat_setBalance", [keeper.address, "0x3e8"]); // 1,000 wei
    const nonce = await hre.ethers.provider.getTransactionCount(keeper.address);
    const records: Record<string, unknown>[] = [];
    let error: unknown;
    try {
      await runKeeper(hre, [await resolveVault(hre, "funded")], keeper, {
        pollMs: 20,
        policy: { baseFeeCeilingWei: gwei("30"), urgentMultiple: 3, hardCapWei: gwei("300") },
        backoffBaseMs: 20,
        backoffCapMs: 100,
        stuckAfterMs: 60_000,
        json: true,
        noFundsExitAfter: 3,
        minProfit: 0,
        reportEveryMs: 0,
        log: (line) => records.push(JSON.parse(line) as Record<string, unknown>),
        signal: new AbortController().signal,
      });
    } catch (e) {
      error = e;
    }
    expect(error).to.be.instanceOf(UserError);
    expect((error as Error).message).to.match(
      new RegExp(
        `^the keeper ${keeper.address} could not pay for a due rebalance for 3 polls in a row \\(holds 0\\.000000000000001 ETH, needs [\\d.]+\\): fund it and restart\\.$`,
      ),
    );
    expect(records.filter((r) => r.event === "no-funds")).to.have.length(1);
    expect(records.filter((r) => r.event === "no-funds-backoff").map((r) => r.retryInMs)).to.deep.equal([
      40, 80,
    ]);
    expect(records.at(-1)).to.include({ event: "summary", stoppedBy: "no-funds", sent: 0 });
    expect(await hre.ethers.provider.getTransactionCount(keeper.address)).to.equal(nonce);
    expect((await vault.engineState()).lastRebalanceAt).to.equal(0n);
  });

  it("holds a non-urgent rebalance while the base fee is above the ceiling, and sends an urgent one", async () => {
    await fundedVaultFixture(); // 12 bands out
    await setBaseFee("80");
    const patient = await startKeeper(["funded"], {
      policy: { baseFeeCeilingWei: gwei("50"), urgentMultiple: 20, hardCapWei: gwei("300") },
    });
    const hold = await patient.waitFor("hold");
    expect(hold.why).to.match(
      /^base fee 80\.00 gwei above the ceiling 50\.00 gwei; deviation 12\.00× band, urgent from 20×$/,
    );
    const held = await patient.stop();
    expect(held.sent).to.equal(0);
    expect(held.held).to.be.greaterThan(0);

    const urgent = await startKeeper(["funded"], {
      policy: { baseFeeCeilingWei: gwei("50"), urgentMultiple: 3, hardCapWei: gwei("300") },
    });
    const sent = await urgent.waitFor("sent");
    expect(sent.why).to.equal("urgent: deviation 12.00× band");
    await urgent.waitFor("confirmed");
    await urgent.stop();
  });

  it("--min-profit: holds a rebalance whose reward is below the ratio × its gas cost, and sends it once urgent", async () => {
    const { vault, market } = await fundedVaultFixture(); // 12 bands out
    await setBaseFee("10");
    const tip = BigInt((await hre.network.provider.send("eth_maxPriorityFeePerGas", [])) as string);
    // WETH in USDC, from the two feeds the vault prices with.
    const ethUsd =
      Number(await market.feeds.ETH_USD.latestAnswer()) / Number(await market.feeds.USDC_USD.latestAnswer());
    const { plan } = await vaultStatus(hre, await resolveVault(hre, "funded"));
    const reward = Number(formatUnits(BigInt(plan.simulation.rewardUnits), 6));
    // What the keeper must find, from the chain's own figures: gas × (base fee + tip) × ETH price.
    const cost = Number(formatEther(BigInt(plan.simulation.gasUsed) * (gwei("10") + tip))) * ethUsd;
    expect(reward).to.be.greaterThan(0);
    const ratio = Math.ceil((reward / cost) * 2); // a ratio the reward misses by half
    const patient = await startKeeper(["funded"], {
      minProfit: ratio,
      policy: { baseFeeCeilingWei: gwei("30"), urgentMultiple: 20, hardCapWei: gwei("300") },
    });
    const hold = await patient.waitFor("unprofitable");
    const m =
      /^reward ([\d.,]+) USDC is below (\d+)× the gas cost ([\d.,]+) USDC; deviation 12\.00× band, sent anyway from 20×$/.exec(
        hold.why as string,
      );
    expect(m, hold.why as string).to.not.equal(null);
    expect(Number(m![1].replace(/,/g, ""))).to.be.closeTo(reward, reward * 0.01);
    expect(Number(m![2])).to.equal(ratio);
    expect(Number(m![3].replace(/,/g, ""))).to.be.closeTo(cost, cost * 0.01);
    const held = await patient.stop();
    expect(held).to.include({ sent: 0, held: 0 });
    expect(held.unprofitable).to.be.greaterThan(0);
    expect((await vault.engineState()).lastRebalanceAt).to.equal(0n);

    // The same vault, the same ratio: urgent from 3 bands, so it goes.
    const urgent = await startKeeper(["funded"], {
      minProfit: ratio,
      policy: { baseFeeCeilingWei: gwei("30"), urgentMultiple: 3, hardCapWei: gwei("300") },
    });
    expect((await urgent.waitFor("sent")).why).to.equal("urgent: deviation 12.00× band");
    await urgent.waitFor("confirmed");
    const sent = await urgent.stop();
    expect(sent).to.include({ sent: 1, confirmed: 1, unprofitable: 0 });
    // Net: the reward the event paid less the ETH the receipt paid, priced at the feed.
    const paid = Number(sent.rewards.USDC);
    expect(Number(sent.net.USDC)).to.be.closeTo(paid - Number(sent.ethSpent) * ethUsd, 1e-4);
    expect(Number(sent.net.USDC)).to.be.lessThan(paid);
  });

  it("--min-profit with a reward that covers the gas sends a non-urgent rebalance", async () => {
    await fundedVaultFixture();
    await setBaseFee("1");
    const k = await startKeeper(["funded"], {
      minProfit: 0.000001,
      policy: { baseFeeCeilingWei: gwei("30"), urgentMultiple: 20, hardCapWei: gwei("300") },
    });
    expect((await k.waitFor("sent")).why).to.equal("due: deviation 12.00× band");
    await k.waitFor("confirmed");
    expect(await k.stop()).to.include({ unprofitable: 0, confirmed: 1 });
  });

  it("serves its counters for Prometheus while it runs, and a record line every --report-every", async () => {
    await bothVaultsFixture();
    const k = await startKeeper(["funded", "Hedge"], {
      metrics: { host: "127.0.0.1", port: 0 },
      reportEveryMs: 1,
    });
    const start = await k.waitFor("start");
    await k.waitFor("confirmed", 2);
    await k.waitFor("idle", 2);
    const record = await k.waitFor("record", 3);
    expect(record).to.include({ confirmed: 2 });
    const res = await fetch(start.metrics as string);
    expect(res.status).to.equal(200);
    const text = await res.text();
    expect(text).to.match(/^ballast_keeper_confirmed_total 2$/m);
    expect(text).to.match(/^ballast_keeper_sent_total 2$/m);
    expect(text).to.match(/^ballast_keeper_rewards\{token="USDC"\} [0-9.e-]+$/m);
    expect(text).to.match(
      /^ballast_keeper_vault_deviation_bands\{vault="funded",reason="[A-Za-z]+"\} [0-9.e-]+$/m,
    );
    expect(text).to.match(/^ballast_keeper_balance_eth [0-9.e+]+$/m);
    expect((await fetch((start.metrics as string).replace("/metrics", "/other"))).status).to.equal(404);
    const summary = await k.stop();
    expect(summary.confirmed).to.equal(2);
    // Stopped: the endpoint is closed.
    let refused = false;
    await fetch(start.metrics as string).catch(() => (refused = true));
    expect(refused).to.equal(true);
  });

  it("a metrics port in use is one line, before anything is polled or sent", async () => {
    const { vault } = await fundedVaultFixture();
    const { createServer } = await import("node:http");
    const busy = createServer();
    await new Promise<void>((r) => busy.listen(0, "127.0.0.1", () => r()));
    const port = (busy.address() as { port: number }).port;
    try {
      let error: unknown;
      const k = await startKeeper(["funded"], { metrics: { host: "127.0.0.1", port } });
      await k.stop().catch((e: unknown) => (error = e));
      expect(error).to.be.instanceOf(UserError);
      expect((error as Error).message).to.equal(
        `--metrics-port ${port} is in use on 127.0.0.1: choose another port.`,
      );
      expect(k.records).to.have.length(0);
      expect((await vault.engineState()).lastRebalanceAt).to.equal(0n);
    } finally {
      busy.close();
    }
  });

  it("a vault that stops answering (its code gone: a node restarted on a fresh chain) is named with the likely cause; the others go on", async () => {
    await bothVaultsFixture();
    const funded = (await resolveVault(hre, "funded")).address;
    const code = await hre.ethers.provider.getCode(funded);
    const k = await startKeeper(["funded", "Hedge"]);
    try {
      await k.waitFor("confirmed", 2);
      await hre.network.provider.send("hardhat_setCode", [funded, "0x"]);
      const gone = await k.waitFor("vault-missing");
      expect(gone).to.include({ vault: "funded", address: funded, level: "error" });
      expect(gone.why).to.match(
        /no Ballast vault answers at its address at this block \(no code, or other code\): the node likely restarted on a fresh chain/,
      );
      const ticks = k.records.filter((r) => r.event === "vault-missing").length;
      await new Promise((r) => setTimeout(r, 400)); // several polls: said once, not every poll
      expect(k.records.filter((r) => r.event === "vault-missing")).to.have.length(ticks);
      await hre.network.provider.send("hardhat_setCode", [funded, code]);
      expect((await k.waitFor("vault-back")).vault).to.equal("funded");
    } finally {
      await hre.network.provider.send("hardhat_setCode", [funded, code]);
      const summary = await k.stop();
      expect(summary).to.include({ failures: 0, confirmed: 2 });
    }
  });

  it("--dry-run decides and simulates as usual, sends nothing, and says what it would have sent", async () => {
    const { vault } = await fundedVaultFixture();
    const [, , keeper] = await hre.ethers.getSigners();
    const nonce = await hre.ethers.provider.getTransactionCount(keeper.address);
    // Polls counted by their gas estimates (one per poll while due), not by a sleep: the coverage
    // build polls far more slowly.
    const provider = hre.network.provider as unknown as {
      send: (method: string, params?: unknown[]) => Promise<unknown>;
    };
    const original = provider.send.bind(provider);
    let estimates = 0;
    provider.send = async (method, params) => {
      if (method === "eth_estimateGas") estimates++;
      return original(method, params);
    };
    let summary: KeeperSummary;
    let k: Running;
    try {
      k = await startKeeper(["funded"], { dryRun: true });
      const would = await k.waitFor("dry-run");
      expect(would.why).to.equal("urgent: deviation 12.00× band; would send (dry run)");
      expect(Number(would.gasLimit)).to.be.greaterThan(100_000);
      for (let i = 0; i < 600 && estimates < 3; i++) await new Promise((r) => setTimeout(r, 50));
      summary = await k.stop();
    } finally {
      provider.send = original;
    }
    expect(k.records.filter((r) => r.event === "dry-run")).to.have.length(1); // said once, not every poll
    expect(summary).to.include({ sent: 0, confirmed: 0 });
    expect(summary.wouldSend).to.be.at.least(3);
    expect(await hre.ethers.provider.getTransactionCount(keeper.address)).to.equal(nonce);
    expect((await vault.engineState()).lastRebalanceAt).to.equal(0n);
  });

  it("replaces a transaction that sits unmined, with the same nonce and a higher fee", async () => {
    const { vault } = await fundedVaultFixture();
    await hre.network.provider.send("evm_setAutomine", [false]);
    const k = await startKeeper(["funded"], { stuckAfterMs: 300 });
    const sent = await k.waitFor("sent");
    const replaced = await k.waitFor("replaced");
    expect(replaced.nonce).to.equal(sent.nonce);
    expect(BigInt(replaced.maxFeePerGas as string)).to.be.at.least(
      (BigInt(sent.maxFeePerGas as string) * 1125n) / 1000n,
    );
    await hre.network.provider.send("evm_mine");
    const confirmed = await k.waitFor("confirmed");
    expect(confirmed.tx).to.equal(replaced.tx);
    const summary = await k.stop();
    expect(summary).to.include({ sent: 1, replaced: 1, confirmed: 1, failures: 0 });
    expect((await vault.engineState()).lastRebalanceAt).to.be.greaterThan(0n);
  });

  it("another keeper racing: ours reverts once mined and counts as raced, not failed", async () => {
    const { vault, stranger } = await fundedVaultFixture();
    await hre.network.provider.send("evm_setAutomine", [false]);
    const k = await startKeeper(["funded"]);
    await k.waitFor("sent");
    await vault.connect(stranger).rebalance({
      gasLimit: 3_000_000,
      maxPriorityFeePerGas: gwei("50"),
      maxFeePerGas: gwei("500"),
    });
    await hre.network.provider.send("evm_mine");
    const raced = await k.waitFor("raced");
    expect(raced.why).to.equal("another keeper rebalanced first; ours reverted");
    const summary = await k.stop();
    expect(summary).to.include({ raced: 1, confirmed: 0, failures: 0 });
  });

  it("RPC failing mid-loop: backs off, recovers, and still rebalances", async () => {
    await fundedVaultFixture();
    // Fault injection at the provider every ethers call goes through: refused connections until lifted.
    const provider = hre.network.provider as unknown as {
      send: (method: string, params?: unknown[]) => Promise<unknown>;
    };
    const original = provider.send.bind(provider);
    let failing = false;
    provider.send = async (method, params) => {
      if (failing)
        throw Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:8545"), { code: "ECONNREFUSED" });
      return original(method, params);
    };
    try {
      // The node stops answering right after the keeper starts, before its first poll.
      const k = await startKeeper(["funded"], {}, (r) => {
        if (r.event === "start") failing = true;
      });
      await k.waitFor("rpc-error", 3);
      failing = false;
      const recovered = await k.waitFor("rpc-recovered");
      expect(recovered.after).to.be.at.least(3);
      await k.waitFor("confirmed");
      const summary = await k.stop();
      expect(summary.rpcErrors).to.be.at.least(3);
      expect(summary).to.include({ confirmed: 1, failures: 0 });
      const delays = k.records.filter((r) => r.event === "rpc-error").map((r) => r.retryInMs as number);
      for (const d of delays) expect(d).to.be.within(50, 200);
    } finally {
      provider.send = original;
    }
  });

  it("a delta-hedged vault whose read fails once keeps its kind: one RPC error, and the next tick rebalances it", async () => {
    await hedgeFixture();
    const provider = hre.network.provider as unknown as {
      send: (method: string, params?: unknown[]) => Promise<unknown>;
    };
    const original = provider.send.bind(provider);
    let failures = 0;
    provider.send = async (method, params) => {
      // The first eth_call of the loop (its one lens read) times out, as a provider would.
      if (method === "eth_call" && failures === 0) {
        failures++;
        throw Object.assign(new Error("request timeout (ETIMEDOUT)"), { code: "TIMEOUT" });
      }
      return original(method, params);
    };
    try {
      const k = await startKeeper(["Hedge"]);
      await k.waitFor("rpc-error");
      const sent = await k.waitFor("sent");
      await k.waitFor("confirmed");
      const summary = await k.stop();
      expect(failures).to.equal(1);
      expect(summary).to.include({ rpcErrors: 1, sent: 1, confirmed: 1, failures: 0 });
      expect(sent).to.include({ vault: "Hedge", kind: "delta-hedge" });
      const kinds = new Set(k.records.filter((r) => r.kind !== undefined).map((r) => r.kind));
      expect([...kinds]).to.deep.equal(["delta-hedge"]);
    } finally {
      provider.send = original;
    }
  });

  it("reading a vault's kind: an RPC failure propagates as retryable, never as another kind", async () => {
    const { vault, market } = await hedgeFixture();
    const address = await vault.getAddress();
    const provider = hre.network.provider as unknown as {
      send: (method: string, params?: unknown[]) => Promise<unknown>;
    };
    const original = provider.send.bind(provider);
    provider.send = async () => {
      throw Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:8545"), { code: "ECONNREFUSED" });
    };
    let error: unknown;
    try {
      await readVaultKind(hre, address);
    } catch (e) {
      error = e;
    } finally {
      provider.send = original;
    }
    expect(error).to.be.an("error").and.not.be.instanceOf(UserError);
    expect(classifySendError(error)).to.equal("retry");
    expect(await readVaultKind(hre, address)).to.equal("delta-hedge");
    // A contract that answers, but is no vault, is the caller's mistake: one line.
    const usdc = await market.tokens.USDC.getAddress();
    let notVault: unknown;
    await readVaultKind(hre, usdc).catch((e: unknown) => (notVault = e));
    expect(notVault).to.be.instanceOf(UserError);
    expect((notVault as Error).message).to.equal(
      `${usdc} on hardhat is not a Ballast vault (it has no vaultKind()).`,
    );
  });

  it("an idle tick costs two JSON-RPC requests for all its vaults together (one lens call, one block)", async () => {
    await bothVaultsFixture();
    // Settle both vaults first, then count what idle polling costs.
    const settle = await startKeeper(["funded", "Hedge"]);
    await settle.waitFor("confirmed", 2);
    await settle.stop();
    const provider = hre.network.provider as unknown as {
      send: (method: string, params?: unknown[]) => Promise<unknown>;
    };
    const original = provider.send.bind(provider);
    const counts: Record<string, number> = {};
    provider.send = async (method, params) => {
      counts[method] = (counts[method] ?? 0) + 1;
      return original(method, params);
    };
    try {
      const k = await startKeeper(["funded", "Hedge"]);
      await k.waitFor("idle", 2);
      // at least three ticks, counted by their lens calls rather than by a sleep, so a slower build
      // (coverage's instrumented one) ticks as often before the stop
      for (let i = 0; i < 600 && (counts.eth_call ?? 0) < 3; i++) await new Promise((r) => setTimeout(r, 50));
      const summary = await k.stop();
      expect(summary.sent).to.equal(0);
      expect(summary.ticks).to.be.at.least(3);
      // Per tick: the lens (eth_call) and the latest block (base fee). (eth_accounts is this test's own
      // getSigners() in startKeeper.)
      const loop = Object.fromEntries(Object.entries(counts).filter(([m]) => m !== "eth_accounts"));
      expect(Object.keys(loop).sort()).to.deep.equal(["eth_call", "eth_getBlockByNumber"]);
      expect(loop.eth_call).to.equal(summary.ticks);
      expect(loop.eth_getBlockByNumber).to.equal(summary.ticks);
    } finally {
      provider.send = original;
    }
  });

  it("a provider that refuses eth_getLogs: the loop never asks for logs, status reports the cost as unknown", async () => {
    const { market, arbitrageur } = await balancedVaultFixture();
    const provider = hre.network.provider as unknown as {
      send: (method: string, params?: unknown[]) => Promise<unknown>;
    };
    const original = provider.send.bind(provider);
    let getLogs = 0;
    provider.send = async (method, params) => {
      if (method === "eth_getLogs") {
        getLogs++;
        throw new Error("query exceeds max block range 10000");
      }
      return original(method, params);
    };
    try {
      const report = await vaultStatus(hre, await resolveVault(hre, "funded"));
      expect(report.lastRebalanceAt).to.be.a("number"); // from engineState, not logs
      expect(report.lastRebalanceCostQuote).to.equal(null);
      const seen = getLogs;
      await advanceAndMove(market, arbitrageur, 7200, { WETH: "4500" });
      const k = await startKeeper(["funded"]);
      await k.waitFor("confirmed");
      const summary = await k.stop();
      expect(summary.failures).to.equal(0);
      expect(getLogs).to.equal(seen);
    } finally {
      provider.send = original;
    }
  });
});
