import { expect } from "chai";
import { MaxUint256, parseUnits, ZeroAddress } from "ethers";
import hre from "hardhat";
import { time } from "@nomicfoundation/hardhat-network-helpers";

import type { HostileAdapter, ITargetWeightVault } from "../../typechain-types";
import { NAMES } from "../../src/deployments";
import { swapVenueTo } from "../../src/market/localMarket";
import { demoVaultPreset } from "../../src/vault/targetWeight";
import { balancedVault, deployVaultWithDeposit, marketFixture, type VaultFixture } from "../shared/fixtures";
import type { ContractTransactionReceipt, LogDescription } from "ethers";
import { advanceAndMove, adminChange, weights } from "../shared/helpers";

/**
 * The venue module inside a vault, on the local market's real venues: the list and its setter,
 * split execution, per-venue deviation, and what a faulty adapter, a stranger or a direct caller
 * can do (nothing that moves value).
 */

const address = (name: string) => hre.deployments.get(name).then((d) => d.address);

interface VenueRow {
  adapter: string;
  pool: string;
  asset: number;
  counter: number;
}

/** Alice deposits 9M USDC more: a $10M vault whose first call buys a WETH leg of about $1.25M. */
async function growTo10M(f: VaultFixture): Promise<void> {
  const more = parseUnits("9000000", 6);
  await (await f.market.tokens.USDC.mint(f.alice.address, more)).wait();
  await (await f.market.tokens.USDC.connect(f.alice).approve(await f.vault.getAddress(), MaxUint256)).wait();
  await (await f.vault.connect(f.alice).deposit(more, f.alice.address)).wait();
}

/** The vault's events in a receipt (its own and its venue module's). */
function parsed(vault: ITargetWeightVault, rc: ContractTransactionReceipt): LogDescription[] {
  return rc.logs.map((l) => vault.interface.parseLog(l)).filter((e): e is LogDescription => e !== null);
}

async function venuesOf(vault: ITargetWeightVault): Promise<VenueRow[]> {
  const [list] = await vault.venues();
  return list.map((v) => ({
    adapter: v.adapter,
    pool: v.pool,
    asset: Number(v.asset),
    counter: Number(v.counter),
  }));
}

/** The WETH/USDC venues of the local market beyond the primary pool, with their adapters. */
async function wethVenues(f: VaultFixture): Promise<VenueRow[]> {
  const adapterFor = {
    uniswapV3: "UniswapV3",
    uniswapV2: "UniswapV2",
    balancerWeighted: "BalancerV2",
  } as const;
  return Promise.all(
    f.market.venues
      .filter((v) => v.spec.asset === "WETH" && v.spec.quote === "USDC")
      .map(async (v) => ({
        adapter: await address(NAMES.adapter(adapterFor[v.spec.kind])),
        pool: await v.contract.getAddress(),
        asset: 1,
        counter: 0,
      })),
  );
}

