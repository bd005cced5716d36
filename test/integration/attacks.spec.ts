import { expect } from "chai";
import {
  type Contract,
  encodeBytes32String,
  keccak256,
  MaxUint256,
  parseUnits,
  ZeroAddress,
  ZeroHash,
} from "ethers";
import hre from "hardhat";
import { time } from "@nomicfoundation/hardhat-network-helpers";

import { setFeedPrice, sqrtPriceX96AtOracleMove, swapPoolTo } from "../../src/market/localMarket";
import { Mode, Policy, Reason } from "../../src/vault/enums";
import { demoVaultPreset, targetWeightVaultDeployment } from "../../src/vault/targetWeight";
import { localChain } from "../../src/vault/localDeploy";
import type { ITargetWeightVault } from "../../typechain-types";
import {
  balancedVaultFixture,
  deployVaultWithDeposit,
  fund,
  marketFixture,
  type VaultFixture,
  deployWithFactories,
} from "../shared/fixtures";
import { BPS, advanceAndMove, expectPredicateAgreement, rebalanceEvents, weights } from "../shared/helpers";

const HOUR = 3600;
const preset = demoVaultPreset();
const SYMBOLS = ["USDC", "WETH", "WBTC"];

async function holdings(f: VaultFixture): Promise<bigint[]> {
  return Promise.all(SYMBOLS.map((s) => f.market.tokens[s].balanceOf(f.vault)));
}

/** The balanced vault after ETH +40%: due, with a WETH sell leg and a WBTC buy leg. */
async function driftedFixture(): Promise<VaultFixture> {
  const f = await balancedVaultFixture();
  await advanceAndMove(f.market, f.arbitrageur, 2 * HOUR, { WETH: "4200" });
  return f;
}

