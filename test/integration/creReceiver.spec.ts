import { expect } from "chai";
import hre from "hardhat";
import {
  dataSlice,
  hexlify,
  parseUnits,
  randomBytes,
  toQuantity,
  Wallet,
  type Signer,
  type TransactionReceipt,
} from "ethers";

import { type RebalanceReport, type WorkflowIdentity, workflowName10 } from "../../src/keeper/cre";
import type { ILeverageVault, ITargetWeightVault, RebalanceReceiver } from "../../typechain-types";
import { type TestDon, type SignedReport, deployDon, signReport } from "../shared/don";
import {
  type VaultFixture,
  balancedVaultFixture,
  fundedVaultFixture,
  leverageFixture,
} from "../shared/fixtures";
import { movePrices } from "../../src/market/localMarket";

/**
 * CRE's write path end to end on the local market's real Uniswap V3: a test DON signs reports, Chainlink's
 * real KeystoneForwarder checks the signatures and calls RebalanceReceiver.onReport, which calls the
 * vault's permissionless rebalance(). Every refusal is asserted to leave the vault's holdings, supply and
 * state, the receiver's and the payee's balances as they were, and to say why.
 */

const WORKFLOW_OWNER = Wallet.createRandom().address;
const WORKFLOW: WorkflowIdentity = {
  id: hexlify(randomBytes(32)),
  name: workflowName10("ballast"),
  owner: WORKFLOW_OWNER,
};
const TransmissionState = { NOT_ATTEMPTED: 0n, SUCCEEDED: 1n, FAILED: 2n };

interface Setup extends VaultFixture {
  don: TestDon;
  receiver: RebalanceReceiver;
  payee: string;
}

async function setup(base: VaultFixture): Promise<Setup> {
  const don = await deployDon(base.admin);
  const payee = Wallet.createRandom().address;
  const receiver = await hre.ethers.deployContract(
    "RebalanceReceiver",
    [await don.forwarder.getAddress(), base.admin.address, WORKFLOW, payee],
    base.admin,
  );
  await (await receiver.setVault(await base.vault.getAddress(), true)).wait();
  return { ...base, don, receiver, payee };
}

/** What a refusal must leave untouched. */
async function holdings(s: Setup): Promise<string> {
  const vault = await s.vault.getAddress();
  const out: unknown[] = [await s.vault.totalSupply(), (await s.vault.engineState()).lastRebalanceAt];
  for (const symbol of ["USDC", "WETH", "WBTC"]) {
    const token = s.market.tokens[symbol];
    out.push(
      await token.balanceOf(vault),
      await token.balanceOf(await s.receiver.getAddress()),
      await token.balanceOf(s.payee),
    );
  }
  return out.map(String).join();
}

const now = async () => BigInt((await hre.ethers.provider.getBlock("latest"))!.timestamp);

async function reportFor(
  vault: ITargetWeightVault,
  overrides: Partial<RebalanceReport> = {},
): Promise<RebalanceReport> {
  return {
    vault: await vault.getAddress(),
    lastRebalanceAt: (await vault.engineState()).lastRebalanceAt,
    deadline: (await now()) + 600n,
    ...overrides,
  };
}

const deliver = (s: Setup, signed: SignedReport, transmitter: Signer, receiver?: string) =>
  s.don.forwarder
    .connect(transmitter)
    .report(receiver ?? s.receiver.getAddress(), signed.rawReport, signed.reportContext, signed.signatures);

/** The receiver's ReportExecuted event in a delivery's receipt. */
function reportExecuted(s: Setup, receipt: TransactionReceipt) {
  for (const l of receipt.logs) {
    if (l.address.toLowerCase() !== String(s.receiver.target).toLowerCase()) continue;
    const e = s.receiver.interface.parseLog(l);
    if (e?.name === "ReportExecuted") return e;
  }
  throw new Error("no ReportExecuted in the receipt");
}

