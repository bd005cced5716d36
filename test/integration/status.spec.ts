import { expect } from "chai";
import { formatUnits } from "ethers";
import hre from "hardhat";

import { type VaultStatusReport, formatStatus, vaultStatus } from "../../src/keeper/status";
import { runCaptured } from "../shared/helpers";
import { balancedVaultFixture, fundedVaultFixture, hedgeFixture } from "../shared/fixtures";
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
    expect(report.urgency).to.be.closeTo(Math.abs(report.hedge!.netDelta) / 0.5, 1e-6);
    expect(formatStatus(report)).to.match(/net Δ -\d+\.\d{4} vs target 0\.0000 ± 0\.5000; book Δ/);
  });

  it("--json prints every deployed vault for machines", async () => {
    await hedgeFixture();
    const { out, reports } = await runStatus({ json: true });
    const parsed = JSON.parse(out) as VaultStatusReport[];
    expect(parsed.map((r) => r.name)).to.include("Hedge");
    expect(parsed).to.deep.equal(JSON.parse(JSON.stringify(reports)));
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