describe("attacks and faults", () => {
  describe("a sandwich around rebalance()", () => {
    it("costs the vault at most maxSlippageBps of the traded value when the pool is pushed within the bound", async () => {
      const f = await driftedFixture();
      const { vault, market, stranger: attacker, keeper } = f;
      const navBefore = (await weights(vault)).nav;
      // Front-run: push WETH 0.45% below the oracle, against the vault's WETH sale: inside the 0.5%
      // bound with room to spare: pushed to exactly 0.5%, the pool's price can land a hair beyond
      // the bound (it failed that way when run after other suites), and the leg is refused instead.
      await swapPoolTo(market, "WETH", await sqrtPriceX96AtOracleMove(market, "WETH", -45), attacker);
      const receipt = await (await vault.connect(keeper).rebalance()).wait();
      // Back-run: the attacker restores the pool to the oracle and pockets the difference.
      await swapPoolTo(market, "WETH", await sqrtPriceX96AtOracleMove(market, "WETH", 0), attacker);
      const { summary } = rebalanceEvents(vault, receipt!.logs);
      const navAfter = (await weights(vault)).nav;
      const bound = (summary!.tradedValueWad * BigInt(preset.settings.maxSlippageBps as number)) / BPS;
      expect(navBefore - navAfter).to.be.gt(0n);
      expect(navBefore - navAfter, "loss within the slippage bound").to.be.lte(bound);
    });

    it("refuses, and moves nothing, when the pool is pushed beyond maxPoolDeviationBps", async () => {
      const f = await driftedFixture();
      const { vault, market, stranger: attacker, keeper } = f;
      await swapPoolTo(market, "WETH", await sqrtPriceX96AtOracleMove(market, "WETH", -200), attacker);
      const before = await holdings(f);
      const st = await expectPredicateAgreement(vault, keeper);
      expect(st.reason).to.equal(Reason.PoolPriceDeviation);
      expect(st.detail).to.equal(1);
      await expect(vault.connect(keeper).rebalance())
        .to.be.revertedWithCustomError(vault, "RebalanceNotDue")
        .withArgs(Reason.PoolPriceDeviation, 1);
      expect(await holdings(f)).to.deep.equal(before);
    });

    it("a pool pushed to the edge of maxPoolDeviationBps still clears the slippage bound: due, and rebalance() succeeds", async () => {
      const f = await driftedFixture();
      const { vault, market, stranger: attacker, keeper } = f;
      // 0.49% below the oracle, inside the 0.5% deviation bound. slippage (1%) > deviation + the
      // dearest fee tier (0.3%) is a parameter bound, so the leg still meets its minimum output.
      await swapPoolTo(market, "WETH", await sqrtPriceX96AtOracleMove(market, "WETH", -49), attacker);
      const st = await expectPredicateAgreement(vault, keeper); // simulates rebalance() too
      expect(st.reason).to.equal(Reason.Due);
      await expect(vault.connect(keeper).rebalance()).to.emit(vault, "Rebalanced");
    });
  });

  describe("oracle faults", () => {
    it("treats a stale feed as OracleStale: no rebalance, no deposit, redemption in kind still works", async () => {
      const f = await driftedFixture();
      const { vault, market, keeper, alice } = f;
      await time.increase(86_401);
      // USDC and BTC re-publish; ETH does not.
      await setFeedPrice(market, "USDC", "1");
      await setFeedPrice(market, "WBTC", "60000");
      const st = await expectPredicateAgreement(vault, keeper);
      expect(st.reason).to.equal(Reason.OracleStale);
      expect(st.detail).to.equal(1);
      await fund(market, "USDC", alice, "1000", await vault.getAddress());
      await expect(vault.connect(alice).deposit(10n ** 9n, alice.address))
        .to.be.revertedWithCustomError(vault, "OracleUnhealthy")
        .withArgs(Reason.OracleStale, 1);
      // ERC-4626 views must not revert: NAV at the last answers, and no deposit allowed
      expect(await vault.totalAssets()).to.be.gt(0n);
      expect(await vault.maxDeposit(alice.address)).to.equal(0n);
      const shares = (await vault.balanceOf(alice.address)) / 10n;
      await expect(vault.connect(alice).redeemInKind(shares, alice.address, alice.address)).to.emit(
        vault,
        "RedeemedInKind",
      );
    });

    for (const [label, answer] of [
      ["zero", 0n],
      ["negative", -1n],
    ] as const) {
      it(`treats a ${label} answer as OracleInvalidAnswer`, async () => {
        const { vault, market, keeper } = await driftedFixture();
        await (await market.feeds.ETH_USD.updateAnswer(answer)).wait();
        const st = await expectPredicateAgreement(vault, keeper);
        expect(st.reason).to.equal(Reason.OracleInvalidAnswer);
        expect(st.detail).to.equal(1);
      });
    }

    it("stops while the L2 sequencer is down and during its grace period", async () => {
      const base = await marketFixture();
      const grace = 3600;
      const seqFactory = await hre.ethers.getContractFactory("MockV3Aggregator");
      const sequencer = await seqFactory.deploy(0, 0); // 0 = up, since now
      const f = await deployVaultWithDeposit(
        base,
        "l2",
        { ...demoVaultPreset(), sequencer: { feed: await sequencer.getAddress(), graceSeconds: grace } },
        "0",
      );
      const { vault, keeper, market, arbitrageur, alice } = f;
      // Just deployed: the sequencer came up less than `grace` ago. Deposits are refused too.
      expect((await expectPredicateAgreement(vault, keeper)).reason).to.equal(Reason.SequencerGracePeriod);
      const units = await fund(market, "USDC", alice, "1000000", await vault.getAddress());
      await expect(vault.connect(alice).deposit(units, alice.address))
        .to.be.revertedWithCustomError(vault, "OracleUnhealthy")
        .withArgs(Reason.SequencerGracePeriod, 0);
      await advanceAndMove(market, arbitrageur, grace + 1);
      await (await vault.connect(alice).deposit(units, alice.address)).wait();
      expect((await expectPredicateAgreement(vault, keeper)).reason).to.equal(Reason.Due);
      await (await sequencer.updateAnswer(1)).wait(); // down
      expect((await expectPredicateAgreement(vault, keeper)).reason).to.equal(Reason.SequencerDown);
      await expect(vault.connect(alice).deposit(1n, alice.address))
        .to.be.revertedWithCustomError(vault, "OracleUnhealthy")
        .withArgs(Reason.SequencerDown, 0);
      expect(await vault.maxDeposit(alice.address)).to.equal(0n);
      expect(await vault.totalAssets()).to.be.gt(0n); // last answers: ERC-4626 views do not revert
      await (await sequencer.updateAnswer(0)).wait(); // back up: grace starts again
      expect((await expectPredicateAgreement(vault, keeper)).reason).to.equal(Reason.SequencerGracePeriod);
      // "up" with no valid round yet (startedAt 0, seen on Arbitrum) counts as down
      await (await sequencer.updateRoundData(9, 0, await time.latest(), 0)).wait();
      expect((await expectPredicateAgreement(vault, keeper)).reason).to.equal(Reason.SequencerDown);
    });
  });

  describe("the first-depositor donation attack", () => {
    it("leaves the victim whole and the attacker out of pocket", async () => {
      const base = await marketFixture();
      const f = await deployVaultWithDeposit(base, "empty", demoVaultPreset(), "0");
      const { vault, market, stranger: attacker, bob: victim } = f;
      const addr = await vault.getAddress();
      await fund(market, "USDC", attacker, "1000001", addr);
      await (await vault.connect(attacker).deposit(1n, attacker.address)).wait(); // 1e-6 USDC
      await (await market.tokens.USDC.connect(attacker).transfer(addr, parseUnits("1000000", 6))).wait();

      const deposit = await fund(market, "USDC", victim, "100000", addr);
      await (await vault.connect(victim).deposit(deposit, victim.address)).wait();
      const victimValue = await vault.previewRedeem(await vault.balanceOf(victim.address));
      expect(victimValue).to.be.gte((deposit * 9_999n) / 10_000n);
      const attackerValue = await vault.previewRedeem(await vault.balanceOf(attacker.address));
      expect(attackerValue).to.be.lt(parseUnits("1000000", 6));
    });
  });

  describe("parameter changes", () => {
    it("rejects out-of-bounds values with OutOfBounds and changes nothing", async () => {
      const { vault } = await balancedVaultFixture();
      const settings = await vault.engineSettings();
      await expect(vault.setEngineSettings({ ...preset.settings, maxSlippageBps: 501 }))
        .to.be.revertedWithCustomError(vault, "OutOfBounds")
        .withArgs(encodeBytes32String("maxSlippageBps"), 501, 1, 500);
      // slippage must exceed the pool deviation allowed plus the dearest fee tier (WBTC/USDC 0.3%)
      await expect(vault.setEngineSettings({ ...preset.settings, maxSlippageBps: 80 }))
        .to.be.revertedWithCustomError(vault, "OutOfBounds")
        .withArgs(encodeBytes32String("maxSlippageBps"), 80, 50 + 30 + 1, 500);
      await expect(vault.setEngineSettings({ ...preset.settings, maxPoolDeviationBps: 100 }))
        .to.be.revertedWithCustomError(vault, "OutOfBounds")
        .withArgs(encodeBytes32String("maxSlippageBps"), 100, 100 + 30 + 1, 500);
      const amounts = await vault.amountSettings();
      await expect(vault.setAmountSettings({ ...preset.amounts, minTradeValue: 0 }))
        .to.be.revertedWithCustomError(vault, "OutOfBounds")
        .withArgs(encodeBytes32String("minTradeValue"), 0, 10_000, 2n ** 96n - 1n); // one cent
      expect(await vault.amountSettings()).to.deep.equal(amounts);
      await expect(vault.setEngineSettings({ ...preset.settings, intervalSeconds: 60 }))
        .to.be.revertedWithCustomError(vault, "OutOfBounds")
        .withArgs(encodeBytes32String("intervalSeconds"), 60, 3600, 365 * 86400);
      await expect(
        vault.setEngineSettings({ ...preset.settings, rewardBps: 51 }),
      ).to.be.revertedWithCustomError(vault, "OutOfBounds");
      await expect(vault.setBands([0, 500, 500], [0, 0, 0])).to.be.revertedWithCustomError(
        vault,
        "OutOfBounds",
      );
      await expect(vault.setBands([5001, 500, 500], [0, 0, 0]))
        .to.be.revertedWithCustomError(vault, "OutOfBounds")
        .withArgs(encodeBytes32String("absBandBps"), 5001, 10, 5000);
      await expect(vault.setMaxStaleness(1, 59)).to.be.revertedWithCustomError(vault, "OutOfBounds");
      await expect(vault.setTargets([5000, 3000, 3000]))
        .to.be.revertedWithCustomError(vault, "TargetsDoNotSum")
        .withArgs(11000);
      await expect(vault.setTargets([5000, 5000]))
        .to.be.revertedWithCustomError(vault, "InvalidAssetCount")
        .withArgs(2);
      await expect(
        vault.setAmountSettings({ ...preset.amounts, rewardCapPerPeriod: 1 }),
      ).to.be.revertedWithCustomError(vault, "OutOfBounds");
      expect(await vault.engineSettings()).to.deep.equal(settings);
      expect((await vault.targets())[0]).to.deep.equal([4000n, 3000n, 3000n]);
    });

    it("rejects unauthorised callers and changes nothing", async () => {
      const { vault, stranger, guardian } = await balancedVaultFixture();
      const settings = await vault.engineSettings();
      await expect(vault.connect(stranger).setEngineSettings(preset.settings))
        .to.be.revertedWithCustomError(vault, "OwnableUnauthorizedAccount")
        .withArgs(stranger.address);
      await expect(vault.connect(stranger).setTargets([3000, 4000, 3000])).to.be.revertedWithCustomError(
        vault,
        "OwnableUnauthorizedAccount",
      );
      await expect(
        vault.connect(stranger).setBands([100, 100, 100], [0, 0, 0]),
      ).to.be.revertedWithCustomError(vault, "OwnableUnauthorizedAccount");
      await expect(vault.connect(stranger).pause())
        .to.be.revertedWithCustomError(vault, "NotGuardian")
        .withArgs(stranger.address);
      await expect(vault.connect(guardian).unpause()).to.be.revertedWithCustomError(
        vault,
        "OwnableUnauthorizedAccount",
      );
      await expect(vault.connect(guardian).setGuardian(stranger.address)).to.be.revertedWithCustomError(
        vault,
        "OwnableUnauthorizedAccount",
      );
      await expect(vault.connect(stranger).queueChange("0x12345678")).to.be.revertedWithCustomError(
        vault,
        "OwnableUnauthorizedAccount",
      );
      await expect(vault.connect(stranger).cancelChange(ZeroHash))
        .to.be.revertedWithCustomError(vault, "NotGuardian")
        .withArgs(stranger.address);
      expect(await vault.engineSettings()).to.deep.equal(settings);
      expect(await vault.paused()).to.equal(false);
      expect(await vault.guardian()).to.equal(guardian.address);
    });

    it("applies new targets only as a call queued a delay before, so holders can exit first", async () => {
      const { vault, alice, guardian } = await balancedVaultFixture();
      const call = vault.interface.encodeFunctionData("setTargets", [[2000, 4000, 4000]]);
      const id = keccak256(call);
      await expect(vault.setTargets([2000, 4000, 4000]))
        .to.be.revertedWithCustomError(vault, "ChangeNotReady")
        .withArgs(id, 0);
      await expect(vault.queueChange(call)).to.emit(vault, "ChangeQueued");
      const eta = await vault.changeEta(id);
      expect(eta).to.equal(BigInt(await time.latest()) + BigInt(preset.targetDelaySeconds));
      await expect(vault.setTargets([2000, 4000, 4000]))
        .to.be.revertedWithCustomError(vault, "ChangeNotReady")
        .withArgs(id, eta);
      // A holder who disagrees leaves in kind before the change.
      const shares = await vault.balanceOf(alice.address);
      await (await vault.connect(alice).redeemInKind(shares, alice.address, alice.address)).wait();
      expect(await vault.balanceOf(alice.address)).to.equal(0n);
      await time.increaseTo(eta);
      await expect(vault.setTargets([2000, 4000, 4000])).to.emit(vault, "TargetsApplied");
      expect((await vault.targets())[0]).to.deep.equal([2000n, 4000n, 4000n]);
      expect(await vault.changeEta(id)).to.equal(0n); // used up: the same change needs a new announcement
      // Setting the targets in force changes nothing, so it needs no delay; the guardian cannot.
      await expect(vault.setTargets([2000, 4000, 4000])).to.emit(vault, "TargetsApplied");
      await expect(vault.connect(guardian).setTargets([2000, 4000, 4000])).to.be.revertedWithCustomError(
        vault,
        "OwnableUnauthorizedAccount",
      );
    });
  });

  describe("loosening waits (F5)", () => {
    // Every field of every setter, each way: [what, the call, loosens?]. Bounds at the demo preset:
    // slippage ≥ 50 + 30 + 1, deviation ≤ slippage − 31, trade cap ≥ 100, interval ≥ 1 h.
    const s = preset.settings;
    const a = preset.amounts;
    const engine = (change: Record<string, unknown>): ["setEngineSettings", unknown[]] => [
      "setEngineSettings",
      [{ ...s, ...change }],
    ];
    const amount = (change: Record<string, unknown>): ["setAmountSettings", unknown[]] => [
      "setAmountSettings",
      [{ ...a, ...change }],
    ];
    const cases: [string, [string, unknown[]], boolean][] = [
      ["slippage up", engine({ maxSlippageBps: 150 }), true],
      ["slippage down", engine({ maxSlippageBps: 90 }), false],
      ["pool deviation up", engine({ maxPoolDeviationBps: 60 }), true],
      ["pool deviation down", engine({ maxPoolDeviationBps: 40 }), false],
      ["trade cap up", engine({ maxTradeBps: 5000 }), true],
      ["trade cap down", engine({ maxTradeBps: 1000 }), false],
      [
        "hysteresis changed (either way)",
        engine({ bandHysteresisBps: Number(s.bandHysteresisBps) + 1 }),
        true,
      ],
      ["cooldown shorter", engine({ cooldownSeconds: 600 }), true],
      ["cooldown longer", engine({ cooldownSeconds: 7200 }), false],
      ["interval shorter", engine({ intervalSeconds: 3600 }), true],
      ["interval longer", engine({ intervalSeconds: 60 * 86400 }), false],
      ["period changed (either way)", engine({ periodSeconds: 2 * 86400 }), true],
      ["more rebalances per period", engine({ maxRebalancesPerPeriod: 48 }), true],
      ["fewer rebalances per period", engine({ maxRebalancesPerPeriod: 12 }), false],
      ["cost cap up", engine({ maxCostBpsPerPeriod: 200 }), true],
      ["cost cap down", engine({ maxCostBpsPerPeriod: 50 }), false],
      ["reward up", engine({ rewardBps: 10 }), true],
      ["reward down", engine({ rewardBps: 1 }), false],
      ["policy changed", engine({ policy: Policy.Time }), true],
      ["mode changed", engine({ mode: Mode.ToBandEdge }), true],
      ["minimum trade down", amount({ minTradeValue: 10_000 }), true],
      ["minimum trade up", amount({ minTradeValue: 10n ** 9n }), false],
      ["reward per call up", amount({ maxRewardPerCall: 100n * 10n ** 6n }), true],
      ["reward per call down", amount({ maxRewardPerCall: 10n ** 6n }), false],
      ["reward per period up", amount({ rewardCapPerPeriod: 10n ** 9n }), true],
      ["reward per period down", amount({ rewardCapPerPeriod: 100n * 10n ** 6n }), false],
      ["staleness up", ["setMaxStaleness", [2, 2 * 86400]], true],
      ["staleness down", ["setMaxStaleness", [2, 600]], false],
      [
        "a band lowered",
        [
          "setBands",
          [
            [500, 300, 500],
            [0, 0, 0],
          ],
        ],
        true,
      ],
      [
        "a band switched on",
        [
          "setBands",
          [
            [500, 500, 500],
            [0, 0, 2000],
          ],
        ],
        true,
      ],
      [
        "a band raised",
        [
          "setBands",
          [
            [500, 800, 500],
            [0, 0, 0],
          ],
        ],
        false,
      ],
      ["targets changed", ["setTargets", [[3000, 3500, 3500]]], true],
    ];
    for (const [what, [method, args], loosens] of cases) {
      it(`${what}: ${loosens ? "waits for the delay" : "applies at once"}`, async () => {
        const { vault } = await balancedVaultFixture();
        const read = async () => [
          await vault.engineSettings(),
          await vault.amountSettings(),
          await vault.maxStaleness(2),
          await vault.targets(),
        ];
        const before = await read();
        const send = () => (vault as unknown as Contract).getFunction(method)(...args);
        if (!loosens) {
          await (await send()).wait();
          expect(await read()).to.not.deep.equal(before);
          return;
        }
        const call = vault.interface.encodeFunctionData(method as "setTargets", args as [number[]]);
        await expect(send())
          .to.be.revertedWithCustomError(vault, "ChangeNotReady")
          .withArgs(keccak256(call), 0);
        expect(await read()).to.deep.equal(before);
        await (await vault.queueChange(call)).wait();
        await time.increase(preset.targetDelaySeconds - 5);
        await expect(send()).to.be.revertedWithCustomError(vault, "ChangeNotReady");
        expect(await read()).to.deep.equal(before);
        await time.increase(5);
        await (await send()).wait();
        expect(await read()).to.not.deep.equal(before);
      });
    }

    it("a queued change lapses after its grace, and the guardian can cancel one", async () => {
      const { vault, guardian } = await balancedVaultFixture();
      const loosen = { ...preset.settings, maxSlippageBps: 150 };
      const call = vault.interface.encodeFunctionData("setEngineSettings", [loosen]);
      const id = keccak256(call);
      await (await vault.queueChange(call)).wait();
      const eta = await vault.changeEta(id);
      await time.increaseTo(eta + 14n * 86400n + 1n); // past CHANGE_GRACE_SECONDS
      await expect(vault.setEngineSettings(loosen))
        .to.be.revertedWithCustomError(vault, "ChangeNotReady")
        .withArgs(id, eta);
      await expect(vault.connect(guardian).cancelChange(id)).to.emit(vault, "ChangeCancelled").withArgs(id);
      expect(await vault.changeEta(id)).to.equal(0n);
      await expect(vault.connect(guardian).cancelChange(id))
        .to.be.revertedWithCustomError(vault, "NoChangeQueued")
        .withArgs(id);
      // queued again and cancelled before its eta: it can no longer apply
      await (await vault.queueChange(call)).wait();
      await (await vault.connect(guardian).cancelChange(id)).wait();
      await time.increase(preset.targetDelaySeconds + 1);
      await expect(vault.setEngineSettings(loosen)).to.be.revertedWithCustomError(vault, "ChangeNotReady");
      expect((await vault.engineSettings()).maxSlippageBps).to.equal(BigInt(preset.settings.maxSlippageBps));
    });

    it("an owner and a keeper together cannot loosen the bounds before holders can leave", async () => {
      // The reported attack: raise slippage, trade cap, cost cap and reward, then rebalance into a
      // pushed pool. Now the loosened settings only exist after the delay, announced on-chain.
      const f = await driftedFixture();
      const { vault, keeper, alice } = f;
      const loose = {
        ...preset.settings,
        maxSlippageBps: 500,
        maxPoolDeviationBps: 400,
        maxTradeBps: 10_000,
        maxCostBpsPerPeriod: 1000,
        rewardBps: 50,
        cooldownSeconds: 0,
      };
      await expect(vault.setEngineSettings(loose)).to.be.revertedWithCustomError(vault, "ChangeNotReady");
      const call = vault.interface.encodeFunctionData("setEngineSettings", [loose]);
      const tx = await vault.queueChange(call);
      await expect(tx).to.emit(vault, "ChangeQueued");
      // Every rebalance in the window runs under the settings in force: legs capped at 25% of NAV.
      const st = await vault.rebalanceStatus();
      expect(st.reason).to.equal(BigInt(Reason.Due));
      const traded = st.legs.reduce((sum, l) => sum + l.valueWad, 0n);
      expect(traded).to.be.lte((st.navWad * BigInt(preset.settings.maxTradeBps)) / 10_000n + 10n ** 18n);
      await (await vault.connect(keeper).rebalance()).wait();
      // The holder, warned by ChangeQueued, leaves in the window.
      const shares = await vault.balanceOf(alice.address);
      await (await vault.connect(alice).redeemInKind(shares, alice.address, alice.address)).wait();
      expect(await vault.balanceOf(alice.address)).to.equal(0n);
      expect((await vault.engineSettings()).maxSlippageBps).to.equal(BigInt(preset.settings.maxSlippageBps));
    });
  });

  describe("a paused vault", () => {
    it("stops rebalancing and deposits but still redeems in kind and in quote", async () => {
      const f = await driftedFixture();
      const { vault, market, guardian, keeper, alice, admin } = f;
      await expect(vault.connect(guardian).pause())
        .to.emit(vault, "PausedSet")
        .withArgs(true, guardian.address);
      const st = await expectPredicateAgreement(vault, keeper);
      expect(st.reason).to.equal(Reason.Paused);
      await fund(market, "USDC", alice, "1000", await vault.getAddress());
      await expect(vault.connect(alice).deposit(10n ** 6n, alice.address)).to.be.revertedWithCustomError(
        vault,
        "DepositMoreThanMax",
      );

      const supply = await vault.totalSupply();
      const before = await holdings(f);
      const shares = (await vault.balanceOf(alice.address)) / 4n;
      const virtualSupply = supply + 10n ** 12n;
      await (await vault.connect(alice).redeemInKind(shares, alice.address, alice.address)).wait();
      const after = await holdings(f);
      for (let i = 0; i < 3; i++) expect(before[i] - after[i]).to.equal((before[i] * shares) / virtualSupply);

      await expect(vault.connect(alice).withdraw(10n ** 6n, alice.address, alice.address)).to.emit(
        vault,
        "Withdraw",
      );
      await (await vault.connect(admin).unpause()).wait();
      await expect(vault.connect(alice).deposit(10n ** 6n, alice.address)).to.emit(vault, "Deposit");
    });
  });

  describe("token screening at configuration", () => {
    it("refuses a fee-on-transfer token at activation and stays inactive", async () => {
      const { market, admin, guardian, keeper, alice } = await marketFixture();
      const fot = await (await hre.ethers.getContractFactory("FeeOnTransferERC20")).deploy(10); // 0.1%
      const feed = await (await hre.ethers.getContractFactory("MockV3Aggregator")).deploy(8, 10n ** 8n);
      const usdc = await market.tokens.USDC.getAddress();
      await (
        await market.factory.connect(admin).getFunction("createPool")(await fot.getAddress(), usdc, 3000)
      ).wait();
      const pool: string = await market.factory.getFunction("getPool")(await fot.getAddress(), usdc, 3000);
      const p = {
        ...demoVaultPreset(),
        assets: [
          { symbol: "USDC", targetBps: 5000, absBandBps: 500, relBandBps: 0, maxStalenessSeconds: 86400 },
          { symbol: "FEE", targetBps: 5000, absBandBps: 500, relBandBps: 0, maxStalenessSeconds: 86400 },
        ],
      };
      const d = targetWeightVaultDeployment(
        p,
        [
          {
            token: usdc,
            feed: await market.feeds.USDC_USD.getAddress(),
            pool: ZeroAddress,
            maxStalenessSeconds: 86400,
          },
          { token: await fot.getAddress(), feed: await feed.getAddress(), pool, maxStalenessSeconds: 86400 },
        ],
        localChain(market),
        { admin: admin.address, guardian: guardian.address },
      );
      const vault = await deployWithFactories<ITargetWeightVault>(d);
      expect((await vault.rebalanceStatus()).reason).to.equal(Reason.NotActive);
      expect(await vault.maxDeposit(alice.address)).to.equal(0n);

      const probe = await vault.probeAmount(1);
      await (await fot.mint(admin.address, probe)).wait();
      await (await fot.approve(await vault.getAddress(), MaxUint256)).wait();
      await fund(market, "USDC", admin, "1", await vault.getAddress());
      await expect(vault.activate())
        .to.be.revertedWithCustomError(vault, "TransferAmountMismatch")
        .withArgs(await fot.getAddress(), probe, probe - probe / 1000n);
      expect(await vault.active()).to.equal(false);
      expect(await fot.balanceOf(admin.address)).to.equal(probe);
      await expect(vault.connect(keeper).rebalance())
        .to.be.revertedWithCustomError(vault, "RebalanceNotDue")
        .withArgs(Reason.NotActive, 0);
    });

    it("refuses a pool that does not pair the asset with the quote asset", async () => {
      const { market, admin, guardian } = await marketFixture();
      const p = demoVaultPreset();
      const pools = [
        ZeroAddress,
        await market.pools.WBTC.contract.getAddress(),
        await market.pools.WBTC.contract.getAddress(),
      ];
      const assets = await Promise.all(
        ["USDC", "WETH", "WBTC"].map(async (s, i) => ({
          token: await market.tokens[s].getAddress(),
          feed: await market.feeds[["USDC_USD", "ETH_USD", "BTC_USD"][i]].getAddress(),
          pool: pools[i],
          maxStalenessSeconds: 86400,
        })),
      );
      // The extension derives the immutables, so its constructor is the one that refuses the pool.
      const factory = await hre.ethers.getContractFactory("TargetWeightVaultExt");
      const d = targetWeightVaultDeployment(p, assets, localChain(market), {
        admin: admin.address,
        guardian: guardian.address,
      });
      await expect(factory.deploy(...(d.extension.args as [never, never])))
        .to.be.revertedWithCustomError(factory, "InvalidPool")
        .withArgs(1, pools[1]);
    });
  });
});
