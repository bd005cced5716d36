import { expect } from "chai";
import hre from "hardhat";

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
      set: "maxSlippageBps=150,minTradeValue=5000000",
      execute: true,
    });
    expect(result!.map((r) => r.method)).to.deep.equal(["setEngineSettings", "setAmountSettings"]);
    expect(out).to.match(/sent 0x[0-9a-f]{64}: done/);
    const after = await vault.engineSettings();
    expect(after.maxSlippageBps).to.equal(150n);
    expect(after.cooldownSeconds).to.equal(before.cooldownSeconds);
    expect(after.rewardBps).to.equal(before.rewardBps);
    expect((await vault.amountSettings()).minTradeValue).to.equal(5_000_000n);
  });

  it("a value the vault refuses fails in the simulation with the decoded error; nothing changes", async () => {
    const { vault } = await fundedVaultFixture();
    const { err } = await admin("vault:settings", {
      vault: "funded",
      set: "maxSlippageBps=9000",
      execute: true,
    });
    expect(err).to.match(
      /^Error: funded: setEngineSettings would revert with OutOfBounds\(maxSlippageBps, 9000, \d+, \d+\); nothing sent\.$/,
    );
    expect(process.exitCode).to.equal(1);
    expect((await vault.engineSettings()).maxSlippageBps).to.equal(100n);

    process.exitCode = 0;
    const t = await admin("vault:targets", { vault: "funded", targets: "5000,3000,3000", execute: true });
    expect(t.err).to.equal(
      "Error: funded: proposeTargets would revert with TargetsDoNotSum(11000); nothing sent.",
    );
    const [, eta] = await vault.pendingTargets();
    expect(eta).to.equal(0n);
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
        "Error: proposeTargets needs a target-weight vault; Hedge is a delta-hedge vault.",
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

  it("pause and unpause with --execute; targets proposed and bands set on a target-weight vault", async () => {
    const { vault } = await fundedVaultFixture();
    await admin("vault:pause", { vault: "funded", execute: true });
    expect(await vault.paused()).to.equal(true);
    await admin("vault:unpause", { vault: "funded", execute: true });
    expect(await vault.paused()).to.equal(false);
    await admin("vault:targets", { vault: "funded", targets: "5000,2500,2500", execute: true });
    const [pending, eta] = await vault.pendingTargets();
    expect(pending.map(Number)).to.deep.equal([5000, 2500, 2500]);
    expect(eta).to.be.greaterThan(0n);
    await admin("vault:bands", { vault: "funded", abs: "300,300,300", rel: "0,0,0", execute: true });
    const [, abs] = await vault.targets();
    expect(abs.map(Number)).to.deep.equal([300, 300, 300]);
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
    expect(dry.result![0].timelockProposal!.data).to.equal(
      vault.interface.encodeFunctionData("setEngineSettings", [
        { ...demoVaultPreset().settings, maxSlippageBps: 150 },
      ]),
    );
    const exec = await admin("vault:settings", { vault: "funded", set: "maxSlippageBps=150", execute: true });
    expect(exec.err).to.match(
      /^Error: the signer 0x[0-9a-f]{40} is not the owner 0x[0-9a-f]{40} \(a contract, e.g. the timelock\): have the owner make the call/,
    );
    expect((await vault.engineSettings()).maxSlippageBps).to.equal(100n);
  });
});
