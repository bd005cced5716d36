import { expect } from "chai";
import hre from "hardhat";
import { time } from "@nomicfoundation/hardhat-network-helpers";

import type { AdminResult } from "../../src/admin/changes";
import { demoVaultPreset } from "../../src/vault/targetWeight";
import { fundedVaultFixture, hedgeFixture } from "../shared/fixtures";
import { runCaptured } from "../shared/helpers";

const admin = (name: string, args: Record<string, unknown>) =>
  runCaptured<AdminResult[]>(name, { execute: false, ...args });

describe("admin tasks (vault:settings, vault:targets, vault:bands, vault:pause, vault:unpause)", () => {
  afterEach(() => {
    process.exitCode = 0;
  });

  it("vault:settings is a dry run by default: prints the change, simulates, sends nothing", async () => {
    const { vault, admin: owner } = await fundedVaultFixture();
    const nonce = await hre.ethers.provider.getTransactionCount(owner.address);
    const { out, err } = await admin("vault:settings", {
      vault: "funded",
      set: "maxSlippageBps=150,cooldownSeconds=600",
    });
    expect(err).to.equal("");
    expect(out).to.include("maxSlippageBps 100 → 150");
    expect(out).to.include("cooldownSeconds 3600 → 600");
    expect(out).to.match(/dry run: simulates cleanly as 0x[0-9a-f]{40}; pass --execute to send it/);
    expect((await vault.engineSettings()).maxSlippageBps).to.equal(100n);
    expect(await hre.ethers.provider.getTransactionCount(owner.address)).to.equal(nonce);
  });

  it("--execute sends it, and only the named fields change", async () => {
    const { vault } = await fundedVaultFixture();
    const before = await vault.engineSettings();
    const { out, result } = await admin("vault:settings", {
      vault: "funded",
      set: "maxSlippageBps=90,minTradeValue=500000000",
      execute: true,
    });
    // both tighten, so both apply at once
    expect(result!.map((r) => r.method)).to.deep.equal(["setEngineSettings", "setAmountSettings"]);
    expect(out).to.match(/sent 0x[0-9a-f]{64}: done/);
    const after = await vault.engineSettings();
    expect(after.maxSlippageBps).to.equal(90n);
    expect((await vault.amountSettings()).minTradeValue).to.equal(500n * 10n ** 6n);
    expect(after.cooldownSeconds).to.equal(before.cooldownSeconds);
    expect(after.rewardBps).to.equal(before.rewardBps);
  });

  it("a value the vault refuses fails in the simulation with the decoded error; nothing changes", async () => {
    const { vault } = await fundedVaultFixture();
    const { err } = await admin("vault:settings", {
      vault: "funded",
      set: "maxSlippageBps=9000",
      execute: true,
    });
    expect(err).to.match(
      /^Error: funded: setEngineSettings would revert with OutOfBounds\(maxSlippageBps, 9000, 1, (\d+)\): maxSlippageBps = 9000 is outside its bounds 1 … \1; nothing sent\.$/,
    );
    expect(process.exitCode).to.equal(1);
    expect((await vault.engineSettings()).maxSlippageBps).to.equal(100n);

    process.exitCode = 0;
    const t = await admin("vault:targets", { vault: "funded", targets: "5000,3000,3000", execute: true });
    expect(t.err).to.equal(
      "Error: funded: setTargets would revert with TargetsDoNotSum(11000): the targets sum to 11000 bps; they must sum to 10000; nothing sent.",
    );
    expect((await vault.targets())[0].map(Number)).to.deep.equal([4000, 3000, 3000]);
  });

  it("bad arguments: one line each, exit code 1", async () => {
    await hedgeFixture();
    const cases: [string, Record<string, unknown>, string][] = [
      [
        "vault:settings",
        { vault: "Hedge", set: "slippage=1" },
        "Error: --set: unknown setting 'slippage'; known: policy,",
      ],
      [
        "vault:settings",
        { vault: "Hedge", set: "maxSlippageBps=lots" },
        "Error: --set 'maxSlippageBps=lots' is not key=value",
      ],
      [
        "vault:targets",
        { vault: "Hedge", targets: "5000,5000" },
        "Error: setTargets needs a target-weight vault; Hedge is a delta-hedge vault.",
      ],
      [
        "vault:bands",
        { vault: "Hedge", abs: "5%", rel: "0" },
        "Error: --abs '5%' must be a comma-separated list",
      ],
      ["vault:pause", { vault: "nope" }, "Error: unknown vault 'nope' on hardhat"],
    ];
    for (const [name, args, message] of cases) {
      process.exitCode = 0;
      const { err } = await admin(name, args);
      expect(err.startsWith(message), `${name}: ${err}`).to.equal(true);
      expect(err.split("\n")).to.have.length(1);
      expect(process.exitCode).to.equal(1);
    }
  });

  it("pause twice sends once, unpause twice sends once: each reads the vault's real state first", async () => {
    const { vault, admin: owner } = await fundedVaultFixture();
    const nonce = () => hre.ethers.provider.getTransactionCount(owner.address);
    const n0 = await nonce();
    await admin("vault:pause", { vault: "funded", execute: true });
    expect(await vault.paused()).to.equal(true);
    expect(await nonce()).to.equal(n0 + 1);
    const again = await admin("vault:pause", { vault: "funded", execute: true });
    expect(again.out).to.equal(
      `vault funded (${await vault.getAddress()}) is already paused; nothing to send.`,
    );
    expect(again.result).to.deep.equal([]);
    expect(await nonce()).to.equal(n0 + 1);
    await admin("vault:unpause", { vault: "funded", execute: true });
    const twice = await admin("vault:unpause", { vault: "funded", execute: true });
    expect(twice.out).to.match(/is already unpaused; nothing to send\.$/);
    expect(await nonce()).to.equal(n0 + 2);
    expect(await vault.paused()).to.equal(false);
    expect(process.exitCode ?? 0).to.equal(0);
  });

  it("vault:settings takes enum names, and refuses a value its field cannot hold with one line, nothing sent", async () => {
    const { vault, admin: owner } = await fundedVaultFixture();
    const named = await admin("vault:settings", { vault: "funded", set: "policy=Threshold,mode=ToBandEdge" });
    expect(named.out).to.include("policy 2 → 1");
    expect(named.out).to.include("mode 0 → 1");
    const n0 = await hre.ethers.provider.getTransactionCount(owner.address);
    const cases: [string, string][] = [
      [
        "cooldownSeconds=99999999999",
        "Error: --set cooldownSeconds=99999999999 is out of range (a uint32: 0 … 4294967295); nothing sent.",
      ],
      [
        "maxSlippageBps=70000",
        "Error: --set maxSlippageBps=70000 is out of range (a uint16: 0 … 65535); nothing sent.",
      ],
      ["policy=7", "Error: --set policy=7 is out of range (one of Time, Threshold, Hybrid); nothing sent."],
      ["policy=Sometimes", "Error: --set policy=Sometimes: policy is one of Time, Threshold, Hybrid."],
    ];
    for (const [set, message] of cases) {
      process.exitCode = 0;
      const { out, err } = await admin("vault:settings", { vault: "funded", set, execute: true });
      expect(err, set).to.equal(message);
      expect(out, set).to.equal("");
      expect(process.exitCode, set).to.equal(1);
    }
    expect(await hre.ethers.provider.getTransactionCount(owner.address)).to.equal(n0);
    expect((await vault.engineSettings()).cooldownSeconds).to.equal(3600n);
  });

  it("vault:bands on a delta-hedged vault: one line naming its kind, nothing read or sent", async () => {
    await hedgeFixture();
    const { err } = await admin("vault:bands", { vault: "Hedge", abs: "500,500", rel: "0,0", execute: true });
    expect(err).to.equal("Error: setBands needs a target-weight vault; Hedge is a delta-hedge vault.");
    expect(process.exitCode).to.equal(1);
  });

  it("pause and unpause with --execute; targets and bands queued, then applied by the same command", async () => {
    const { vault } = await fundedVaultFixture();
    await admin("vault:pause", { vault: "funded", execute: true });
    expect(await vault.paused()).to.equal(true);
    await admin("vault:unpause", { vault: "funded", execute: true });
    expect(await vault.paused()).to.equal(false);
    const first = await admin("vault:targets", { vault: "funded", targets: "5000,2500,2500", execute: true });
    expect(first.out).to.match(/waits 86400 s: queueChange announces it now \(id 0x[0-9a-f]{64}\)/);
    const id = /id (0x[0-9a-f]{64})/.exec(first.out)![1];
    const eta = await vault.changeEta(id);
    expect(eta).to.be.greaterThan(0n);
    expect((await vault.targets())[0].map(Number)).to.deep.equal([4000, 3000, 3000]);
    // too early: one line, nothing sent
    process.exitCode = 0;
    const early = await admin("vault:targets", { vault: "funded", targets: "5000,2500,2500", execute: true });
    expect(early.err).to.equal(
      `Error: funded: setTargets is queued and applies from ${new Date(Number(eta) * 1000).toISOString()}; ` +
        `run the same command again then (or vault:cancel-change --id ${id}); nothing sent.`,
    );
    expect(process.exitCode).to.equal(1);
    process.exitCode = 0;
    await time.increaseTo(eta);
    await admin("vault:targets", { vault: "funded", targets: "5000,2500,2500", execute: true });
    expect((await vault.targets())[0].map(Number)).to.deep.equal([5000, 2500, 2500]);
    // widening a band applies at once; narrowing one is queued, and can be cancelled
    await admin("vault:bands", { vault: "funded", abs: "600,600,600", rel: "0,0,0", execute: true });
    expect((await vault.targets())[1].map(Number)).to.deep.equal([600, 600, 600]);
    const narrow = await admin("vault:bands", {
      vault: "funded",
      abs: "300,300,300",
      rel: "0,0,0",
      execute: true,
    });
    const bandsId = /id (0x[0-9a-f]{64})/.exec(narrow.out)![1];
    expect(await vault.changeEta(bandsId)).to.be.greaterThan(0n);
    await admin("vault:cancel-change", { vault: "funded", id: bandsId, execute: true });
    expect(await vault.changeEta(bandsId)).to.equal(0n);
    expect((await vault.targets())[1].map(Number)).to.deep.equal([600, 600, 600]);
  });

  it("when a timelock owns the vault: the dry run prints the proposal; --execute refuses", async () => {
    const { vault, admin: owner } = await fundedVaultFixture();
    // Any contract stands in for the timelock here; the hand-over to a real one is tested in deploy.spec.
    const timelock = await (
      await hre.ethers.getContractFactory("OptionBook")
    ).deploy(owner.address, owner.address);
    await (await vault.transferOwnership(await timelock.getAddress())).wait();
    // Ownable2Step: a contract owner must accept; impersonate it to finish the transfer.
    const tl = await timelock.getAddress();
    await hre.network.provider.send("hardhat_impersonateAccount", [tl]);
    await hre.network.provider.send("hardhat_setBalance", [tl, "0xde0b6b3a7640000"]);
    await (await vault.connect(await hre.ethers.getSigner(tl)).acceptOwnership()).wait();
    await hre.network.provider.send("hardhat_stopImpersonatingAccount", [tl]);

    const dry = await admin("vault:settings", { vault: "funded", set: "maxSlippageBps=150" });
    expect(dry.out).to.include(
      `the owner is ${tl.toLowerCase()}; as the owner, the call simulates cleanly. Schedule it there: target ${await vault.getAddress()}, value 0, data 0x`,
    );
    // a loosening change: what the timelock must send first is its announcement
    expect(dry.result![0].method).to.equal("queueChange");
    expect(dry.result![0].timelockProposal!.data).to.equal(
      vault.interface.encodeFunctionData("queueChange", [
        vault.interface.encodeFunctionData("setEngineSettings", [
          { ...demoVaultPreset().settings, maxSlippageBps: 150 },
        ]),
      ]),
    );
    const exec = await admin("vault:settings", { vault: "funded", set: "maxSlippageBps=150", execute: true });
    expect(exec.err).to.match(
      /^Error: the signer 0x[0-9a-f]{40} is not the owner 0x[0-9a-f]{40} \(a contract, e.g. the timelock\): have the owner make the call/,
    );
    expect((await vault.engineSettings()).maxSlippageBps).to.equal(100n);
  });
});
