import { expect } from "chai";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import { ZeroAddress, ZeroHash, hexlify, randomBytes } from "ethers";
import hre from "hardhat";

import { UserError } from "../../src/config/env";
import { chainRouter } from "../../src/deploy/venueModule";
import { addressBook } from "../../src/config/networks";
import { NAMES, TAGS } from "../../src/deployments";
import { type NetworkPreset, networkPreset } from "../../src/deploy/presets";
import { demoVaultPreset } from "../../src/vault/targetWeight";
import { presetProblems, resolveVaultInputs } from "../../src/deploy/resolve";
import { CRE_NAMES, LOCAL_DON, localDonKeys, receiverName } from "../../src/deploy/cre";
import { workflowName10 } from "../../src/keeper/cre";
import { signReport } from "../shared/don";
import {
  TIMELOCK_NAME,
  assertConfig,
  configDifferences,
  formatHandover,
  handOverToTimelock,
} from "../../src/deploy/vaults";

const ROLE_ENV = [
  "BALLAST_GUARDIAN",
  "BALLAST_BOOK_MANAGER",
  "BALLAST_TIMELOCK_PROPOSER",
  "BALLAST_TIMELOCK_EXECUTOR",
  "BALLAST_CRE_WORKFLOW_OWNER",
  "BALLAST_CRE_WORKFLOW_ID",
  "BALLAST_CRE_WORKFLOW_NAME",
  "BALLAST_CRE_PAYEE",
];

const localDeployment = hre.deployments.createFixture(async () => {
  await hre.deployments.fixture([TAGS.Vaults, TAGS.Activate, TAGS.LocalSeed, TAGS.VerifyConfig]);
  return networkPreset(hre);
});

/** The preset a live network would use, read without connecting to it. */
const livePreset = (network: string) =>
  networkPreset({ network: { name: network }, getNamedAccounts: async () => ({}) });

