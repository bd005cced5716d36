import { expect } from "chai";
import { formatUnits } from "ethers";
import hre from "hardhat";

import { type VaultStatusReport, formatStatus, vaultStatus } from "../../src/keeper/status";
import type { StatusDocument } from "../../src/keeper/statusJson";
import { runCaptured } from "../shared/helpers";
import {
  balancedVaultFixture,
  bothVaultsFixture,
  fundedVaultFixture,
  hedgeFixture,
} from "../shared/fixtures";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import { keccak256 } from "ethers";
import { resolveVault } from "../../src/vault/registry";

const runStatus = async (args: Record<string, unknown>) => {
  const r = await runCaptured<VaultStatusReport[]>("status", args);
  return { ...r, reports: r.result ?? [] };
};

describe("status (npx hardhat status)", () => {
  afterEach(() => {
    process.exitCode = 0;
  });

  it("reports a target-weight vault: trigger, NAV, weights against targets, feed freshness", async () => {
    const { vault } = await fundedVaultFixture();
    const report = await vaultStatus(hre, await resolveVault(hre, "funded"));
    expect(report.kind).to.equal("target-weight");
    expect(report.address).to.equal(await vault.getAddress());
    expect(report.reason).to.equal("Due");
    expect(report.navQuote).to.be.closeTo(1_000_000, 1);
    expect(report.assets.map((a) => a.symbol)).to.deep.equal(["USDC", "WETH", "WBTC"]);
    expect(report.assets.map((a) => a.target)).to.deep.equal([0.4, 0.3, 0.3]);
    expect(report.assets[0].weight).to.equal(1); // all quote: 60 points over a ±5-point band
    expect(report.urgency).to.equal(12);
    expect(report.lastRebalanceAt).to.equal(null);
    for (const a of report.assets) expect(a.feedAgeSeconds).to.be.within(0, 3600);
  });

  it("reports the last rebalance, its cost and the cooldown after one", async () => {
    const { vault } = await balancedVaultFixture();
    const report = await vaultStatus(hre, await resolveVault(hre, await vault.getAddress()));
    expect(report.name).to.equal("funded");
    expect(report.reason).to.equal("Cooldown");
    expect(report.reasonText).to.match(/^cooling down until \d{4}-\d\d-\d\dT/);
    expect(report.lastRebalanceAt).to.be.a("number");
    expect(report.lastRebalanceCostQuote).to.be.greaterThan(0);
    expect(report.urgency).to.be.lessThan(1);
  });

  it("reports a delta-hedged vault: net delta against its band, book delta and gamma", async () => {
    const { vault } = await hedgeFixture();
    const h = await vault.hedgeStatus();
    const report = await vaultStatus(hre, await resolveVault(hre, "Hedge"));
    expect(report.kind).to.equal("delta-hedge");
    expect(report.reason).to.equal("Due");
    // ethers formats the WAD integer exactly; dividing a lossy Number by 1e18 would be off by an ulp.
    expect(report.hedge!.netDelta).to.equal(Number(formatUnits(h.netDeltaWad, 18)));
    expect(report.hedge!.halfWidth).to.equal(0.5);
    expect(report.hedge!.bookGamma).to.be.lessThan(0);
    expect(report.hedge!.liveLegs).to.equal(1);
    expect(report.hedge!.lending).to.equal(undefined); // a plain hedge vault has no lending market
    expect(report.urgency).to.be.closeTo(Math.abs(report.hedge!.netDelta) / 0.5, 1e-6);
    expect(formatStatus(report)).to.match(/net Δ -\d+\.\d{4} vs target 0\.0000 ± 0\.5000; book Δ/);
    // Its own parameters, as the demo preset set them (σ 80 % in [5 %, 300 %], r 4 %, an absolute band).
    expect(formatStatus(report)).to.include(
      `hedge: book ${await vault.book()}; σ set at 80% within 5% … 300%; r 4%; band Absolute ±0.5, clamped 0.01 … 1000; expiry unwind 1 d, book cooldown 4 h`,
    );
  });

  it("--json: one document with the chain id, block and timestamp; every integer a string, exact", async () => {
    await bothVaultsFixture();
    const vault = await hre.ethers.getContractAt(
      "ITargetWeightVault",
      (await resolveVault(hre, "funded")).address,
    );
    const { out, err } = await runCaptured("status", { json: true });
    expect(err).to.equal("");
    const doc = JSON.parse(out) as StatusDocument;
    const block = (await hre.ethers.provider.getBlock("latest"))!;
    expect(doc).to.include({ schema: "1", network: "hardhat", chainId: "31337" });
    expect(doc.block).to.deep.equal({
      number: String(block.number),
      timestamp: String(block.timestamp),
      time: new Date(block.timestamp * 1000).toISOString().replace(".000Z", "Z"),
    });
    // No JSON numbers anywhere: a parser reading doubles loses nothing.
    const numbers: string[] = [];
    const walk = (x: unknown, path: string) => {
      if (typeof x === "number") numbers.push(path);
      else if (x && typeof x === "object") for (const [k, v] of Object.entries(x)) walk(v, `${path}.${k}`);
    };
    walk(doc, "");
    expect(numbers).to.deep.equal([]);
    const funded = doc.vaults.find((v) => v.name === "funded")!;
    expect(funded.navWad).to.equal((await vault.rebalanceStatus()).navWad.toString());
    expect(funded.assets.map((a) => [a.symbol, a.decimals, a.targetBps, a.absBandBps])).to.deep.equal([
      ["USDC", "6", "4000", "500"],
      ["WETH", "18", "3000", "500"],
      ["WBTC", "8", "3000", "500"],
    ]);
    expect(funded.assets[0].balanceUnits).to.equal((await vault.totalAssets()).toString()); // all USDC
    expect(funded.trigger).to.include({ reason: "Due", deviationBands: "12.000000", nextEligibleAt: null });
    expect(funded.settings).to.include({ policy: "Hybrid", mode: "ToTarget", maxTradeBps: "2500" });
    expect(funded.roles).to.deep.equal({ owner: await vault.owner(), guardian: await vault.guardian() });
    expect(funded.plan.chunked).to.equal(true); // 60 points of drift, 25 % of NAV a call
    expect(funded.pendingChanges).to.deep.equal([]);
    const hedge = doc.vaults.find((v) => v.name === "Hedge")!;
    expect(hedge.kind).to.equal("delta-hedge");
    expect(hedge.hedge!.halfWidthWad).to.equal("500000000000000000");
    expect(hedge.assets[0].targetBps).to.equal(null);
  });

  it("shows settings, bands, roles, holdings, and a chunked rebalance's cap; nothing fake for a paused vault", async () => {
    const { vault, guardian } = await fundedVaultFixture();
    const v = await resolveVault(hre, "funded");
    let text = formatStatus(await vaultStatus(hre, v));
    expect(text).to.match(/^ {2}NAV 1,000,000 USDC; next eligible now; last rebalance never$/m);
    expect(text).to.match(/capped at 2500 bps of NAV a call, so more rebalances follow/);
    expect(text).to.match(/^ {2}USDC +1\.0000 +\d+ +1,000,000 +100\.00% +40\.00% +±500 \/ -$/m);
    expect(text).to.include(`roles: owner ${await vault.owner()}, guardian ${await vault.guardian()}`);
    expect(text).to.match(/settings: policy Hybrid, mode ToTarget; slippage ≤ 100 bps/);
    expect(text).to.match(/timing: cooldown 1 h, .*changes that loosen wait 1 d/);
    expect(text).to.include("pending changes: none");

    await vault.connect(guardian).pause();
    const paused = await vaultStatus(hre, v);
    expect(paused.navQuote).to.equal(null);
    text = formatStatus(paused);
    expect(text).to.include("PAUSED: rebalances, deposits and withdrawals stop until the owner unpauses");
    expect(text).to.match(/NAV not valued \(the vault is paused; holdings below\)/);
    expect(text).to.not.match(/NAV 0/);
    const { out } = await runCaptured("status", { vault: "funded", json: true });
    const doc = JSON.parse(out) as StatusDocument;
    expect(doc.vaults[0]).to.include({ paused: true, navWad: null });
    expect(doc.vaults[0].assets[0].balanceUnits).to.equal(String(1_000_000n * 10n ** 6n));
  });

  it("shows a queued change with when it applies, then ready, then expired", async () => {
    const { vault, admin: deployer } = await fundedVaultFixture();
    const v = await resolveVault(hre, "funded");
    const data = vault.interface.encodeFunctionData("setTargets", [[5000, 2500, 2500]]);
    await vault.connect(deployer).queueChange(data);
    const id = keccak256(data);
    let r = await vaultStatus(hre, v);
    expect(r.pendingChanges).to.have.length(1);
    expect(r.pendingChanges![0]).to.include({ id, call: "setTargets([5000, 2500, 2500])", state: "waiting" });
    expect(r.pendingChanges![0].eta).to.equal(Number(await vault.changeEta(id)));
    expect(formatStatus(r)).to.match(
      new RegExp(`setTargets\\(\\[5000, 2500, 2500\\]\\) — applies from \\S+Z \\(in 24 h\\); id ${id}`),
    );
    await time.increase(86_400);
    r = await vaultStatus(hre, v);
    expect(r.pendingChanges![0].state).to.equal("ready");
    expect(formatStatus(r)).to.match(
      /ready since \S+Z \((now|\d+ s ago)\): run the same command to apply it/,
    );
    await time.increase(15 * 86_400);
    r = await vaultStatus(hre, v);
    expect(r.pendingChanges![0].state).to.equal("expired");
    expect(formatStatus(r)).to.match(/expired \(grace over since \S+Z \(\d+ h ago\)\): queue it again/);
    // Cancelled: gone.
    await vault.connect(deployer).cancelChange(id);
    expect((await vaultStatus(hre, v)).pendingChanges).to.deep.equal([]);
  });

  it("fails with one line naming the known vaults for an unknown name, and exit code 1", async () => {
    await hedgeFixture();
    const { out, err } = await runStatus({ vault: "nope", json: false });
    expect(out).to.equal("");
    expect(err).to.match(
      /^Error: unknown vault 'nope' on hardhat: deployed vaults are .*Hedge.*\. Pass one of them or an address\.$/,
    );
    expect(err.split("\n")).to.have.length(1);
    expect(process.exitCode).to.equal(1);
  });

  it("an address that is no Ballast vault (a token, an account): one line, exit code 1", async () => {
    const { market, stranger } = await hedgeFixture();
    for (const address of [await market.tokens.USDC.getAddress(), stranger.address]) {
      const { out, err } = await runStatus({ vault: address, json: false });
      expect(out).to.equal("");
      expect(err).to.equal(
        `Error: no Ballast vault at ${address} on hardhat: check the address and --network.`,
      );
      expect(process.exitCode).to.equal(1);
      process.exitCode = 0;
    }
  });
});
