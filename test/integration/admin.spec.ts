import { expect } from "chai";
import hre from "hardhat";
import { time } from "@nomicfoundation/hardhat-network-helpers";

import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { ZeroAddress, keccak256 } from "ethers";

import type { AdminResult, SafeBatch } from "../../src/admin/changes";
import { demoVaultPreset } from "../../src/vault/targetWeight";
import { fundedVaultFixture, hedgeFixture } from "../shared/fixtures";
import { runCaptured } from "../shared/helpers";
import { TIMELOCK_ARTIFACT } from "../../src/deploy/vaults";

const admin = (name: string, args: Record<string, unknown>) =>
  runCaptured<AdminResult[]>(name, { dryRun: false, signer: "deployer", ...args });

/** Hands the vault's ownership to `to` (Ownable2Step: the contract accepts, impersonated). */
async function handOver(
  vault: { transferOwnership(a: string): Promise<{ wait(): Promise<unknown> }>; connect(s: never): unknown },
  to: string,
): Promise<string> {
  await (await vault.transferOwnership(to)).wait();
  await hre.network.provider.send("hardhat_impersonateAccount", [to]);
  await hre.network.provider.send("hardhat_setBalance", [to, "0xde0b6b3a7640000"]);
  const v = vault.connect((await hre.ethers.getSigner(to)) as never) as {
    acceptOwnership(): Promise<{ wait(): Promise<unknown> }>;
  };
  await (await v.acceptOwnership()).wait();
  return to;
}