/** The receiver's own answer to a delivered report (the forwarder records a failure but not why). */
async function whyRefused(s: Setup, signed: SignedReport) {
  const forwarder = await s.don.forwarder.getAddress();
  await hre.network.provider.send("hardhat_impersonateAccount", [forwarder]);
  await hre.network.provider.send("hardhat_setBalance", [forwarder, toQuantity(10n ** 18n)]);
  const asForwarder = await hre.ethers.getSigner(forwarder);
  const metadata = dataSlice(signed.rawReport, 45, 109);
  const report = dataSlice(signed.rawReport, 109);
  return s.receiver.connect(asForwarder).onReport.staticCall(metadata, report);
}

describe("CRE: KeystoneForwarder → RebalanceReceiver → rebalance()", () => {
  it("a due vault rebalances on a report the DON signed; the reward goes to the payee", async () => {
    const s = await setup(await fundedVaultFixture());
    // The same rebalance sent straight by a keeper, for the CRE path's overhead (then undone).
    const snap = await hre.network.provider.send("evm_snapshot", []);
    const direct = (await (await s.vault.connect(s.keeper).rebalance()).wait())!.gasUsed;
    await hre.network.provider.send("evm_revert", [snap]);
    const signed = signReport(s.don, WORKFLOW, await reportFor(s.vault));
    const usdc = s.market.tokens.USDC;
    const tx = deliver(s, signed, s.keeper);
    await expect(tx)
      .to.emit(s.don.forwarder, "ReportProcessed")
      .withArgs(await s.receiver.getAddress(), signed.executionId, "0x0001", true);
    await expect(tx).to.emit(s.vault, "Rebalanced");
    const receipt = await (await tx).wait();
    console.log(
      `      forwarder.report → onReport → rebalance(): ${receipt!.gasUsed.toLocaleString("en-US")} gas; ` +
        `rebalance() sent directly: ${direct.toLocaleString("en-US")} (3-asset demo vault, 2 signatures)`,
    );
    const executed = reportExecuted(s, receipt!);
    const reward = executed.args.reward as bigint;
    expect(reward).to.be.gt(0n);
    expect(executed.args.vault).to.equal(await s.vault.getAddress());
    expect(executed.args.workflowId).to.equal(WORKFLOW.id);
    expect(await usdc.balanceOf(s.payee)).to.equal(reward);
    expect(await usdc.balanceOf(await s.receiver.getAddress())).to.equal(0n); // it keeps nothing
    expect((await s.vault.engineState()).lastRebalanceAt).to.equal(await now());
    expect(
      await s.don.forwarder.getTransmissionState(await s.receiver.getAddress(), signed.executionId, "0x0001"),
    ).to.equal(TransmissionState.SUCCEEDED);
  });

  describe("refusals: each changes nothing and says why", () => {
    it("too few signatures (f + 1 are needed)", async () => {
      const s = await setup(await fundedVaultFixture());
      const signed = signReport(s.don, WORKFLOW, await reportFor(s.vault), { by: s.don.signers.slice(0, 1) });
      const before = await holdings(s);
      await expect(deliver(s, signed, s.keeper))
        .to.be.revertedWithCustomError(s.don.forwarder, "InvalidSignatureCount")
        .withArgs(2, 1);
      expect(await holdings(s)).to.equal(before);
    });

    it("a signer outside the DON, or one DON key signing twice", async () => {
      const s = await setup(await fundedVaultFixture());
      const stranger = new Wallet(hexlify(randomBytes(32)));
      const report = await reportFor(s.vault);
      const before = await holdings(s);
      await expect(
        deliver(s, signReport(s.don, WORKFLOW, report, { by: [s.don.signers[0], stranger] }), s.keeper),
      )
        .to.be.revertedWithCustomError(s.don.forwarder, "InvalidSigner")
        .withArgs(stranger.address);
      await expect(
        deliver(
          s,
          signReport(s.don, WORKFLOW, report, { by: [s.don.signers[0], s.don.signers[0]] }),
          s.keeper,
        ),
      )
        .to.be.revertedWithCustomError(s.don.forwarder, "DuplicateSigner")
        .withArgs(s.don.signers[0].address);
      expect(await holdings(s)).to.equal(before);
    });

    it("a report from another workflow: another owner, another id, another name", async () => {
      const s = await setup(await fundedVaultFixture());
      const report = await reportFor(s.vault);
      const before = await holdings(s);
      const others: WorkflowIdentity[] = [
        { ...WORKFLOW, owner: Wallet.createRandom().address },
        { ...WORKFLOW, id: hexlify(randomBytes(32)) },
        { ...WORKFLOW, name: workflowName10("other") },
      ];
      for (const w of others) {
        const signed = signReport(s.don, w, report);
        await expect(deliver(s, signed, s.keeper))
          .to.emit(s.don.forwarder, "ReportProcessed")
          .withArgs(await s.receiver.getAddress(), signed.executionId, "0x0001", false);
        await expect(whyRefused(s, signed))
          .to.be.revertedWithCustomError(s.receiver, "WrongWorkflow")
          .withArgs(w.id, w.name, hre.ethers.getAddress(w.owner));
      }
      expect(await holdings(s)).to.equal(before);
    });

    it("a replay: the same delivery again, and the same report in a new execution after the vault rebalanced", async () => {
      const s = await setup(await fundedVaultFixture());
      const report = await reportFor(s.vault);
      const signed = signReport(s.don, WORKFLOW, report);
      await (await deliver(s, signed, s.keeper)).wait();
      const before = await holdings(s);
      const id = await s.don.forwarder.getTransmissionId(
        await s.receiver.getAddress(),
        signed.executionId,
        "0x0001",
      );
      await expect(deliver(s, signed, s.stranger))
        .to.be.revertedWithCustomError(s.don.forwarder, "AlreadyAttempted")
        .withArgs(id);
      // Re-signed under a new execution id: the receiver sees the vault moved on since the workflow looked.
      const again = signReport(s.don, WORKFLOW, report);
      await expect(deliver(s, again, s.stranger))
        .to.emit(s.don.forwarder, "ReportProcessed")
        .withArgs(await s.receiver.getAddress(), again.executionId, "0x0001", false);
      await expect(whyRefused(s, again))
        .to.be.revertedWithCustomError(s.receiver, "ReportSuperseded")
        .withArgs(await s.vault.getAddress(), 0, (await s.vault.engineState()).lastRebalanceAt);
      expect(await holdings(s)).to.equal(before);
    });

    it("a vault that is not due: the vault's own reason", async () => {
      const s = await setup(await balancedVaultFixture());
      const signed = signReport(s.don, WORKFLOW, await reportFor(s.vault));
      const before = await holdings(s);
      await expect(deliver(s, signed, s.keeper))
        .to.emit(s.don.forwarder, "ReportProcessed")
        .withArgs(await s.receiver.getAddress(), signed.executionId, "0x0001", false);
      await expect(whyRefused(s, signed)).to.be.revertedWithCustomError(s.vault, "RebalanceNotDue");
      expect(await holdings(s)).to.equal(before);
      expect(
        await s.don.forwarder.getTransmissionState(
          await s.receiver.getAddress(),
          signed.executionId,
          "0x0001",
        ),
      ).to.equal(TransmissionState.FAILED);
    });

    it("a wrong forwarder: another real forwarder with the same DON keys, and a direct call", async () => {
      const s = await setup(await fundedVaultFixture());
      const rogue = await deployDon(s.stranger);
      // The rogue forwarder trusts the same keys, so the signatures pass there; the receiver does not.
      await (
        await rogue.forwarder.connect(s.stranger).setConfig(
          s.don.donId,
          s.don.configVersion,
          s.don.f,
          s.don.signers.map((w) => w.address),
        )
      ).wait();
      const signed = signReport(s.don, WORKFLOW, await reportFor(s.vault));
      const before = await holdings(s);
      await expect(
        rogue.forwarder
          .connect(s.stranger)
          .report(await s.receiver.getAddress(), signed.rawReport, signed.reportContext, signed.signatures),
      )
        .to.emit(rogue.forwarder, "ReportProcessed")
        .withArgs(await s.receiver.getAddress(), signed.executionId, "0x0001", false);
      await expect(
        s.receiver
          .connect(s.stranger)
          .onReport(dataSlice(signed.rawReport, 45, 109), dataSlice(signed.rawReport, 109)),
      )
        .to.be.revertedWithCustomError(s.receiver, "NotForwarder")
        .withArgs(s.stranger.address);
      expect(await holdings(s)).to.equal(before);
    });

    it("an expired report, an unlisted vault, and a malformed report", async () => {
      const s = await setup(await fundedVaultFixture());
      const before = await holdings(s);
      const expired = signReport(s.don, WORKFLOW, await reportFor(s.vault, { deadline: (await now()) - 1n }));
      await expect(whyRefused(s, expired))
        .to.be.revertedWithCustomError(s.receiver, "ReportExpired")
        .withArgs((await now()) - 1n);
      await (await s.receiver.setVault(await s.vault.getAddress(), false)).wait();
      const unlisted = signReport(s.don, WORKFLOW, await reportFor(s.vault));
      await expect(deliver(s, unlisted, s.keeper))
        .to.emit(s.don.forwarder, "ReportProcessed")
        .withArgs(await s.receiver.getAddress(), unlisted.executionId, "0x0001", false);
      await expect(whyRefused(s, unlisted))
        .to.be.revertedWithCustomError(s.receiver, "UnknownVault")
        .withArgs(await s.vault.getAddress());
      const forwarder = await hre.ethers.getSigner(await s.don.forwarder.getAddress());
      await expect(
        s.receiver.connect(forwarder).onReport.staticCall(dataSlice(unlisted.rawReport, 45, 100), "0x"),
      )
        .to.be.revertedWithCustomError(s.receiver, "InvalidMetadata")
        .withArgs(55);
      await expect(
        s.receiver.connect(forwarder).onReport.staticCall(dataSlice(unlisted.rawReport, 45, 109), "0x1234"),
      )
        .to.be.revertedWithCustomError(s.receiver, "InvalidReport")
        .withArgs(2);
      expect(await holdings(s)).to.equal(before);
    });
  });

  describe("ripcord reports (leverage vaults)", () => {
    const levFixture = leverageFixture("levCre");

    /** A 2× leverage vault the price has pushed to ≈ 3.3×, past its 2.7× ripcord bound, with a receiver. */
    async function pastTheRipcord(): Promise<Setup> {
      const f = await levFixture();
      await (await f.vault.connect(f.alice).deposit(parseUnits("5", 18), f.alice.address)).wait();
      await (await f.vault.connect(f.keeper).rebalance()).wait();
      await hre.network.provider.send("evm_increaseTime", [7 * 86_400]);
      await movePrices(f.market, { WETH: 3000, USDC: 1 }, f.arbitrageur);
      await (await f.vault.connect(f.keeper).rebalance()).wait();
      await movePrices(f.market, { WETH: 2150 }, f.arbitrageur);
      const [, guardian, , , , , stranger] = await hre.ethers.getSigners();
      return setup({ ...f, guardian, stranger, vault: f.vault as unknown as ITargetWeightVault });
    }

    it("a ripcord report pulls the ripcord, not rebalance(); the reward goes to the payee", async () => {
      const s = await pastTheRipcord();
      const vault = s.vault as unknown as ILeverageVault;
      const before = await vault.leverageStatus();
      expect(before.ripcordDue).to.equal(true);
      const signed = signReport(s.don, WORKFLOW, await reportFor(s.vault, { action: "ripcord" }));
      const tx = deliver(s, signed, s.keeper);
      await expect(tx)
        .to.emit(s.don.forwarder, "ReportProcessed")
        .withArgs(await s.receiver.getAddress(), signed.executionId, "0x0001", true);
      await expect(tx).to.emit(vault, "Ripcorded");
      await expect(tx).to.not.emit(vault, "Rebalanced");
      const receipt = await (await tx).wait();
      const executed = reportExecuted(s, receipt!);
      expect(executed.args.action).to.equal(await s.receiver.ACTION_RIPCORD());
      const reward = executed.args.reward as bigint;
      expect(reward).to.be.gt(0n);
      expect(await s.market.tokens.USDC.balanceOf(s.payee)).to.equal(reward);
      expect(await s.market.tokens.USDC.balanceOf(await s.receiver.getAddress())).to.equal(0n);
      expect((await vault.leverageStatus()).leverageWad).to.be.lt(before.leverageWad);
    });

    it("refusals: an unknown action, a report of another length, and a ripcord that is not due", async () => {
      const s = await pastTheRipcord();
      const before = await holdings(s);
      const ripcord = signReport(s.don, WORKFLOW, await reportFor(s.vault, { action: "ripcord" }));
      const forwarder = await s.don.forwarder.getAddress();
      await hre.network.provider.send("hardhat_impersonateAccount", [forwarder]);
      await hre.network.provider.send("hardhat_setBalance", [forwarder, toQuantity(10n ** 18n)]);
      const asForwarder = await hre.ethers.getSigner(forwarder);
      const metadata = dataSlice(ripcord.rawReport, 45, 109);
      const report = dataSlice(ripcord.rawReport, 109);
      const withAction = (a: bigint) => `${report.slice(0, 2 + 96 * 2)}${a.toString(16).padStart(64, "0")}`;
      await expect(s.receiver.connect(asForwarder).onReport.staticCall(metadata, withAction(2n)))
        .to.be.revertedWithCustomError(s.receiver, "UnknownAction")
        .withArgs(2n);
      await expect(s.receiver.connect(asForwarder).onReport.staticCall(metadata, `${report}00`))
        .to.be.revertedWithCustomError(s.receiver, "InvalidReport")
        .withArgs(129n);
      expect(await holdings(s)).to.equal(before);
      // Pulled once, the ripcord is no longer due: the same report again gets the vault's own reason.
      while ((await (s.vault as unknown as ILeverageVault).leverageStatus()).ripcordDue) {
        await (await (s.vault as unknown as ILeverageVault).connect(s.keeper).ripcord()).wait();
      }
      const again = signReport(s.don, WORKFLOW, await reportFor(s.vault, { action: "ripcord" }));
      await expect(whyRefused(s, again)).to.be.revertedWithCustomError(
        s.vault as unknown as ILeverageVault,
        "RipcordNotDue",
      );
    });
  });

  it("answers ERC-165 for IReceiver and IERC165 only", async () => {
    const s = await setup(await fundedVaultFixture());
    const onReport = s.receiver.interface.getFunction("onReport")!.selector;
    expect(await s.receiver.supportsInterface(onReport)).to.equal(true); // IReceiver's id: its one function
    expect(await s.receiver.supportsInterface("0x01ffc9a7")).to.equal(true); // IERC165
    expect(await s.receiver.supportsInterface("0xffffffff")).to.equal(false);
    expect(await s.receiver.supportsInterface("0x12345678")).to.equal(false);
  });

  it("only its owner configures it, and never with a zero address", async () => {
    const s = await setup(await fundedVaultFixture());
    const r = s.receiver;
    await expect(r.connect(s.stranger).setPayee(s.stranger.address))
      .to.be.revertedWithCustomError(r, "OwnableUnauthorizedAccount")
      .withArgs(s.stranger.address);
    await expect(r.connect(s.stranger).setVault(s.stranger.address, true)).to.be.revertedWithCustomError(
      r,
      "OwnableUnauthorizedAccount",
    );
    await expect(r.connect(s.stranger).setWorkflow(WORKFLOW)).to.be.revertedWithCustomError(
      r,
      "OwnableUnauthorizedAccount",
    );
    await expect(r.setPayee(hre.ethers.ZeroAddress)).to.be.revertedWithCustomError(r, "ZeroAddress");
    await expect(r.setVault(hre.ethers.ZeroAddress, true)).to.be.revertedWithCustomError(r, "ZeroAddress");
    await expect(r.setWorkflow({ ...WORKFLOW, owner: hre.ethers.ZeroAddress })).to.be.revertedWithCustomError(
      r,
      "ZeroAddress",
    );
    await expect(r.setWorkflow({ ...WORKFLOW, name: "0x00000000000000000000" }))
      .to.emit(r, "WorkflowSet")
      .withArgs(WORKFLOW.owner, WORKFLOW.id, "0x00000000000000000000");
    await expect(r.setPayee(s.bob.address)).to.emit(r, "PayeeSet").withArgs(s.bob.address);
    expect(await r.payee()).to.equal(s.bob.address);
    await expect(
      hre.ethers.deployContract("RebalanceReceiver", [
        hre.ethers.ZeroAddress,
        s.admin.address,
        WORKFLOW,
        s.bob.address,
      ]),
    ).to.be.revertedWithCustomError(r, "ZeroAddress");
  });
});