describe("deployment (hardhat-deploy scripts and presets)", () => {
  afterEach(() => {
    for (const k of ROLE_ENV) delete process.env[k];
  });

  it("deploys the local preset's vaults, activates and seeds them, and reads the configuration back", async () => {
    const preset = await localDeployment();
    expect(preset.vaults.map((v) => `${v.kind}:${v.key}`)).to.deep.equal([
      "target-weight:demo",
      "delta-hedge:hedge",
    ]);
    for (const key of ["demo", "hedge"]) {
      const vault = await hre.ethers.getContractAt(
        "IDeltaHedgeVault",
        (await hre.deployments.get(NAMES.vault(key))).address,
      );
      expect(await vault.active()).to.equal(true);
      expect((await vault.rebalanceStatus()).navWad).to.be.greaterThan(0n);
    }
    const book = await hre.ethers.getContractAt(
      "OptionBook",
      (await hre.deployments.get(NAMES.book("hedge"))).address,
    );
    expect(await book.legCount()).to.equal(1n);
    expect(await configDifferences(hre, preset)).to.deep.equal([]);
  });

  it("is idempotent: running every script again sends nothing and keeps the addresses", async () => {
    await localDeployment();
    const { deployer } = await hre.getNamedAccounts();
    const before = await hre.deployments.all();
    const nonce = await hre.ethers.provider.getTransactionCount(deployer);
    await hre.deployments.run(
      [TAGS.Vaults, TAGS.Activate, TAGS.LocalSeed, TAGS.VerifyConfig, TAGS.Timelock],
      {
        resetMemory: false,
        writeDeploymentsToFiles: false,
      },
    );
    const after = await hre.deployments.all();
    expect(await hre.ethers.provider.getTransactionCount(deployer)).to.equal(nonce);
    for (const name of [NAMES.vault("demo"), NAMES.vault("hedge"), NAMES.book("hedge")])
      expect(after[name].address).to.equal(before[name].address);
  });

  it("the read-back names every on-chain setting that differs from the preset", async () => {
    const preset = await localDeployment();
    const vault = await hre.ethers.getContractAt(
      "ITargetWeightVault",
      (await hre.deployments.get(NAMES.vault("demo"))).address,
    );
    // A tightening change applies at once (a loosening one would wait for the change delay).
    await (await vault.setEngineSettings({ ...demoVaultPreset().settings, maxSlippageBps: 90 })).wait();
    expect(await configDifferences(hre, preset)).to.deep.equal([
      "vault demo: maxSlippageBps is 90 on-chain, 100 in the preset",
    ]);
    let error: unknown;
    try {
      await assertConfig(hre, preset);
    } catch (e) {
      error = e;
    }
    expect(error).to.be.instanceOf(UserError);
    expect((error as Error).message).to.equal(
      "on-chain configuration differs from the hardhat preset: vault demo: maxSlippageBps is 90 on-chain, 100 in the preset. " +
        "Change it with the admin tasks (npx hardhat vault:settings …) or fix the preset.",
    );
  });

  it("hands ownership to a TimelockController: schedule, wait out the delay, execute; the guardian can still pause", async () => {
    const preset = await localDeployment();
    const [admin, guardian] = await hre.ethers.getSigners();
    const plan = {
      minDelaySeconds: 3600,
      proposers: [{ env: "x", value: admin.address }],
      executors: [{ env: "x", value: admin.address }],
    };
    const first = await handOverToTimelock(hre, preset, plan);
    expect(first.map((s) => s.state)).to.deep.equal(["scheduled", "scheduled", "scheduled"]);
    expect(formatHandover(first)[0]).to.match(
      /^Vault_demo: acceptOwnership scheduled; re-run deploy after \d{4}-/,
    );
    const timelock = (await hre.deployments.get(TIMELOCK_NAME)).address;
    const vault = await hre.ethers.getContractAt(
      "ITargetWeightVault",
      (await hre.deployments.get(NAMES.vault("demo"))).address,
    );
    expect(await vault.owner()).to.equal(admin.address); // nothing changes before the delay
    expect(await vault.pendingOwner()).to.equal(timelock);

    expect((await handOverToTimelock(hre, preset, plan)).map((s) => s.state)).to.deep.equal([
      "scheduled",
      "scheduled",
      "scheduled",
    ]); // re-running early is harmless
    await time.increase(3600);
    const done = await handOverToTimelock(hre, preset, plan);
    expect(done.map((s) => s.state)).to.deep.equal([
      "owned-by-timelock",
      "owned-by-timelock",
      "owned-by-timelock",
    ]);
    expect(await vault.owner()).to.equal(timelock);
    const book = await hre.ethers.getContractAt(
      "OptionBook",
      (await hre.deployments.get(NAMES.book("hedge"))).address,
    );
    expect(await book.owner()).to.equal(timelock);
    // The deployer lost the owner's powers; the guardian kept its pause.
    await expect(vault.connect(admin).unpause()).to.be.revertedWithCustomError(
      vault,
      "OwnableUnauthorizedAccount",
    );
    await (await vault.connect(guardian).pause()).wait();
    expect(await vault.paused()).to.equal(true);
  });

  it("when the deployer may not propose, reports the exact proposal, and finishes once a proposer made it", async () => {
    const preset = await localDeployment();
    const [admin, , , , , , proposer] = await hre.ethers.getSigners();
    const plan = {
      minDelaySeconds: 600,
      proposers: [{ env: "x", value: proposer.address }],
      executors: [{ env: "x", value: admin.address }],
    };
    const steps = await handOverToTimelock(hre, preset, plan);
    expect(steps.map((s) => s.state)).to.deep.equal(["needs-proposal", "needs-proposal", "needs-proposal"]);
    expect(formatHandover(steps)[0]).to.match(
      /^Vault_demo: a proposer must schedule on the timelock: target 0x[0-9a-fA-F]{40}, value 0, data 0x79ba5097, /,
    );
    const timelock = await hre.ethers.getContractAt(
      ["function schedule(address,uint256,bytes,bytes32,bytes32,uint256)"],
      (await hre.deployments.get(TIMELOCK_NAME)).address,
      proposer,
    );
    for (const s of steps) {
      const p = s.proposal!;
      await (await timelock.schedule(p.target, p.value, p.data, p.predecessor, p.salt, p.delay)).wait();
    }
    await time.increase(600);
    expect((await handOverToTimelock(hre, preset, plan)).map((s) => s.state)).to.deep.equal([
      "owned-by-timelock",
      "owned-by-timelock",
      "owned-by-timelock",
    ]);
  });

  it("deploys the CRE receiver behind the local forwarder and DON, lists the vaults, reads it back; a report the DON signs rebalances", async () => {
    const preset = await localDeployment();
    const { deployer, keeper } = await hre.getNamedAccounts();
    const receiver = await hre.ethers.getContractAt(
      "RebalanceReceiver",
      (await hre.deployments.get(CRE_NAMES.receiver)).address,
    );
    const forwarder = await hre.ethers.getContractAt(
      "KeystoneForwarder",
      (await hre.deployments.get(CRE_NAMES.localForwarder)).address,
    );
    expect(await receiver.FORWARDER()).to.equal(await forwarder.getAddress());
    const w = await receiver.workflow();
    expect([w.owner, w.id, w.name]).to.deep.equal([deployer, ZeroHash, workflowName10("ballast")]);
    expect(await receiver.payee()).to.equal(keeper);
    for (const key of ["demo", "hedge"])
      expect(await receiver.isVault((await hre.deployments.get(NAMES.vault(key))).address)).to.equal(true);
    expect(await configDifferences(hre, preset)).to.deep.equal([]);
    // The seeded demo vault holds only USDC: due. The local DON signs; anyone transmits.
    const vault = await hre.ethers.getContractAt(
      "ITargetWeightVault",
      (await hre.deployments.get(NAMES.vault("demo"))).address,
    );
    const don = { forwarder, signers: localDonKeys(), ...LOCAL_DON };
    const now = BigInt((await hre.ethers.provider.getBlock("latest"))!.timestamp);
    const signed = signReport(
      don,
      { id: hexlify(randomBytes(32)), name: workflowName10("ballast"), owner: deployer },
      {
        vault: await vault.getAddress(),
        lastRebalanceAt: (await vault.engineState()).lastRebalanceAt,
        deadline: now + 600n,
      },
    );
    const [, , , stranger] = await hre.ethers.getSigners();
    await expect(
      forwarder
        .connect(stranger)
        .report(await receiver.getAddress(), signed.rawReport, signed.reportContext, signed.signatures),
    ).to.emit(receiver, "ReportExecuted");
    expect((await vault.engineState()).lastRebalanceAt).to.be.gt(0n);
    // A receiver that drifted from the preset is named by the read-back.
    const [admin] = await hre.ethers.getSigners();
    await (await receiver.connect(admin).setPayee(stranger.address)).wait();
    expect(await configDifferences(hre, preset)).to.deep.equal([
      `CRE receiver: payee is ${stranger.address} on-chain, ${keeper} in the preset`,
    ]);
  });

  it("a live preset's CRE plan: optional, but complete and well-formed once a workflow owner is set", async () => {
    process.env.BALLAST_GUARDIAN = "0x000000000000000000000000000000000000dEaD";
    process.env.BALLAST_TIMELOCK_PROPOSER = "0x000000000000000000000000000000000000cafE";
    process.env.BALLAST_TIMELOCK_EXECUTOR = "0x000000000000000000000000000000000000bEEF";
    expect(presetProblems(await livePreset("base"))).to.deep.equal([]); // no workflow owner: no receiver
    process.env.BALLAST_CRE_WORKFLOW_OWNER = "0x000000000000000000000000000000000000c0de";
    process.env.BALLAST_CRE_WORKFLOW_ID = "0x1234";
    process.env.BALLAST_CRE_WORKFLOW_NAME = "eleven-chars";
    expect(presetProblems(await livePreset("base"))).to.deep.equal([
      "CRE payee (set BALLAST_CRE_PAYEE)",
      "CRE workflow name: BALLAST_CRE_WORKFLOW_NAME is longer than 10 bytes (give the 10-byte hex from a delivered report's metadata, or leave it unset)",
    ]);
    process.env.BALLAST_CRE_WORKFLOW_ID = "not-hex";
    process.env.BALLAST_CRE_WORKFLOW_NAME = "ballast";
    process.env.BALLAST_CRE_PAYEE = "0x000000000000000000000000000000000000feed";
    expect(presetProblems(await livePreset("base"))).to.deep.equal([
      "CRE workflow id: BALLAST_CRE_WORKFLOW_ID is not a 32-byte hex value",
    ]);
    delete process.env.BALLAST_CRE_WORKFLOW_ID;
    expect(presetProblems(await livePreset("base"))).to.deep.equal([]);
    process.env.BALLAST_CRE_WORKFLOW_NAME = "0x3a5f0c9d11e2b7a4c0de"; // as a delivered report's metadata shows it
    expect(presetProblems(await livePreset("base"))).to.deep.equal([]);
    expect(receiverName(process.env.BALLAST_CRE_WORKFLOW_NAME)).to.equal("0x3a5f0c9d11e2b7a4c0de");
    expect(receiverName("ballast")).to.equal("0x62616c6c617374000000");
    // Every live network's production forwarder is in the address book, from its sources.
    for (const network of ["mainnet", "arbitrum", "base", "optimism", "sepolia"]) {
      const fw = addressBook(network).cre!.KeystoneForwarder;
      expect(fw.status, network).to.equal("VERIFIED");
      expect(fw.sources.length, network).to.be.gte(2);
    }
    expect(addressBook("mainnet").cre!.KeystoneForwarder.address).to.equal(
      "0x0b93082D9b3C7C97fAcd250082899BAcf3af3885",
    );
  });

  it("refuses a live preset that is incomplete, naming everything missing", async () => {
    const mainnet = await livePreset("mainnet");
    expect(presetProblems(mainnet)).to.deep.equal([
      "guardian (set BALLAST_GUARDIAN)",
      "timelock proposer (set BALLAST_TIMELOCK_PROPOSER)",
      "timelock executor (set BALLAST_TIMELOCK_EXECUTOR)",
    ]);
    process.env.BALLAST_GUARDIAN = "0x000000000000000000000000000000000000dEaD";
    process.env.BALLAST_TIMELOCK_PROPOSER = "not-an-address";
    process.env.BALLAST_TIMELOCK_EXECUTOR = "0x000000000000000000000000000000000000bEEF";
    expect(presetProblems(await livePreset("mainnet"))).to.deep.equal([
      "timelock proposer: BALLAST_TIMELOCK_PROPOSER='not-an-address' is not an address",
    ]);
    process.env.BALLAST_TIMELOCK_PROPOSER = "0x000000000000000000000000000000000000cafE";
    expect(presetProblems(await livePreset("mainnet"))).to.deep.equal([]);
    // Sepolia's address book has single-source and unverified feeds without heartbeats: refused.
    expect(presetProblems(await livePreset("sepolia"))).to.deep.equal([
      "vault eth-usdc: feed USDC_USD is UNVERIFIED in the address book",
      "vault eth-usdc: maxStalenessSeconds for USDC (no heartbeat recorded for USDC_USD)",
      "vault eth-usdc: feed ETH_USD is SINGLE_SOURCE in the address book",
      "vault eth-usdc: maxStalenessSeconds for WETH (no heartbeat recorded for ETH_USD)",
    ]);
  });

  it("a pool that does not pair the asset with the quote, or a missing source, is refused", async () => {
    process.env.BALLAST_GUARDIAN = "0x000000000000000000000000000000000000dEaD";
    const preset: NetworkPreset = { ...(await livePreset("arbitrum")), timelock: undefined };
    const plan = preset.vaults[0];
    plan.sources = { USDC: { feed: "USDC_USD" }, WETH: { feed: "ETH_USD", pool: "WETH_USDCe_500" } };
    expect(presetProblems(preset)).to.deep.equal(["vault eth-usdc: pool WETH_USDCe_500 is not WETH/USDC"]);
    plan.sources = { USDC: { feed: "USDC_USD" } };
    expect(presetProblems(preset)).to.deep.equal(["vault eth-usdc: feed and pool for WETH (sources.WETH)"]);
  });

  it("resolves live addresses from the address book: heartbeat-based staleness, router kind, sequencer feed", async () => {
    process.env.BALLAST_GUARDIAN = "0x000000000000000000000000000000000000dEaD";
    // A live network as the resolver sees it: its name, and the venue module and adapter it deployed.
    const deployed: Record<string, string> = {
      VenueModule: "0x00000000000000000000000000000000000000a1",
    };
    const fake = (name: string) =>
      ({
        network: { name },
        deployments: { get: async (key: string) => ({ address: deployed[key] }) },
      }) as unknown as typeof hre;
    const mainnet = await livePreset("mainnet");
    const m = await resolveVaultInputs(fake("mainnet"), mainnet, mainnet.vaults[0]);
    const book = addressBook("mainnet");
    expect(m.assets.map((a) => a.token)).to.deep.equal([book.tokens.USDC.address, book.tokens.WETH.address]);
    expect(m.assets[1].pool).to.equal(book.uniswapV3.pools.WETH_USDC_500.address);
    expect(m.assets.map((a) => a.maxStalenessSeconds)).to.deep.equal([86400 * 1.25, 3600 * 1.25]);
    expect([m.venueModule, m.v3Adapter]).to.deep.equal([deployed.VenueModule, ZeroAddress]);
    expect(chainRouter(book)).to.deep.equal({ address: book.uniswapV3.SwapRouter!.address, is02: false });
    expect(m.sequencerFeed).to.equal("0x0000000000000000000000000000000000000000");
    const base = await livePreset("base");
    const b = await resolveVaultInputs(fake("base"), base, base.vaults[0]);
    expect(chainRouter(addressBook("base"))).to.deep.equal({
      address: addressBook("base").uniswapV3.SwapRouter02!.address,
      is02: true,
    });
    expect(b.sequencerFeed).to.equal(addressBook("base").chainlink.L2_SEQUENCER_UPTIME.address);
    expect(b.sequencerGraceSeconds).to.equal(3600);
  });
});
