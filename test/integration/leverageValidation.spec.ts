import { expect } from "chai";
import { type Contract, MaxUint256, ZeroAddress, encodeBytes32String, parseUnits } from "ethers";
import hre, { deployments } from "hardhat";
import { time } from "@nomicfoundation/hardhat-network-helpers";

import { NAMES } from "../../src/deployments";
import { LENDING_ADAPTER, LENDING_NAMES } from "../../src/market/lending";
import { movePrices, setFeedPrice } from "../../src/market/localMarket";
import { Mode, Policy, Reason } from "../../src/vault/enums";
import { type LeverageConfig, deployLocalLeverageVault, demoLeveragePreset } from "../../src/vault/leverage";
import { engineInit, localAssetInputs, localChain } from "../../src/vault/localDeploy";
import { type LeverageFixture, leverageFixture } from "../shared/fixtures";

/**
 * The leverage vault's bad inputs and edges: every setting bound, every refused call (custom error
 * with its arguments, nothing changed), the flows' guards, the predicate's branches (threshold and
 * band-edge landing, each market fault, a supply cap) and the views on an unhealthy oracle.
 */

const WAD = 10n ** 18n;
const WETH = (n: string) => parseUnits(n, 18);

type Fixture = LeverageFixture;
const fixture = leverageFixture("levv");

const configurator = (f: Fixture) => f.lending.configurator.connect(f.admin) as Contract;