describe("admin tasks (vault:settings, vault:targets, vault:bands, vault:pause, vault:unpause)", () => {
  afterEach(() => {
    process.exitCode = 0;
  });

  it("vault:settings --dry-run prints the change, simulates, sends nothing", async () => {
    const { vault, admin: owner } = await fundedVaultFixture();
    const nonce = await hre.ethers.provider.getTransactionCount(owner.address);
    const { out, err } = await admin("vault:settings", {
      vault: "funded",
      set: "maxSlippageBps=150,cooldownSeconds=600",
      dryRun: true,
    });
    expect(err).to.equal("");
    expect(out).to.include("maxSlippageBps 100 → 150");
    expect(out).to.include("cooldownSeconds 3600 → 600");
    expect(out).to.match(
      /dry run: simulates cleanly as 0x[0-9a-fA-F]{40}; run it without --dry-run to send it/,
    );
    expect((await vault.engineSettings()).maxSlippageBps).to.equal(100n);
    expect(await hre.ethers.provider.getTransactionCount(owner.address)).to.equal(nonce);
  });

  it("sends by default (the convention of every state-changing task), and only the named fields change", async () => {
    const { vault } = await fundedVaultFixture();
    const before = await vault.engineSettings();
    const { out, result } = await admin("vault:settings", {
      vault: "funded",
      set: "maxSlippageBps=90,minTradeValue=500000000",
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
    });
    expect(err).to.match(
      /^Error: funded: setEngineSettings would revert with OutOfBounds\(maxSlippageBps, 9000, 1, (\d+)\): maxSlippageBps = 9000 is outside its bounds 1 … \1; nothing sent\.$/,
    );
    expect(process.exitCode).to.equal(1);
    expect((await vault.engineSettings()).maxSlippageBps).to.equal(100n);

    process.exitCode = 0;
    const t = await admin("vault:targets", { vault: "funded", targets: "5000,3000,3000" });
    expect(t.err).to.equal(
      "Error: funded: setTargets would revert with TargetsDoNotSum(11000): the targets sum to 11000 bps; they must sum to 10000; nothing sent.",
    );
    expect((await vault.targets())[0].map(Number)).to.deep.equal([4000, 3000, 3000]);

    // A count that does not match names the vault's assets, in order.
    process.exitCode = 0;
    const c = await admin("vault:targets", { vault: "funded", targets: "5000,5000" });
    expect(c.err).to.equal(
      "Error: funded: setTargets would revert with InvalidAssetCount(2): 2 values given; the vault has 3 assets, in order USDC, WETH, WBTC; nothing sent.",
    );
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
    await admin("vault:pause", { vault: "funded" });
    expect(await vault.paused()).to.equal(true);
    expect(await nonce()).to.equal(n0 + 1);
    const again = await admin("vault:pause", { vault: "funded" });
    expect(again.out).to.equal(
      `vault funded (${await vault.getAddress()}) is already paused; nothing to send.`,
    );
    expect(again.result).to.deep.equal([]);
    expect(await nonce()).to.equal(n0 + 1);
    await admin("vault:unpause", { vault: "funded" });
    const twice = await admin("vault:unpause", { vault: "funded" });
    expect(twice.out).to.match(/is already unpaused; nothing to send\.$/);
    expect(await nonce()).to.equal(n0 + 2);
    expect(await vault.paused()).to.equal(false);
    expect(process.exitCode ?? 0).to.equal(0);
  });

  it("vault:settings takes enum names, and refuses a value its field cannot hold with one line, nothing sent", async () => {
    const { vault, admin: owner } = await fundedVaultFixture();
    const named = await admin("vault:settings", {
      vault: "funded",
      set: "policy=Threshold,mode=ToBandEdge",
      dryRun: true,
    });
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
      const { out, err } = await admin("vault:settings", { vault: "funded", set });
      expect(err, set).to.equal(message);
      expect(out, set).to.equal("");
      expect(process.exitCode, set).to.equal(1);
    }
    expect(await hre.ethers.provider.getTransactionCount(owner.address)).to.equal(n0);
    expect((await vault.engineSettings()).cooldownSeconds).to.equal(3600n);
  });

  it("vault:bands on a delta-hedged vault: one line naming its kind, nothing read or sent", async () => {
    await hedgeFixture();
    const { err } = await admin("vault:bands", { vault: "Hedge", abs: "500,500", rel: "0,0" });
    expect(err).to.equal("Error: setBands needs a target-weight vault; Hedge is a delta-hedge vault.");
    expect(process.exitCode).to.equal(1);
  });

  it("pause and unpause; targets and bands queued, then applied by the same command", async () => {
    const { vault } = await fundedVaultFixture();
    await admin("vault:pause", { vault: "funded" });
    expect(await vault.paused()).to.equal(true);
    await admin("vault:unpause", { vault: "funded" });
    expect(await vault.paused()).to.equal(false);
    const first = await admin("vault:targets", { vault: "funded", targets: "5000,2500,2500" });
    expect(first.out).to.match(
      /waits 1 d: queueChange announces it now \(id 0x[0-9a-f]{64}\); run the same command again from \S+Z \(in 24 h\) to apply it/,
    );
    const id = /id (0x[0-9a-f]{64})/.exec(first.out)![1];
    const eta = await vault.changeEta(id);
    expect(eta).to.be.greaterThan(0n);
    expect((await vault.targets())[0].map(Number)).to.deep.equal([4000, 3000, 3000]);
    // too early: one line, nothing sent
    process.exitCode = 0;
    const early = await admin("vault:targets", { vault: "funded", targets: "5000,2500,2500" });
    expect(early.err).to.equal(
      `Error: funded: setTargets is queued and applies from ${new Date(Number(eta) * 1000).toISOString().replace(".000Z", "Z")} (in 24 h); ` +
        `run the same command again then (or vault:cancel-change --id ${id}); nothing sent.`,
    );
    expect(process.exitCode).to.equal(1);
    process.exitCode = 0;
    await time.increaseTo(eta);
    await admin("vault:targets", { vault: "funded", targets: "5000,2500,2500" });
    expect((await vault.targets())[0].map(Number)).to.deep.equal([5000, 2500, 2500]);
    // widening a band applies at once; narrowing one is queued, and can be cancelled
    await admin("vault:bands", { vault: "funded", abs: "600,600,600", rel: "0,0,0" });
    expect((await vault.targets())[1].map(Number)).to.deep.equal([600, 600, 600]);
    const narrow = await admin("vault:bands", {
      vault: "funded",
      abs: "300,300,300",
      rel: "0,0,0",
    });
    const bandsId = /id (0x[0-9a-f]{64})/.exec(narrow.out)![1];
    expect(await vault.changeEta(bandsId)).to.be.greaterThan(0n);
    await admin("vault:cancel-change", { vault: "funded", id: bandsId });
    expect(await vault.changeEta(bandsId)).to.equal(0n);
    expect((await vault.targets())[1].map(Number)).to.deep.equal([600, 600, 600]);
  });

  it("an owner that is a contract (a multisig): the deployer's send is refused in one line; --signer unsigned writes its Safe batch", async () => {
    const { vault, admin: owner } = await fundedVaultFixture();
    // Any contract without getMinDelay stands in for a Safe here.
    const safe = await (
      await hre.ethers.getContractFactory("OptionBook")
    ).deploy(owner.address, owner.address);
    const sa = await handOver(vault, await safe.getAddress());
    const n0 = await hre.ethers.provider.getTransactionCount(owner.address);

    const refused = await admin("vault:settings", { vault: "funded", set: "maxSlippageBps=90" });
    expect(refused.err).to.equal(
      `Error: the signer ${owner.address} is not the owner ${sa} (a contract: a timelock or a multisig): ` +
        "pass --signer unsigned to write the transaction for it; nothing sent.",
    );
    const out = path.join(os.tmpdir(), `ballast-batch-${process.pid}.json`);
    process.exitCode = 0;
    const u = await admin("vault:settings", {
      vault: "funded",
      set: "maxSlippageBps=150",
      signer: "unsigned",
      out,
    });
    expect(u.err).to.equal("");
    expect(u.out).to.include(
      `unsigned: simulated as the owner ${sa}; Safe Transaction Builder batch written to ${out}`,
    );
    const batch = JSON.parse(fs.readFileSync(out, "utf8")) as SafeBatch;
    fs.rmSync(out);
    // A loosening change: what the multisig must send first is its announcement.
    const inner = vault.interface.encodeFunctionData("setEngineSettings", [
      { ...demoVaultPreset().settings, maxSlippageBps: 150 },
    ]);
    expect(batch).to.deep.include({ version: "1.0", chainId: "31337" });
    expect(batch.meta.createdFromSafeAddress).to.equal(sa);
    expect(batch.transactions).to.deep.equal([
      {
        to: await vault.getAddress(),
        value: "0",
        data: vault.interface.encodeFunctionData("queueChange", [inner]),
      },
    ]);
    expect(await hre.ethers.provider.getTransactionCount(owner.address)).to.equal(n0);
    expect((await vault.engineSettings()).maxSlippageBps).to.equal(100n);
    // The batch is what the owner can send: sent from the multisig's address, the change is queued.
    await hre.network.provider.send("hardhat_impersonateAccount", [sa]);
    await (await hre.ethers.getSigner(sa)).sendTransaction(batch.transactions[0]);
    expect(await vault.changeEta(keccak256(inner))).to.be.greaterThan(0n);
  });

  it("an owner that is a TimelockController: the unsigned batch schedules the call on it, and the printed execute applies it", async () => {
    const { vault, admin: owner } = await fundedVaultFixture();
    const artifact = TIMELOCK_ARTIFACT;
    const proposer = (await hre.ethers.getSigners())[6];
    const timelock = await new hre.ethers.ContractFactory(
      artifact.abi as never,
      artifact.bytecode,
      owner,
    ).deploy(3600, [proposer.address], [proposer.address], ZeroAddress);
    const tl = await handOver(vault, await timelock.getAddress());
    const u = await admin("vault:settings", {
      vault: "funded",
      set: "maxSlippageBps=90",
      signer: "unsigned",
    });
    expect(u.err).to.equal("");
    const batch = u.result![0].unsigned!;
    expect(batch.meta.createdFromSafeAddress).to.equal(""); // the proposer's Safe, which the tools do not know
    expect(batch.transactions[0].to).to.equal(tl);
    const exec = /execute it with data (0x[0-9a-f]+)/.exec(u.out)![1];
    // The proposer sends the batch, waits out the delay, then executes: the setting is in force.
    await (await proposer.sendTransaction(batch.transactions[0])).wait();
    await time.increase(3600);
    await (await proposer.sendTransaction({ to: tl, data: exec })).wait();
    expect((await vault.engineSettings()).maxSlippageBps).to.equal(90n);
  });

  it("--signer guardian: pauses with the guardian's own account, refuses an owner's change in one line", async () => {
    const { vault, guardian, admin: owner } = await fundedVaultFixture();
    const g0 = await hre.ethers.provider.getTransactionCount(guardian.address);
    const p = await admin("vault:pause", { vault: "funded", signer: "guardian" });
    expect(p.err).to.equal("");
    expect(await vault.paused()).to.equal(true);
    expect(await hre.ethers.provider.getTransactionCount(guardian.address)).to.equal(g0 + 1);
    process.exitCode = 0;
    const n0 = await hre.ethers.provider.getTransactionCount(owner.address);
    const s = await admin("vault:settings", {
      vault: "funded",
      set: "maxSlippageBps=90",
      signer: "guardian",
    });
    expect(s.err).to.equal(
      "Error: setEngineSettings is the owner's: the guardian may only pause and cancel queued changes. Use --signer deployer, ledger or unsigned.",
    );
    expect(s.out).to.equal("");
    expect(await hre.ethers.provider.getTransactionCount(guardian.address)).to.equal(g0 + 1);
    expect(await hre.ethers.provider.getTransactionCount(owner.address)).to.equal(n0);
  });

  it("signer mistakes: one line each, exit 1, nothing sent", async () => {
    const { vault, admin: owner } = await fundedVaultFixture();
    const n0 = await hre.ethers.provider.getTransactionCount(owner.address);
    const cases: [Record<string, unknown>, string][] = [
      [{ signer: "trezor" }, "Error: --signer 'trezor' is not one of deployer, guardian, ledger, unsigned."],
      [{ out: "x.json" }, "Error: --out is for --signer unsigned (the batch file); other signers send."],
      [
        { signer: "unsigned", out: "/nonexistent-dir/batch.json" },
        "Error: cannot write --out /nonexistent-dir/batch.json: ENOENT; nothing sent.",
      ],
      [
        { signer: "ledger" },
        "Error: LEDGER_ACCOUNT is not set: it names the Ledger address that signs with --signer ledger. Export it (see .env.example) and retry.",
      ],
    ];
    for (const [flags, line] of cases) {
      process.exitCode = 0;
      const { err } = await admin("vault:pause", { vault: "funded", ...flags });
      expect(
        err.split("\n").filter((l) => l.startsWith("Error:")),
        JSON.stringify(flags),
      ).to.deep.equal([line]);
      expect(process.exitCode).to.equal(1);
    }
    expect(await hre.ethers.provider.getTransactionCount(owner.address)).to.equal(n0);
    expect(await vault.paused()).to.equal(false);
  });
  describe("the delta-hedged vault's own parameters", () => {
    it("vault:volatility, vault:rate, vault:target-delta, vault:band, vault:book-limits: strategist's units in, the contract's integers out", async () => {
      const { vault } = await hedgeFixture();
      const vol = await vault.volatility();
      const dry = await admin("vault:volatility", {
        vault: "Hedge",
        set: "sigma=90%,maxStaleness=2h",
        dryRun: true,
      });
      expect(dry.err).to.equal("");
      expect(vol.sigmaWad).to.equal(8n * 10n ** 17n); // the demo preset's 80 %
      expect(dry.out).to.include("sigmaWad 0.8 (80.0%) → 0.9 (90.0%)");
      expect(dry.out).to.include("maxStalenessSeconds");
      expect((await vault.volatility()).sigmaWad).to.equal(vol.sigmaWad); // a dry run
      await admin("vault:volatility", { vault: "Hedge", set: "sigma=90%,maxStaleness=2h" });
      const after = await vault.volatility();
      expect(after.sigmaWad).to.equal(9n * 10n ** 17n);
      expect(after.maxStalenessSeconds).to.equal(7200n);
      expect(after.minSigmaWad).to.equal(vol.minSigmaWad); // the rest as it was
      expect(after.feed).to.equal(vol.feed);

      const r = await admin("vault:rate", { vault: "Hedge", rate: "5%" });
      expect(r.err).to.equal("");
      expect(await vault.rateWad()).to.equal(5n * 10n ** 16n);
      await admin("vault:target-delta", { vault: "Hedge", delta: "-0.5" });
      expect(await vault.targetDeltaWad()).to.equal(-5n * 10n ** 17n);
      const b = await admin("vault:band", { vault: "Hedge", set: "policy=RelativeToGross,relativeBps=150" });
      expect(b.out).to.include("policy Absolute → RelativeToGross");
      const band = await vault.band();
      expect([band.policy, band.relativeBps]).to.deep.equal([1n, 150n]);
      await admin("vault:book-limits", { vault: "Hedge", set: "expiryUnwind=2d" });
      expect((await vault.bookLimits()).expiryUnwindSeconds).to.equal(2n * 86400n);
      // status shows what was set.
      const { out } = await runCaptured("status", { vault: "Hedge", json: false });
      expect(out).to.match(
        /σ set at 90% within .*; r 5%; band RelativeToGross 150 bps of the book's gross size, .*expiry unwind 2 d/,
      );
    });

    it("vault:book points the hedge at another book; the status follows it", async () => {
      const { vault, admin: owner } = await hedgeFixture();
      const other = await (
        await hre.ethers.getContractFactory("OptionBook")
      ).deploy(owner.address, owner.address);
      const to = await other.getAddress();
      const { out, err } = await admin("vault:book", { vault: "Hedge", book: to });
      expect(err).to.equal("");
      expect(out).to.include(`→ ${to}`);
      expect(await vault.book()).to.equal(to);
    });

    it("mistakes: one line each, exit 1, nothing sent", async () => {
      const { vault, admin: owner } = await hedgeFixture();
      const n0 = await hre.ethers.provider.getTransactionCount(owner.address);
      const rate = await vault.rateWad();
      const cases: [string, Record<string, unknown>, string][] = [
        [
          "vault:rate",
          { vault: "Hedge", rate: "fast" },
          "Error: --rate 'fast' is not a number or a percentage, e.g. 0.8 or 80%.",
        ],
        [
          "vault:rate",
          { vault: "Hedge", rate: "200%" },
          "Error: Hedge: setRate would revert with OutOfBounds(rateWad, 2000000000000000000, 0, 1000000000000000000): rateWad = 2.0 is outside its bounds 0.0 … 1.0; nothing sent.",
        ],
        [
          "vault:band",
          { vault: "Hedge", set: "relativeBps=70000" },
          "Error: --set relativeBps=70000 is out of range (a uint16: 0 … 65535); nothing sent.",
        ],
        [
          "vault:band",
          { vault: "Hedge", set: "policy=Wide" },
          "Error: policy 'Wide' is one of Absolute, RelativeToGross, WhalleyWilmott.",
        ],
        [
          "vault:volatility",
          { vault: "Hedge", set: "vol=1" },
          "Error: --set: unknown key 'vol'; known: feed, maxStaleness, sigma, minSigma, maxSigma.",
        ],
        [
          "vault:book",
          { vault: "Hedge", book: "0x1234" },
          "Error: --book '0x1234' is not an address (0x + 40 hex digits).",
        ],
        [
          "vault:target-delta",
          { vault: "Hedge", delta: "1e3" },
          "Error: --delta '1e3' is not an amount of the underlying, e.g. 0.5 or -2.",
        ],
      ];
      for (const [name, flags, line] of cases) {
        process.exitCode = 0;
        const { err } = await admin(name, flags);
        expect(err, name).to.equal(line);
        expect(process.exitCode, name).to.equal(1);
      }
      expect(await vault.rateWad()).to.equal(rate);
      expect(await hre.ethers.provider.getTransactionCount(owner.address)).to.equal(n0);
    });

    it("a hedge parameter on a target-weight vault: one line naming its kind", async () => {
      await fundedVaultFixture();
      const { err } = await admin("vault:rate", { vault: "funded", rate: "4%" });
      expect(err).to.equal("Error: setRate needs a delta-hedge vault; funded is a target-weight vault.");
      expect(process.exitCode).to.equal(1);
    });
  });
});
