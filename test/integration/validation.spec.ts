import { expect } from "chai";
import { MaxUint256, ZeroAddress } from "ethers";
import hre from "hardhat";
import { time } from "@nomicfoundation/hardhat-network-helpers";

import { Reason } from "../../src/vault/enums";
import { localAssetInputs, localChain, type AssetInput } from "../../src/vault/localDeploy";
import { demoHedgePreset, deltaHedgeVaultDeployment } from "../../src/vault/deltaHedge";
import { demoVaultPreset, targetWeightVaultDeployment } from "../../src/vault/targetWeight";
import type { ITargetWeightVault } from "../../typechain-types";
import {
  balancedVaultFixture,
  deployVaultWithDeposit,
  deployWithFactories,
  fund,
  fundedVaultFixture,
  hedgeFixture,
  marketFixture,
  type MarketFixture,
} from "../shared/fixtures";
import { adminChange } from "../shared/helpers";

/**
 * Bad input, one check at a time: every constructor and entry point refuses with the custom error
 * naming what was wrong (with its arguments), and nothing changes. The happy paths are the other
 * suites'; these are the refusals and the rarer configurations (a quote asset with 18 decimals,
 * relative-only bands, an empty vault) that the demo presets never take.
 */

/** The local market's assets in the order given, the first one the quote asset. */
function demoAssets(base: MarketFixture, order = ["USDC", "WETH", "WBTC"]): Promise<AssetInput[]> {
  return localAssetInputs(
    base.market,
    order.map((symbol) => ({ symbol, maxStalenessSeconds: 86_400 })),
  );
}

/** A target-weight vault over `assets` with equal targets and ±5% bands. */
async function twDeployment(base: MarketFixture, assets: AssetInput[]) {
  const preset = demoVaultPreset();
  const weights = assets.length === 2 ? [5000, 5000] : [4000, 3000, 3000];
  // amounts are in the quote asset's units: 18 decimals when the quote is WETH, not USDC's 6
  const unit = assets.length === 2 ? 10n ** 12n : 1n;
  const amounts = {
    minTradeValue: BigInt(preset.amounts.minTradeValue) * unit,
    maxRewardPerCall: BigInt(preset.amounts.maxRewardPerCall) * unit,
    rewardCapPerPeriod: BigInt(preset.amounts.rewardCapPerPeriod) * unit,
  };
  return targetWeightVaultDeployment(
    { ...preset, amounts, assets: assets.map((_, i) => ({ ...preset.assets[i], targetBps: weights[i] })) },
    assets,
    localChain(base.market),
    { admin: base.admin.address, guardian: base.guardian.address },
  );
}