describe("LeverageVault: bad input and edges", () => {
  let f: Fixture;
  let config: LeverageConfig;
  beforeEach(async () => {
    f = await fixture();
    config = demoLeveragePreset().config;
  });

  describe("setLeverageConfig", () => {
    const cases: [string, (c: LeverageConfig) => LeverageConfig, string][] = [
      ["min below 1x", (c) => ({ ...c, minWad: WAD - 1n }), "minLeverageWad"],
      ["min above target", (c) => ({ ...c, minWad: c.targetWad + 1n }), "minLeverageWad"],
      ["max below target", (c) => ({ ...c, maxWad: c.targetWad - 1n }), "targetLeverageWad"],
      ["ripcord at max", (c) => ({ ...c, ripcordWad: c.maxWad }), "ripcordLeverageWad"],
      [
        "ripcord at the liquidation leverage (5.88x)",
        (c) => ({ ...c, ripcordWad: 6n * WAD }),
        "ripcordLeverageWad",
      ],
      ["LTV cap below the target's own LTV", (c) => ({ ...c, maxLtvBps: 4_999 }), "maxLtvBps"],
      ["LTV cap above the market's LTV", (c) => ({ ...c, maxLtvBps: 8_051 }), "maxLtvBps"],
      ["ripcord reward above 50 bps", (c) => ({ ...c, ripcordRewardBps: 51 }), "ripcordRewardBps"],
    ];
    for (const [what, change, parameter] of cases) {
      it(`refuses ${what}: OutOfBounds("${parameter}", …), nothing written`, async () => {
        await expect(f.vault.setLeverageConfig(change(config)))
          .to.be.revertedWithCustomError(f.vault, "OutOfBounds")
          .withArgs(
            encodeBytes32String(parameter),
            (x: bigint) => x >= 0n,
            (x: bigint) => x >= 0n,
            (x: bigint) => x >= 0n,
          );
        expect((await f.vault.leverageConfig()).targetWad).to.equal(config.targetWad);
      });
    }

    it("takes a valid change from the owner only, and says so", async () => {
      const next = { ...config, targetWad: (21n * WAD) / 10n, maxWad: (24n * WAD) / 10n };
      await expect(f.vault.connect(f.alice).setLeverageConfig(next)).to.be.revertedWithCustomError(
        f.vault,
        "OwnableUnauthorizedAccount",
      );
      await expect(f.vault.setLeverageConfig(next)).to.emit(f.vault, "LeverageConfigSet");
      expect((await f.vault.leverageConfig()).targetWad).to.equal(next.targetWad);
    });

    it("with a change delay, a loosening change waits for its queue entry (ChangeNotReady); a tightening one applies at once", async () => {
      const delayed = await deployLocalLeverageVault(hre, "levDelay", demoLeveragePreset(), 86_400);
      const x = (n: number) => (BigInt(Math.round(n * 1000)) * WAD) / 1000n;
      const USDC = (n: number) => BigInt(n) * 10n ** 6n;
      // The demo: target 2×, band 1.7–2.3×, ripcord 2.7×, LTV cap 65 %, reward 10 bps capped at 100 USDC.
      const loosening: [string, Partial<LeverageConfig>][] = [
        ["another target", { targetWad: x(2.1) }],
        ["a lower ripcord bound", { ripcordWad: x(2.6) }],
        ["a higher ripcord bound", { ripcordWad: x(2.8) }],
        ["a higher band floor (narrower)", { minWad: x(1.8) }],
        ["a lower band ceiling (narrower)", { maxWad: x(2.2) }],
        ["a higher LTV cap", { maxLtvBps: 7_000 }],
        ["a higher ripcord reward", { ripcordRewardBps: 20 }],
        ["a higher ripcord reward cap", { maxRipcordReward: USDC(200) }],
      ];
      const tightening: [string, Partial<LeverageConfig>][] = [
        ["a lower band floor (wider)", { minWad: x(1.6) }],
        ["a higher band ceiling (wider)", { maxWad: x(2.4) }],
        ["a lower LTV cap", { maxLtvBps: 6_000 }],
        ["a lower ripcord reward", { ripcordRewardBps: 5 }],
        ["a lower ripcord reward cap", { maxRipcordReward: USDC(50) }],
        ["no change", {}],
      ];
      for (const [what, change] of loosening) {
        await expect(delayed.setLeverageConfig({ ...config, ...change }), what).to.be.revertedWithCustomError(
          delayed,
          "ChangeNotReady",
        );
        expect(await delayed.leverageConfig(), what).to.deep.equal(Object.values(config));
      }
      for (const [what, change] of tightening) {
        const snap = await hre.network.provider.send("evm_snapshot", []);
        await expect(delayed.setLeverageConfig({ ...config, ...change }), what).to.emit(
          delayed,
          "LeverageConfigSet",
        );
        expect(await delayed.leverageConfig(), what).to.deep.equal(Object.values({ ...config, ...change }));
        await hre.network.provider.send("evm_revert", [snap]);
      }
      // Queued and waited for, the loosening change applies.
      const next = { ...config, maxLtvBps: 7_000 };
      await (
        await delayed.queueChange(delayed.interface.encodeFunctionData("setLeverageConfig", [next]))
      ).wait();
      await hre.network.provider.send("evm_increaseTime", [86_400]);
      await expect(delayed.setLeverageConfig(next)).to.emit(delayed, "LeverageConfigSet");
      expect((await delayed.leverageConfig()).maxLtvBps).to.equal(7_000n);
    });
  });

  describe("construction", () => {
    it("an extension over three assets is refused (InvalidAssetCount); a market that does not list them, NotALendingMarket", async () => {
      const market = f.market;
      const { deployer } = await hre.getNamedAccounts();
      const three = await localAssetInputs(market, [
        { symbol: "USDC", maxStalenessSeconds: 86_400 },
        { symbol: "WETH", maxStalenessSeconds: 86_400 },
        { symbol: "WBTC", maxStalenessSeconds: 86_400 },
      ]);
      const chain = localChain(market);
      const lending = {
        adapter: (await deployments.get(LENDING_ADAPTER)).address,
        market: (await deployments.get(LENDING_NAMES.pool)).address,
      };
      const factory = await hre.ethers.getContractFactory(
        "LeverageVaultExt",
        await hre.ethers.getSigner(deployer),
      );
      await expect(factory.deploy(engineInit(three, chain), lending, 0))
        .to.be.revertedWithCustomError(factory, "InvalidAssetCount")
        .withArgs(3);
      // WBTC is not listed on the local Aave market.
      const wbtc = await localAssetInputs(market, [
        { symbol: "USDC", maxStalenessSeconds: 86_400 },
        { symbol: "WBTC", maxStalenessSeconds: 86_400 },
      ]);
      const adapter = await hre.ethers.getContractAt("AaveV3LendingAdapter", lending.adapter);
      await expect(factory.deploy(engineInit(wbtc, chain), lending, 0)).to.be.revertedWithCustomError(
        adapter,
        "NotALendingMarket",
      );
    });

    it("a core refuses a flows module built for another vault (FlowsMismatch)", async () => {
      const other = await deployLocalLeverageVault(hre, "levOther", demoLeveragePreset());
      void other;
      const foreignFlows = (await deployments.get("LeverageFlows_levOther")).address;
      const ext = (await deployments.get(NAMES.extension("levv"))).address;
      const factory = await hre.ethers.getContractFactory("LeverageVault");
      const p = demoLeveragePreset();
      await expect(
        factory.deploy(
          ext,
          foreignFlows,
          "x",
          "x",
          {
            admin: f.admin.address,
            guardian: f.admin.address,
            settings: p.settings,
            amounts: p.amounts,
            maxStalenessSeconds: [86_400, 86_400],
          },
          p.config,
          { venues: [], minSplitGainWad: 0 },
        ),
      )
        .to.be.revertedWithCustomError(factory, "FlowsMismatch")
        .withArgs(foreignFlows);
    });

    it("the flows module called directly refuses (NotDelegated)", async () => {
      const flows = await hre.ethers.getContractAt(
        "LeverageFlows",
        (await deployments.get("LeverageFlows_levv")).address,
      );
      await expect(flows.deposit(1n, f.alice.address)).to.be.revertedWithCustomError(flows, "NotDelegated");
      await expect(flows.ripcord()).to.be.revertedWithCustomError(flows, "NotDelegated");
      const [table, lending] = await flows.flowsConfig();
      expect(table).to.equal((await f.vault.extensionImmutables()).assetTable);
      expect(lending.market).to.equal((await f.vault.lending()).market);
    });
  });

  describe("flows", () => {
    it("deposit: zero, a zero receiver, while paused: each one error, nothing moved", async () => {
      await expect(f.vault.connect(f.alice).deposit(0n, f.alice.address)).to.be.revertedWithCustomError(
        f.vault,
        "ZeroAmount",
      );
      await expect(f.vault.connect(f.alice).deposit(WETH("1"), ZeroAddress)).to.be.revertedWithCustomError(
        f.vault,
        "ZeroAddress",
      );
      await (await f.vault.pause()).wait();
      await expect(
        f.vault.connect(f.alice).deposit(WETH("1"), f.alice.address),
      ).to.be.revertedWithCustomError(f.vault, "DepositMoreThanMax");
      expect(await f.vault.totalSupply()).to.equal(0n);
    });

    it("redeem: zero, a zero receiver, more than held, and another's shares without allowance; then with it", async () => {
      await (await f.vault.connect(f.alice).deposit(WETH("2"), f.alice.address)).wait();
      const shares = await f.vault.balanceOf(f.alice.address);
      const r = f.vault.connect(f.alice);
      await expect(r.redeem(0n, f.alice.address, f.alice.address)).to.be.revertedWithCustomError(
        f.vault,
        "ZeroAmount",
      );
      await expect(r.redeem(1n, ZeroAddress, f.alice.address)).to.be.revertedWithCustomError(
        f.vault,
        "ZeroAddress",
      );
      await expect(r.redeem(shares + 1n, f.alice.address, f.alice.address)).to.be.revertedWithCustomError(
        f.vault,
        "RedeemMoreThanMax",
      );
      await expect(f.vault.connect(f.bob).redeem(shares, f.bob.address, f.alice.address)).to.be.reverted;
      await (await r.approve(f.bob.address, shares)).wait();
      // Unlevered: no debt slice, the collateral comes straight back.
      const before = await f.market.tokens.WETH.balanceOf(f.bob.address);
      await (await f.vault.connect(f.bob).redeem(shares, f.bob.address, f.alice.address)).wait();
      expect((await f.market.tokens.WETH.balanceOf(f.bob.address)) - before).to.be.closeTo(
        WETH("2"),
        10n ** 9n,
      );
    });

    it("views: asset, totalAssets, convertToShares / convertToAssets agree with the deposit", async () => {
      await (await f.vault.connect(f.alice).deposit(WETH("2"), f.alice.address)).wait();
      expect(await f.vault.asset()).to.equal(await f.market.tokens.WETH.getAddress());
      expect(await f.vault.totalAssets()).to.be.closeTo(WETH("2"), 10n ** 6n);
      const shares = await f.vault.balanceOf(f.alice.address);
      expect(await f.vault.convertToAssets(shares)).to.be.closeTo(WETH("2"), 10n ** 6n);
      expect(await f.vault.convertToShares(WETH("2"))).to.be.closeTo(shares, shares / 1_000_000n);
      const s = await f.vault.leverageStatus();
      expect(s.healthFactorWad).to.equal(MaxUint256); // no debt
      expect(s.loanToValueBps).to.equal(0n);
      expect(await f.vault.name()).to.equal("Ballast WETH 2x");
      expect(await f.vault.symbol()).to.equal("bWETHx");
      expect(await f.vault.decimals()).to.equal(18n);
    });

    it("a stale feed: deposits refuse (OracleUnhealthy), leverageStatus reports the reason and no figures", async () => {
      await (await f.vault.connect(f.alice).deposit(WETH("2"), f.alice.address)).wait();
      await time.increase(2 * 86_400);
      await expect(
        f.vault.connect(f.alice).deposit(WETH("1"), f.alice.address),
      ).to.be.revertedWithCustomError(f.vault, "OracleUnhealthy");
      const s = await f.vault.leverageStatus();
      expect(s.reason).to.equal(BigInt(Reason.OracleStale));
      expect(s.navWad).to.equal(0n);
      // The ripcord needs healthy prices too.
      await expect(f.vault.ripcord()).to.be.revertedWithCustomError(f.vault, "OracleUnhealthy");
    });

    it("ripcord: refused below its bound, naming the leverage and the bound (RipcordNotDue)", async () => {
      await (await f.vault.connect(f.alice).deposit(WETH("2"), f.alice.address)).wait();
      await expect(f.vault.ripcord())
        .to.be.revertedWithCustomError(f.vault, "RipcordNotDue")
        .withArgs(WAD, config.ripcordWad);
    });
  });

  describe("more refusals", () => {
    it("a dust deposit worth no share is refused (ZeroAmount); nothing moved", async () => {
      await expect(f.vault.connect(f.alice).deposit(1n, f.alice.address)).to.be.revertedWithCustomError(
        f.vault,
        "ZeroAmount",
      );
      expect(await f.vault.totalSupply()).to.equal(0n);
    });

    it("an inactive vault's ripcord is refused (RebalanceNotDue(NotActive, 0))", async () => {
      const idle = await deployLocalLeverageVault(hre, "levIdle", demoLeveragePreset(), 0, false);
      await expect(idle.ripcord())
        .to.be.revertedWithCustomError(idle, "RebalanceNotDue")
        .withArgs(Reason.NotActive, 0);
    });

    it("the flash-loan callback, even from the market itself, refuses a loan the vault did not start", async () => {
      const pool = await f.lending.pool.getAddress();
      await hre.network.provider.send("hardhat_impersonateAccount", [pool]);
      await hre.network.provider.send("hardhat_setBalance", [pool, "0x56BC75E2D63100000"]);
      const asPool = f.vault.connect(await hre.ethers.getSigner(pool));
      const usdc = await f.market.tokens.USDC.getAddress();
      const me = await f.vault.getAddress();
      // Another initiator; the vault as initiator but no delever in flight; the wrong asset.
      for (const [asset, initiator] of [
        [usdc, f.alice.address],
        [usdc, me],
        [await f.market.tokens.WETH.getAddress(), me],
      ]) {
        await expect(asPool.executeOperation(asset, 1n, 0n, initiator, "0x"))
          .to.be.revertedWithCustomError(f.vault, "UnexpectedCallback")
          .withArgs(pool);
      }
      await hre.network.provider.send("hardhat_stopImpersonatingAccount", [pool]);
    });

    it("a ripcord with its reward set to 0 pays nothing and still delevers", async () => {
      await (await f.vault.connect(f.alice).deposit(WETH("5"), f.alice.address)).wait();
      await (await f.vault.connect(f.keeper).rebalance()).wait();
      await (await f.vault.setLeverageConfig({ ...config, ripcordRewardBps: 0 })).wait();
      await movePrices(f.market, { WETH: 2000, USDC: 1 }, f.arbitrageur); // ≈ 2.8x: past the ripcord
      const before = await f.market.tokens.USDC.balanceOf(f.keeper.address);
      await expect(f.vault.connect(f.keeper).ripcord()).to.emit(f.vault, "Ripcorded");
      expect(await f.market.tokens.USDC.balanceOf(f.keeper.address)).to.equal(before);
      expect((await f.vault.leverageStatus()).leverageWad).to.be.lt(config.ripcordWad);
    });

    it("a lever the quote held already pays for borrows nothing", async () => {
      await (await f.vault.connect(f.alice).deposit(WETH("5"), f.alice.address)).wait();
      // Someone sends the vault 20,000 USDC: more than the lever spends.
      await (await f.market.tokens.USDC.mint(await f.vault.getAddress(), parseUnits("20000", 6))).wait();
      await (await f.vault.connect(f.keeper).rebalance()).wait();
      const usdc = await f.market.tokens.USDC.getAddress();
      const debtToken = (await f.lending.pool.getReserveData(usdc)).variableDebtTokenAddress;
      expect(
        await (await hre.ethers.getContractAt("IERC20", debtToken)).balanceOf(await f.vault.getAddress()),
      ).to.equal(0n);
    });

    it("a feed with no usable answer: totalAssets refuses (OracleUnhealthy, the asset)", async () => {
      await (await f.vault.connect(f.alice).deposit(WETH("1"), f.alice.address)).wait();
      await setFeedPrice(f.market, "WETH", 0);
      await expect(f.vault.totalAssets())
        .to.be.revertedWithCustomError(f.vault, "OracleUnhealthy")
        .withArgs(Reason.OracleInvalidAnswer, 1);
    });

    it("band-edge landing under the hybrid policy, inside the band: nothing to trade", async () => {
      await (await f.vault.connect(f.alice).deposit(WETH("5"), f.alice.address)).wait();
      await (await f.vault.connect(f.keeper).rebalance()).wait();
      const s = demoLeveragePreset().settings;
      await (
        await f.vault.setEngineSettings({ ...s, mode: Mode.ToBandEdge, bandHysteresisBps: 1000 })
      ).wait();
      expect((await f.vault.rebalanceStatus()).reason).to.equal(BigInt(Reason.WithinBand));
    });
  });

  describe("the predicate's branches", () => {
    it("threshold policy inside the band: WithinBand, no terms read; band-edge mode lands at the edge pulled in", async () => {
      await (await f.vault.connect(f.alice).deposit(WETH("5"), f.alice.address)).wait();
      await (await f.vault.connect(f.keeper).rebalance()).wait(); // ≈ 1.8x, inside the band
      const s = demoLeveragePreset().settings;
      await (await f.vault.setEngineSettings({ ...s, policy: Policy.Threshold })).wait();
      expect((await f.vault.rebalanceStatus()).reason).to.equal(BigInt(Reason.WithinBand));
      await (
        await f.vault.setEngineSettings({
          ...s,
          policy: Policy.Threshold,
          mode: Mode.ToBandEdge,
          bandHysteresisBps: 5000,
        })
      ).wait();
      expect((await f.vault.rebalanceStatus()).reason).to.equal(BigInt(Reason.WithinBand));
      // ETH −25 %: about 2.6x, out of band high; band-edge landing aims at 2.3 − 0.5·0.3 = 2.15x.
      await movePrices(f.market, { WETH: 2250, USDC: 1 }, f.arbitrageur);
      await (await f.vault.connect(f.keeper).rebalance()).wait();
      const lev = Number((await f.vault.leverageStatus()).leverageWad) / 1e18;
      expect(lev).to.be.closeTo(2.15, 0.03);
    });

    it("borrowing off for USDC: LendingUnavailable (detail 0); a WETH supply cap sizes the lever to its room", async () => {
      await (await f.vault.connect(f.alice).deposit(WETH("5"), f.alice.address)).wait();
      const usdc = await f.market.tokens.USDC.getAddress();
      const weth = await f.market.tokens.WETH.getAddress();
      await (await configurator(f).setReserveBorrowing(usdc, false)).wait();
      let st = await f.vault.rebalanceStatus();
      expect(st.reason).to.equal(BigInt(Reason.LendingUnavailable));
      expect(st.detail).to.equal(0n);
      await (await configurator(f).setReserveBorrowing(usdc, true)).wait();
      // Room for one more WETH under the cap (whole tokens): the lever buys at most that.
      const supplied = (await f.vault.leverageStatus()).collateral;
      const aWeth = (await f.lending.pool.getReserveData(weth)).aTokenAddress;
      const total = (await (await hre.ethers.getContractAt("IERC20", aWeth)).totalSupply()) as bigint;
      await (await configurator(f).setSupplyCap(weth, total / WAD + 2n)).wait();
      st = await f.vault.rebalanceStatus();
      expect(st.reason).to.equal(BigInt(Reason.Due));
      expect(st.legs[0].minAmountOut).to.be.lte(WETH("2"));
      await (await f.vault.connect(f.keeper).rebalance()).wait();
      expect((await f.vault.leverageStatus()).collateral - supplied).to.be.lte(WETH("2"));
    });

    it("a paused USDC reserve stops a delever (LendingUnavailable, detail 0)", async () => {
      await (await f.vault.connect(f.alice).deposit(WETH("5"), f.alice.address)).wait();
      await (await f.vault.connect(f.keeper).rebalance()).wait();
      await movePrices(f.market, { WETH: 2000, USDC: 1 }, f.arbitrageur); // ≈ 2.4x: a delever is due
      await (await configurator(f).setReservePause(await f.market.tokens.USDC.getAddress(), true)).wait();
      const st = await f.vault.rebalanceStatus();
      expect(st.reason).to.equal(BigInt(Reason.LendingUnavailable));
      expect(st.detail).to.equal(0n);
    });

    it("an empty vault: EmptyVault; its leverage reads 0", async () => {
      expect((await f.vault.rebalanceStatus()).reason).to.equal(BigInt(Reason.EmptyVault));
      expect((await f.vault.leverageStatus()).leverageWad).to.equal(0n);
    });
  });
});