describe("venue module (inside a vault, real venues)", () => {
  let f: VaultFixture;

  beforeEach(async () => {
    const base = await marketFixture();
    f = await deployVaultWithDeposit(base, "venues", demoVaultPreset());
  });

  it("lists each asset's pool as a built-in venue: adapter zero, the pool as its target", async () => {
    const [list, gain] = await f.vault.venues();
    expect(list.map((v) => [v.adapter, v.pool, v.target, Number(v.asset), Number(v.counter)])).to.deep.equal([
      [
        ZeroAddress,
        await f.market.pools.WETH.contract.getAddress(),
        await f.market.pools.WETH.contract.getAddress(),
        1,
        0,
      ],
      [
        ZeroAddress,
        await f.market.pools.WBTC.contract.getAddress(),
        await f.market.pools.WBTC.contract.getAddress(),
        2,
        0,
      ],
    ]);
    expect(gain).to.equal(0n);
  });

  it("only the owner sets venues; adding waits for the delay, removing applies at once; approvals follow", async () => {
    const current = await venuesOf(f.vault);
    const extra = (await wethVenues(f))[1]; // Uniswap V2 through Router02
    const router02 = await address(NAMES.UniswapV2Router02);
    await expect(f.vault.connect(f.stranger).setVenues([...current, extra], 0))
      .to.be.revertedWithCustomError(f.vault, "OwnableUnauthorizedAccount")
      .withArgs(f.stranger.address);
    await expect(f.vault.setVenues([...current, extra], 0)).to.be.revertedWithCustomError(
      f.vault,
      "ChangeNotReady",
    );
    expect(await adminChange(f, "setVenues", [[...current, extra], 0])).to.equal(true);
    expect(await venuesOf(f.vault)).to.deep.equal([...current, extra]);
    const vaultAddr = await f.vault.getAddress();
    expect(await f.market.tokens.USDC.allowance(vaultAddr, router02)).to.equal(MaxUint256);
    expect(await f.market.tokens.WETH.allowance(vaultAddr, router02)).to.equal(MaxUint256);
    // Removing it is immediate, and the router's approvals go with it.
    await (await f.vault.setVenues(current, 0)).wait();
    expect(await venuesOf(f.vault)).to.deep.equal(current);
    expect(await f.market.tokens.USDC.allowance(vaultAddr, router02)).to.equal(0n);
    expect(await f.market.tokens.WETH.allowance(vaultAddr, router02)).to.equal(0n);
    // Raising the split threshold tightens (at once); lowering it back loosens (waits).
    await (await f.vault.setVenues(current, 10n ** 18n)).wait();
    await expect(f.vault.setVenues(current, 0)).to.be.revertedWithCustomError(f.vault, "ChangeNotReady");
  });

  it("refuses a malformed list with the index it names, and changes nothing", async () => {
    const current = await venuesOf(f.vault);
    const pair = await f.market.venues.find((v) => v.spec.kind === "uniswapV2")!.contract.getAddress();
    const v3router = await address(NAMES.adapter("UniswapV3"));
    const bad: [VenueRow[], string, unknown[]][] = [
      [[...current, { ...current[0], asset: 0 }], "InvalidVenue", [2]],
      [[...current, { ...current[0], counter: 1 }], "InvalidVenue", [2]],
      [[...current, { ...current[0], asset: 3 }], "InvalidVenue", [2]],
      [[...current, current[1]], "InvalidVenue", [2]],
      [[...current, { adapter: v3router, pool: pair, asset: 1, counter: 0 }], "InvalidVenue", [2]],
      [[...current, { adapter: ZeroAddress, pool: pair, asset: 1, counter: 0 }], "InvalidVenue", [2]],
      [[current[0]], "NoVenue", [2]],
    ];
    for (const [list, error, args] of bad) {
      await expect(f.vault.setVenues(list, 0))
        .to.be.revertedWithCustomError(f.vault, error)
        .withArgs(...args);
    }
    expect(await venuesOf(f.vault)).to.deep.equal(current);
  });

  it("refuses more than 24 venues, and answers its list only inside a vault", async () => {
    const current = await venuesOf(f.vault);
    const many = Array.from({ length: 25 }, () => current[0]);
    await expect(f.vault.setVenues(many, 0))
      .to.be.revertedWithCustomError(f.vault, "InvalidVenue")
      .withArgs(24);
    const module = await hre.ethers.getContractAt("IVenueModule", await address(NAMES.VenueModule));
    await expect(module.venues()).to.be.revertedWithCustomError(f.vault, "NotDelegated");
  });

  it("splits a leg large enough to pay for it across the WETH venues, and lands within the bounds", async () => {
    await adminChange(f, "setVenues", [[...(await venuesOf(f.vault)), ...(await wethVenues(f))], 0]);
    // A $10M vault: its first call trades 25 % of NAV, a WETH leg of about $1.25M, which moves the
    // 0.05 % pool enough that the other venues are cheaper at the margin.
    await growTo10M(f);
    const rc = await (await f.vault.connect(f.keeper).rebalance()).wait();
    const events = parsed(f.vault, rc!);
    const slices = events.filter((e) => e.name === "VenueSwap").map((e) => Number(e.args.venue));
    expect(new Set(slices).size).to.be.greaterThan(1);
    for (const leg of events.filter((e) => e.name === "RebalanceLeg"))
      expect(leg.args.amountOut).to.be.at.least(leg.args.minAmountOut);
  });

  it("keeps a leg on one venue when no extra venue adds minSplitGainWad of expected output", async () => {
    // The same $1.25M leg as above, with a threshold no extra venue can meet ($1M of gain).
    await adminChange(f, "setVenues", [[...(await venuesOf(f.vault)), ...(await wethVenues(f))], 10n ** 24n]);
    await growTo10M(f);
    const rc = await (await f.vault.connect(f.keeper).rebalance()).wait();
    const used = parsed(f.vault, rc!)
      .filter((e) => e.name === "VenueSwap")
      .map((e) => Number(e.args.venue));
    expect(used).to.deep.equal([0]); // the WETH leg, whole, on the 0.05 % pool
  });

  it("skips a venue pushed beyond the deviation bound when another remains", async () => {
    await adminChange(f, "setVenues", [[...(await venuesOf(f.vault)), ...(await wethVenues(f))], 0]);
    // The 0.3 % tier pushed 2 % off: the plan still trades WETH, never on it.
    const tier = f.market.venues.find((v) => v.spec.kind === "uniswapV3" && v.spec.asset === "WETH")!;
    await swapVenueTo(f.market, tier, 200, f.stranger);
    const list = await venuesOf(f.vault);
    const pushed = list.findIndex((v) => v.pool === (tier.contract.target as string));
    const st = await f.vault.rebalanceStatus();
    expect(st.reason).to.equal(0n);
    const rc = await (await f.vault.connect(f.keeper).rebalance()).wait();
    const used = rc!.logs
      .map((l) => f.vault.interface.parseLog(l))
      .filter((e) => e?.name === "VenueSwap")
      .map((e) => Number(e!.args.venue));
    expect(used).to.not.include(pushed);
  });

  describe("a faulty adapter is refused or bounded", () => {
    let hostile: HostileAdapter;
    let venue: number;

    beforeEach(async () => {
      hostile = (await hre.ethers.deployContract("HostileAdapter", [
        await address(NAMES.adapter("UniswapV3")),
        f.stranger.address,
      ])) as unknown as HostileAdapter;
      // WETH's only venue: its pool through the hostile adapter (over SwapRouter).
      const current = await venuesOf(f.vault);
      const list = [{ ...current[0], adapter: await hostile.getAddress() }, current[1]];
      await adminChange(f, "setVenues", [list, 0]);
      venue = 0;
    });

    it("an honest call goes through", async () => {
      await (await f.vault.connect(f.keeper).rebalance()).wait();
    });

    it("a call to another address, or one that sends ETH, is refused before it is sent", async () => {
      await (await hostile.setMode(1)).wait();
      await expect(f.vault.connect(f.keeper).rebalance())
        .to.be.revertedWithCustomError(f.vault, "VenueCallRefused")
        .withArgs(venue, f.stranger.address, 0);
      await (await hostile.setMode(2)).wait();
      await expect(f.vault.connect(f.keeper).rebalance())
        .to.be.revertedWithCustomError(f.vault, "VenueCallRefused")
        .withArgs(venue, await address(NAMES.SwapRouter), 1);
    });

    it("a swap of more than the slice's input reverts (measured)", async () => {
      await (await hostile.setMode(3)).wait();
      await expect(f.vault.connect(f.keeper).rebalance()).to.be.revertedWithCustomError(
        f.vault,
        "VenueOverspent",
      );
    });

    it("output sent elsewhere reverts with what arrived (measured), whatever minimum the call carried", async () => {
      await (await hostile.setMode(4)).wait();
      await expect(f.vault.connect(f.keeper).rebalance())
        .to.be.revertedWithCustomError(f.vault, "VenueOutputTooLow")
        .withArgs(venue, 0, (v: bigint) => v > 0n);
    });
  });

  describe("direct routes (WBTC/WETH)", () => {
    let d: VaultFixture;
    let direct: VenueRow;

    beforeEach(async () => {
      d = await balancedVault(await marketFixture(), "direct", demoVaultPreset());
      const pool = d.market.venues.find((v) => v.spec.asset === "WBTC" && v.spec.quote === "WETH")!;
      direct = { adapter: ZeroAddress, pool: await pool.contract.getAddress(), asset: 2, counter: 1 };
      // WETH −20 %, WBTC +20 %: the vault holds 24 % WETH and 36 % WBTC, USDC stays at 40 %; the
      // rebalance sells WBTC and buys WETH, the same value.
      await advanceAndMove(d.market, d.arbitrageur, 3600, { WETH: "2400", WBTC: "72000" });
    });

    async function rebalanceNav(fx: VaultFixture) {
      const rc = await (await fx.vault.connect(fx.keeper).rebalance()).wait();
      return { rc: rc!, nav: (await weights(fx.vault)).nav, events: parsed(fx.vault, rc!) };
    }

    it("trades the shared part of a sell and a buy on the pair's pool, within one slippage bound, and keeps more NAV than through USDC", async () => {
      const snap = await hre.network.provider.send("evm_snapshot", []);
      const through = await rebalanceNav(d);
      expect(through.events.filter((e) => e.name === "DirectLeg")).to.have.length(0);
      await hre.network.provider.send("evm_revert", [snap]);

      await adminChange(d, "setVenues", [[...(await venuesOf(d.vault)), direct], 0]);
      const viaPair = await rebalanceNav(d);
      const legs = viaPair.events.filter((e) => e.name === "DirectLeg");
      expect(legs).to.have.length(1);
      const [assetIn, assetOut, amountIn, amountOut, minAmountOut] = legs[0].args;
      expect([Number(assetIn), Number(assetOut)]).to.deep.equal([2, 1]);
      // The bound, from the oracle alone: amountIn WBTC at 72,000 / 2,400 WETH per WBTC, less 1 %.
      const oracleOut = (amountIn * 30n * 10n ** 18n) / 10n ** 8n;
      expect(minAmountOut).to.be.closeTo((oracleOut * 9_900n) / 10_000n, oracleOut / 10n ** 6n);
      expect(amountOut).to.be.at.least(minAmountOut);
      expect(amountIn).to.be.greaterThan(0n);
      const slices = viaPair.events.filter((e) => e.name === "VenueSwap").map((e) => Number(e.args.venue));
      expect(slices).to.include(2); // the direct pool's index
      // One 0.3 % fee instead of 0.3 % + 0.05 %: the vault keeps more of its value.
      expect(viaPair.nav).to.be.greaterThan(through.nav);
    });

    it("takes a keeper's direct weight as its share of the shared part; the pair's weights cannot pass 10,000 bp", async () => {
      const viaRouter = { ...direct, adapter: await address(NAMES.adapter("UniswapV3")) };
      // The same pool twice (reversed) is a duplicate; through the router it is another venue.
      await expect(
        d.vault.setVenues([...(await venuesOf(d.vault)), direct, { ...direct, asset: 1, counter: 2 }], 0),
      )
        .to.be.revertedWithCustomError(d.vault, "InvalidVenue")
        .withArgs(3);
      await adminChange(d, "setVenues", [[...(await venuesOf(d.vault)), direct, viaRouter], 0]);
      await expect(d.vault.connect(d.keeper).rebalanceRouted([10_000, 10_000, 6_000, 5_000]))
        .to.be.revertedWithCustomError(d.vault, "RouteWeightTooHigh")
        .withArgs(3, 11_000);
      const rc = await (await d.vault.connect(d.keeper).rebalanceRouted([10_000, 10_000, 2_500, 0])).wait();
      const events = parsed(d.vault, rc!);
      const directIn = events.find((e) => e.name === "DirectLeg")!.args.amountIn as bigint;
      const sold = events.find((e) => e.name === "RebalanceLeg" && Number(e.args.asset) === 2)!.args
        .amountIn as bigint;
      // A quarter of the part the WETH buy matched went direct, the rest through USDC: the buy's value
      // is within 2 % of the sell's, so that is just under a quarter of the WBTC sold.
      expect(directIn * 4n).to.be.at.most(directIn + sold);
      expect(directIn * 4n).to.be.at.least(((directIn + sold) * 98n) / 100n);
    });

    it("skips the dust a direct route leaves of a leg (8-decimal output) instead of failing its bound", async () => {
      // The other way round (WETH +30 %, WBTC −10 %): sell WETH, buy WBTC and USDC, the WBTC buy smaller.
      // The direct swap takes nearly all of the WBTC buy; a few USDC units are left, whose minimum
      // output rounds up to one satoshi and whose swap would return zero.
      d = await balancedVault(await marketFixture(), "direct2", demoVaultPreset());
      await adminChange(d, "setVenues", [[...(await venuesOf(d.vault)), direct], 0]);
      await advanceAndMove(d.market, d.arbitrageur, 3600, { WETH: "3900", WBTC: "54000" });
      const { events } = await rebalanceNav(d);
      const directLegs = events.filter((e) => e.name === "DirectLeg");
      expect(directLegs.map((e) => [Number(e.args.assetIn), Number(e.args.assetOut)])).to.deep.equal([
        [1, 2],
      ]);
      for (const leg of events.filter((e) => e.name === "RebalanceLeg")) {
        expect(leg.args.minAmountOut).to.be.at.least(10_000n);
        expect(leg.args.amountOut).to.be.at.least(leg.args.minAmountOut);
      }
    });

    it("leaves the legs to USDC when the pair's pool is pushed beyond the deviation bound", async () => {
      await adminChange(d, "setVenues", [[...(await venuesOf(d.vault)), direct], 0]);
      const pool = d.market.venues.find((v) => v.spec.asset === "WBTC" && v.spec.quote === "WETH")!;
      await swapVenueTo(d.market, pool, 200, d.stranger);
      const { events } = await rebalanceNav(d);
      expect(events.filter((e) => e.name === "DirectLeg")).to.have.length(0);
      expect(events.filter((e) => e.name === "RebalanceLeg")).to.have.length(2);
    });
  });

  describe("a keeper-supplied route", () => {
    let list: VenueRow[];

    beforeEach(async () => {
      list = [...(await venuesOf(f.vault)), ...(await wethVenues(f))]; // 0 WETH pool, 1 WBTC pool, 2.. WETH venues
      await adminChange(f, "setVenues", [list, 0]);
    });

    const routed = (weights: number[]) => f.vault.connect(f.keeper).rebalanceRouted(weights);

    it("splits each leg by its weights, on listed venues only, with the caller's reward", async () => {
      // WETH: all on the Uniswap V2 pair (index 3); WBTC: its only venue.
      const weightsIn = list.map((_, i) => (i === 3 || i === 1 ? 10_000 : 0));
      const usdc = await f.market.tokens.USDC.balanceOf(f.keeper.address);
      const rc = await (await routed(weightsIn)).wait();
      const events = parsed(f.vault, rc!);
      const wethLeg = events.find((e) => e.name === "RebalanceLeg" && Number(e.args.asset) === 1)!;
      expect(wethLeg.args.amountOut).to.be.at.least(wethLeg.args.minAmountOut);
      const slices = events.filter((e) => e.name === "VenueSwap").map((e) => Number(e.args.venue));
      expect(slices).to.deep.equal([3]); // WETH on the pair alone; WBTC's single pool emits none
      const paid = events.find((e) => e.name === "Rebalanced")!.args.reward;
      expect(paid).to.be.greaterThan(0n);
      expect((await f.market.tokens.USDC.balanceOf(f.keeper.address)) - usdc).to.equal(paid);
    });

    it("cannot take a leg below its minimum: all of a $1.25M leg on the thin Balancer pool reverts, nothing moves", async () => {
      await growTo10M(f);
      const balancer = list.findIndex(
        (v) => v.pool === f.market.venues.find((x) => x.spec.kind === "balancerWeighted")!.contract.target,
      );
      const before = await weights(f.vault);
      await expect(routed(list.map((_, i) => (i === balancer || i === 1 ? 10_000 : 0))))
        // The slice's minimum goes into the Balancer call, whose limit check (BAL#507) refuses it;
        // the vault's own measurement would have refused it next.
        .to.be.revertedWith("BAL#507");
      expect(await weights(f.vault)).to.deep.equal(before);
      // The on-chain split of the same leg goes through.
      await (await f.vault.connect(f.keeper).rebalance()).wait();
    });

    it("drops a weighted venue pushed beyond the deviation bound; a leg left with none gets the on-chain split", async () => {
      const tier = f.market.venues.find((v) => v.spec.kind === "uniswapV3" && v.spec.asset === "WETH")!;
      await swapVenueTo(f.market, tier, 200, f.stranger);
      const pushed = list.findIndex((v) => v.pool === (tier.contract.target as string));
      const rc = await (await routed(list.map((_, i) => (i === pushed || i === 1 ? 10_000 : 0)))).wait();
      const events = parsed(f.vault, rc!);
      expect(events.filter((e) => e.name === "VenueSwap").map((e) => Number(e.args.venue))).to.not.include(
        pushed,
      );
      expect(events.filter((e) => e.name === "RebalanceLeg")).to.have.length(2);
    });

    it("refuses a route of the wrong length, or a weight above 10,000 bp, before anything runs", async () => {
      await expect(routed([10_000]))
        .to.be.revertedWithCustomError(f.vault, "RouteLengthMismatch")
        .withArgs(1, list.length);
      await expect(routed([...list.map(() => 0), 10_000]))
        .to.be.revertedWithCustomError(f.vault, "RouteLengthMismatch")
        .withArgs(list.length + 1, list.length);
      await expect(routed(list.map((_, i) => (i === 2 ? 10_001 : 0))))
        .to.be.revertedWithCustomError(f.vault, "RouteWeightTooHigh")
        .withArgs(2, 10_001);
      expect((await f.vault.engineState()).lastRebalanceAt).to.equal(0n);
    });

    it("is rebalance() with every rule: refused when nothing is due", async () => {
      await (await routed(list.map(() => 1))).wait();
      await expect(routed(list.map(() => 1))).to.be.revertedWithCustomError(f.vault, "RebalanceNotDue");
    });
  });

  it("the swap callback pays no one outside a swap: a stranger, or a pool calling on its own", async () => {
    const vault = await hre.ethers.getContractAt("IVenueModule", await f.vault.getAddress());
    await expect(vault.connect(f.stranger).uniswapV3SwapCallback(10n ** 6n, 0, "0x"))
      .to.be.revertedWithCustomError(f.vault, "UnexpectedCallback")
      .withArgs(f.stranger.address);
    const pool = await f.market.pools.WETH.contract.getAddress();
    await hre.network.provider.send("hardhat_impersonateAccount", [pool]);
    await hre.network.provider.send("hardhat_setBalance", [pool, "0xde0b6b3a7640000"]);
    const asPool = await hre.ethers.getSigner(pool);
    await expect(vault.connect(asPool).uniswapV3SwapCallback(10n ** 6n, 0, "0x"))
      .to.be.revertedWithCustomError(f.vault, "UnexpectedCallback")
      .withArgs(pool);
  });

  it("the execution entry point is the core's alone: not through the vault's fallback, not on the module", async () => {
    const atVault = await hre.ethers.getContractAt("IVenueModule", await f.vault.getAddress());
    const module = await hre.ethers.getContractAt("IVenueModule", await address(NAMES.VenueModule));
    const ext = await f.vault.extensionImmutables();
    const leg = { asset: 1, isSell: false, amountIn: 10n ** 6n, minAmountOut: 0, valueWad: 10n ** 18n };
    const args: Parameters<typeof module.route> = [
      true,
      await f.vault.getAddress(),
      1,
      ext.assetTable,
      [leg],
      [10n ** 18n, 10n ** 21n, 10n ** 22n],
      100,
    ];
    await expect(atVault.connect(f.stranger).route(...args)).to.be.revertedWithCustomError(
      f.vault,
      "UnknownSelector",
    );
    await expect(module.connect(f.stranger).route(...args)).to.be.revertedWithCustomError(
      f.vault,
      "NotDelegated",
    );
    await expect(module.connect(f.stranger).setVenues([], 0)).to.be.revertedWithCustomError(
      f.vault,
      "NotDelegated",
    );
    await expect(module.connect(f.stranger).rebalanceRouted([])).to.be.revertedWithCustomError(
      f.vault,
      "NotDelegated",
    );
    await expect(
      atVault.connect(f.stranger).initializeVenues(ext.assetTable, [], 0),
    ).to.be.revertedWithCustomError(f.vault, "UnknownSelector");
    await time.increase(1);
  });
});
