import { expect } from "chai";
import { MaxUint256, parseUnits, ZeroAddress } from "ethers";
import hre from "hardhat";
import { time } from "@nomicfoundation/hardhat-network-helpers";

import type { HostileAdapter, ITargetWeightVault } from "../../typechain-types";
import { NAMES } from "../../src/deployments";
import { swapVenueTo } from "../../src/market/localMarket";
import { demoVaultPreset } from "../../src/vault/targetWeight";
import { deployVaultWithDeposit, marketFixture, type VaultFixture } from "../shared/fixtures";
import { adminChange } from "../shared/helpers";

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
    const more = parseUnits("9000000", 6);
    await (await f.market.tokens.USDC.mint(f.alice.address, more)).wait();
    await (
      await f.market.tokens.USDC.connect(f.alice).approve(await f.vault.getAddress(), MaxUint256)
    ).wait();
    await (await f.vault.connect(f.alice).deposit(more, f.alice.address)).wait();
    const rc = await (await f.vault.connect(f.keeper).rebalance()).wait();
    const slices = rc!.logs
      .map((l) => f.vault.interface.parseLog(l))
      .filter((e) => e?.name === "VenueSwap")
      .map((e) => Number(e!.args.venue));
    expect(new Set(slices).size).to.be.greaterThan(1);
    const legs = rc!.logs.map((l) => f.vault.interface.parseLog(l)).filter((e) => e?.name === "RebalanceLeg");
    for (const leg of legs) expect(leg!.args.amountOut).to.be.at.least(leg!.args.minAmountOut);
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
    await expect(
      atVault.connect(f.stranger).initializeVenues(ext.assetTable, [], 0),
    ).to.be.revertedWithCustomError(f.vault, "UnknownSelector");
    await time.increase(1);
  });
});