describe("bad input is refused with its error, and changes nothing", () => {
  describe("the extension's constructor (the asset table)", () => {
    /** The demo vault's extension deployed with `mutate`'s init; `mutate` runs after the fixture loads. */
    async function refuses(mutate: (init: Record<string, unknown>, a: AssetInput[]) => unknown) {
      const base = await marketFixture();
      const assets = await demoAssets(base);
      const d = await twDeployment(base, assets);
      const [init, delay] = d.extension.args as [Record<string, unknown>, number];
      const factory = await hre.ethers.getContractFactory("TargetWeightVaultExt");
      const args = await mutate(structuredClone(init), assets);
      return { factory, assets, call: factory.deploy((args ?? init) as never, delay) };
    }

    it("an asset count outside [2, 8]", async () => {
      const one = await refuses((init) => ({ ...init, assets: (init.assets as unknown[]).slice(0, 1) }));
      await expect(one.call).to.be.revertedWithCustomError(one.factory, "InvalidAssetCount").withArgs(1);
      const nine = await refuses((init) => {
        const a = init.assets as unknown[];
        return { ...init, assets: [...a, ...a, ...a] };
      });
      await expect(nine.call).to.be.revertedWithCustomError(nine.factory, "InvalidAssetCount").withArgs(9);
    });

    it("a zero venue module", async () => {
      const r = await refuses((init) => ({ ...init, venueModule: ZeroAddress }));
      await expect(r.call).to.be.revertedWithCustomError(r.factory, "ZeroAddress");
    });

    it("a zero token, a zero feed, or the same token twice", async () => {
      const zeroToken = await refuses((init) => {
        (init.assets as { token: string }[])[1].token = ZeroAddress;
        return init;
      });
      await expect(zeroToken.call)
        .to.be.revertedWithCustomError(zeroToken.factory, "InvalidAsset")
        .withArgs(1, ZeroAddress);
      const zeroFeed = await refuses((init) => {
        (init.assets as { feed: string }[])[2].feed = ZeroAddress;
        return init;
      });
      await expect(zeroFeed.call)
        .to.be.revertedWithCustomError(zeroFeed.factory, "InvalidAsset")
        .withArgs(2, zeroFeed.assets[2].token);
      const twice = await refuses((init) => {
        const a = init.assets as { token: string; feed: string; pool: string }[];
        a[2] = { ...a[1] };
        return init;
      });
      await expect(twice.call)
        .to.be.revertedWithCustomError(twice.factory, "InvalidAsset")
        .withArgs(2, twice.assets[1].token);
    });

    it("a token or a feed with more than 18 decimals", async () => {
      const token = await refuses(async (init) => {
        const wide = await hre.ethers.deployContract("TestERC20", ["Wide", "WIDE", 19]);
        (init.assets as { token: string }[])[0].token = String(wide.target);
        return init;
      });
      await expect(token.call)
        .to.be.revertedWithCustomError(token.factory, "InvalidDecimals")
        .withArgs(0, 19);
      const feed = await refuses(async (init) => {
        const feed19 = await hre.ethers.deployContract("MockV3Aggregator", [19, 10n ** 19n]);
        (init.assets as { feed: string }[])[1].feed = String(feed19.target);
        return init;
      });
      await expect(feed.call).to.be.revertedWithCustomError(feed.factory, "InvalidDecimals").withArgs(1, 19);
    });

    it("a pool on the quote asset, or none on another asset", async () => {
      const quotePool = await refuses((init, a) => {
        (init.assets as { pool: string }[])[0].pool = a[1].pool;
        return init;
      });
      await expect(quotePool.call)
        .to.be.revertedWithCustomError(quotePool.factory, "InvalidAsset")
        .withArgs(0, quotePool.assets[0].token);
      const noPool = await refuses((init) => {
        (init.assets as { pool: string }[])[2].pool = ZeroAddress;
        return init;
      });
      await expect(noPool.call)
        .to.be.revertedWithCustomError(noPool.factory, "InvalidPool")
        .withArgs(2, ZeroAddress);
    });

    it("takes the assets in any order: WBTC's 0.3% pool listed before WETH's 0.05%", async () => {
      const base = await marketFixture();
      const assets = await demoAssets(base, ["USDC", "WBTC", "WETH"]);
      const vault = await deployWithFactories<ITargetWeightVault>(await twDeployment(base, assets));
      expect((await vault.assetConfig(1)).token).to.equal(assets[1].token);
      expect((await vault.assetConfig(2)).poolFee).to.equal(500n);
    });

    it("a delta-hedged vault with other than two assets", async () => {
      const base = await marketFixture();
      const assets = await demoAssets(base);
      const d = deltaHedgeVaultDeployment(
        demoHedgePreset(),
        assets,
        localChain(base.market),
        { admin: base.admin.address, guardian: base.guardian.address },
        base.admin.address,
      );
      const factory = await hre.ethers.getContractFactory("DeltaHedgeVaultExt");
      await expect(factory.deploy(...(d.extension.args as [never])))
        .to.be.revertedWithCustomError(factory, "InvalidAssetCount")
        .withArgs(3);
    });
  });

  describe("the core's constructor (initialize, through the extension)", () => {
    async function deployTw(mutate: (args: unknown[]) => void) {
      const base = await marketFixture();
      const assets = await demoAssets(base);
      const d = await twDeployment(base, assets);
      const args = structuredClone(d.core.args(ZeroAddress));
      mutate(args);
      const deploy = {
        ...d,
        core: { ...d.core, args: (ext: string) => [ext, ...args.slice(1)] },
      };
      // the extension's errors, bubbled up by the core's constructor
      const factory = await hre.ethers.getContractFactory("TargetWeightVaultExt");
      return { factory, call: deployWithFactories(deploy) };
    }

    it("a zero admin, a zero guardian, or one staleness limit per asset missing", async () => {
      const admin = await deployTw((a) => ((a[3] as { admin: string }).admin = ZeroAddress));
      await expect(admin.call).to.be.revertedWithCustomError(admin.factory, "ZeroAddress");
      const guardian = await deployTw((a) => ((a[3] as { guardian: string }).guardian = ZeroAddress));
      await expect(guardian.call).to.be.revertedWithCustomError(guardian.factory, "ZeroAddress");
      const staleness = await deployTw((a) =>
        (a[3] as { maxStalenessSeconds: number[] }).maxStalenessSeconds.pop(),
      );
      await expect(staleness.call)
        .to.be.revertedWithCustomError(staleness.factory, "InvalidAssetCount")
        .withArgs(2);
    });

    it("bands of the wrong length", async () => {
      const bands = await deployTw((a) => (a[4] as { relBandBps: number[] }).relBandBps.pop());
      await expect(bands.call).to.be.revertedWithCustomError(bands.factory, "InvalidAssetCount").withArgs(3);
    });
  });

  describe("a target-weight vault's entry points", () => {
    it("redeemInKind and mintInKind: zero shares, a zero receiver", async () => {
      const { vault, alice } = await fundedVaultFixture();
      const before = await vault.balanceOf(alice.address);
      await expect(
        vault.connect(alice).redeemInKind(0, alice.address, alice.address),
      ).to.be.revertedWithCustomError(vault, "ZeroAmount");
      await expect(
        vault.connect(alice).redeemInKind(1, ZeroAddress, alice.address),
      ).to.be.revertedWithCustomError(vault, "ZeroAddress");
      await expect(vault.connect(alice).mintInKind(0, alice.address)).to.be.revertedWithCustomError(
        vault,
        "ZeroAmount",
      );
      await expect(vault.connect(alice).mintInKind(1, ZeroAddress)).to.be.revertedWithCustomError(
        vault,
        "ZeroAddress",
      );
      expect(await vault.balanceOf(alice.address)).to.equal(before);
    });

    it("a spender redeems in kind and withdraws only within its allowance, which they use up", async () => {
      const { vault, alice, bob, market } = await balancedVaultFixture();
      const shares = (await vault.balanceOf(alice.address)) / 100n;
      // solady's ERC20 error, declared by the core
      const core = await hre.ethers.getContractAt("TargetWeightVault", await vault.getAddress());
      await expect(
        vault.connect(bob).redeemInKind(shares, bob.address, alice.address),
      ).to.be.revertedWithCustomError(core, "InsufficientAllowance");
      await (await vault.connect(alice).approve(bob.address, shares * 3n)).wait();
      await (await vault.connect(bob).redeemInKind(shares, bob.address, alice.address)).wait();
      expect(await vault.allowance(alice.address, bob.address)).to.equal(shares * 2n);
      const usdc = 1_000n * 10n ** 6n;
      const bobBefore = await market.tokens.USDC.balanceOf(bob.address);
      await (await vault.connect(bob).withdraw(usdc, bob.address, alice.address)).wait();
      expect((await market.tokens.USDC.balanceOf(bob.address)) - bobBefore).to.equal(usdc);
      expect(await vault.allowance(alice.address, bob.address)).to.be.lt(shares * 2n);
    });

    it("mint, deposit and mintInKind while paused: refused with the ERC-4626 limit errors", async () => {
      const { vault, alice, guardian, market } = await fundedVaultFixture();
      await fund(market, "USDC", alice, "1000", await vault.getAddress());
      await (await vault.connect(guardian).pause()).wait();
      const supply = await vault.totalSupply();
      await expect(vault.connect(alice).mint(10n ** 9n, alice.address)).to.be.revertedWithCustomError(
        vault,
        "MintMoreThanMax",
      );
      await expect(vault.connect(alice).mintInKind(10n ** 9n, alice.address)).to.be.revertedWithCustomError(
        vault,
        "MintMoreThanMax",
      );
      await expect(vault.connect(alice).deposit(10n ** 6n, alice.address)).to.be.revertedWithCustomError(
        vault,
        "DepositMoreThanMax",
      );
      expect(await vault.totalSupply()).to.equal(supply);
    });

    it("setBands: lists of the wrong length; relative-only and mixed bands are valid", async () => {
      const f = await balancedVaultFixture();
      const { vault, admin } = f;
      const before = await vault.targets();
      await expect(vault.connect(admin).setBands([500, 500], [0, 0, 0]))
        .to.be.revertedWithCustomError(vault, "InvalidAssetCount")
        .withArgs(2);
      await expect(vault.connect(admin).setBands([500, 500, 500], [0, 0]))
        .to.be.revertedWithCustomError(vault, "InvalidAssetCount")
        .withArgs(3);
      expect(await vault.targets()).to.deep.equal(before);
      // USDC relative only (±20% of its target), WETH both (the narrower applies), WBTC absolute only
      await adminChange(f, "setBands", [
        [0, 500, 500],
        [2000, 1000, 0],
      ]);
      const [, abs, rel] = await vault.targets();
      expect([abs, rel].map((x) => x.map(Number))).to.deep.equal([
        [0, 500, 500],
        [2000, 1000, 0],
      ]);
      // the views still answer on the new bands: at target, no asset is out of band
      expect((await vault.rebalanceStatus()).outOfBand).to.equal(false);
    });

    it("a vault with nothing in it is EmptyVault, and says so everywhere", async () => {
      const base = await marketFixture();
      const { vault } = await deployVaultWithDeposit(base, "empty", demoVaultPreset(), "0");
      const st = await vault.rebalanceStatus();
      expect(st.reason).to.equal(BigInt(Reason.EmptyVault));
      await expect(vault.rebalance())
        .to.be.revertedWithCustomError(vault, "RebalanceNotDue")
        .withArgs(Reason.EmptyVault, 0);
      expect(await vault.name()).to.equal(demoVaultPreset().name);
      expect(await vault.symbol()).to.equal(demoVaultPreset().symbol);
      expect(await vault.decimals()).to.equal(18n); // USDC's 6 and an offset of 12
    });

    it("a quote asset with 18 decimals: shares carry 18 decimals, and a deposit and redemption round-trip", async () => {
      const base = await marketFixture();
      // WETH as the quote asset and USDC as the asset, on the same WETH/USDC pool
      const [usdcIn, wethIn] = await demoAssets(base, ["USDC", "WETH"]);
      const assets = [
        { ...wethIn, pool: ZeroAddress },
        { ...usdcIn, pool: wethIn.pool },
      ];
      const vault = await deployWithFactories<ITargetWeightVault>(await twDeployment(base, assets));
      expect(await vault.decimals()).to.equal(24n); // WETH's 18 and an offset of 6
      const probe = [await vault.probeAmount(0), await vault.probeAmount(1)];
      await fund(base.market, "WETH", base.admin, "1", await vault.getAddress());
      await fund(base.market, "USDC", base.admin, "1", await vault.getAddress());
      await (await vault.connect(base.admin).activate()).wait();
      await expect(vault.connect(base.admin).activate()).to.be.revertedWithCustomError(
        vault,
        "AlreadyActive",
      );
      expect(probe).to.deep.equal([10n ** 16n, 10n ** 4n]);
      const weth = await fund(base.market, "WETH", base.alice, "2", await vault.getAddress());
      await (await vault.connect(base.alice).deposit(weth, base.alice.address)).wait();
      const shares = await vault.balanceOf(base.alice.address);
      expect(shares).to.be.gt(0n);
      await (
        await vault.connect(base.alice).redeemInKind(shares, base.alice.address, base.alice.address)
      ).wait();
      expect(await vault.totalSupply()).to.equal(0n);
      expect(await base.market.tokens.WETH.balanceOf(base.alice.address)).to.be.within(weth - 1n, weth);
    });
  });

  describe("a delta-hedged vault's admin calls", () => {
    it("withdrawFunds to zero, an asset index past the two, a zero book: refused; the target delta is set", async () => {
      const { vault, admin } = await hedgeFixture();
      const before = await vault.book();
      await expect(vault.connect(admin).withdrawFunds(0, 1, ZeroAddress)).to.be.revertedWithCustomError(
        vault,
        "ZeroAddress",
      );
      await expect(vault.connect(admin).fund(2, 1))
        .to.be.revertedWithCustomError(vault, "InvalidAsset")
        .withArgs(2, ZeroAddress);
      await expect(vault.connect(admin).setBook(ZeroAddress)).to.be.revertedWithCustomError(
        vault,
        "ZeroAddress",
      );
      expect(await vault.book()).to.equal(before);
      await (await vault.connect(admin).setTargetDelta(10n ** 18n)).wait();
      expect(await vault.targetDeltaWad()).to.equal(10n ** 18n);
    });

    it("setGuardian to zero is refused", async () => {
      const { vault, admin, guardian } = await hedgeFixture();
      await expect(vault.connect(admin).setGuardian(ZeroAddress)).to.be.revertedWithCustomError(
        vault,
        "ZeroAddress",
      );
      expect(await vault.guardian()).to.equal(guardian.address);
    });
  });

  describe("oracle rounds the vault cannot use", () => {
    it("a price round stamped in the future is OracleStale", async () => {
      const { vault, market } = await balancedVaultFixture();
      const now = await time.latest();
      const feed = market.feeds.ETH_USD;
      const answer = (await feed.latestRoundData())[1];
      await (await feed.updateRoundData(99, answer, now + 3600, now + 3600)).wait();
      const st = await vault.rebalanceStatus();
      expect(st.reason).to.equal(BigInt(Reason.OracleStale));
      await expect(vault.rebalance()).to.be.revertedWithCustomError(vault, "RebalanceNotDue");
    });

    it("an oversized answer is OracleInvalidAnswer", async () => {
      const { vault, market } = await balancedVaultFixture();
      await (await market.feeds.BTC_USD.updateAnswer(MaxUint256 >> 2n)).wait();
      expect((await vault.rebalanceStatus()).reason).to.equal(BigInt(Reason.OracleInvalidAnswer));
    });
  });
});
