import { expect } from "chai";
import { Contract, keccak256, MaxUint256, parseUnits, type Signer, ZeroAddress } from "ethers";
import hre from "hardhat";
import { time } from "@nomicfoundation/hardhat-network-helpers";

import type { IVenueAdapter } from "../../typechain-types";
import { NAMES } from "../../src/deployments";
import {
  movePrices,
  oracleRatio,
  swapVenueTo,
  type LocalMarket,
  type MarketVenue,
} from "../../src/market/localMarket";
import { localToken, LOCAL_VENUES } from "../../src/market/spec";
import { VENUE_ARTIFACTS } from "../../src/market/venueArtifacts";
import { marketFixture, type MarketFixture } from "../shared/fixtures";

/**
 * The local market's venues and the adapters that trade on them, on the real bytecode of Uniswap V2
 * (factory, pairs, Router02), Uniswap V3 (two fee tiers, SwapRouter and SwapRouter02) and Balancer
 * V2 (Vault, weighted pools): every venue sits on the oracle after `movePrices`; each adapter's
 * calldata, sent as it comes, swaps on its pool at what its quote predicts.
 */

const Q128 = 1n << 128n;
const address = (name: string) => hre.deployments.get(name).then((d) => d.address);

/** |a - b| / b in bps, as a float (for reporting and tolerance checks). */
const relBps = (a: bigint, b: bigint) => (Number(a > b ? a - b : b - a) * 1e4) / Number(b);

interface Adapters {
  v3: IVenueAdapter;
  v3r02: IVenueAdapter;
  v2: IVenueAdapter;
  balancer: IVenueAdapter;
}

async function deployAdapters(): Promise<Adapters> {
  const deploy = async (name: string, args: unknown[]) =>
    (await hre.ethers.deployContract(name, args)) as unknown as IVenueAdapter;
  return {
    v3: await deploy("UniswapV3RouterAdapter", [await address(NAMES.SwapRouter), false]),
    v3r02: await deploy("UniswapV3RouterAdapter", [await address(NAMES.SwapRouter02), true]),
    v2: await deploy("UniswapV2RouterAdapter", [await address(NAMES.UniswapV2Router02)]),
    balancer: await deploy("BalancerV2Adapter", [await address(NAMES.BalancerVault)]),
  };
}

const adapterOf = (a: Adapters, v: MarketVenue) =>
  v.spec.kind === "uniswapV3" ? a.v3 : v.spec.kind === "uniswapV2" ? a.v2 : a.balancer;

/** Sends what an adapter built, from `who`, after approving its target; returns what arrived. */
async function swapThrough(
  market: LocalMarket,
  adapter: IVenueAdapter,
  pool: string,
  tokenIn: string,
  tokenOut: string,
  amountIn: bigint,
  minOut: bigint,
  who: Signer,
): Promise<bigint> {
  const inToken = market.tokens[tokenIn];
  const outToken = market.tokens[tokenOut];
  const me = await who.getAddress();
  await (await inToken.connect(who).mint(me, amountIn)).wait();
  await (await inToken.connect(who).approve(await adapter.callTarget(pool), MaxUint256)).wait();
  // The calldata's deadline is the block it is built in (a vault builds and sends in one call):
  // build it for the block the swap is mined in.
  await time.setNextBlockTimestamp((await time.latest()) + 12);
  const [target, value, data] = await adapter.swapCall(
    pool,
    await inToken.getAddress(),
    await outToken.getAddress(),
    amountIn,
    minOut,
    me,
    { blockTag: "pending" },
  );
  expect(target).to.equal(await adapter.callTarget(pool));
  expect(value).to.equal(0n);
  const before = await outToken.balanceOf(me);
  await (await who.sendTransaction({ to: target, data })).wait();
  return (await outToken.balanceOf(me)) - before;
}

describe("venues: the local market and its adapters (real bytecode)", () => {
  let f: MarketFixture;
  let adapters: Adapters;

  beforeEach(async () => {
    f = await marketFixture();
    adapters = await deployAdapters();
  });

  /** How far (bps) each venue's quoted price of its asset is from `(1 + moveBps / 10,000)` × oracle. */
  async function offsetsBps(moveBps = 0): Promise<Record<string, number>> {
    const out: Record<string, number> = {};
    for (const v of f.market.venues) {
      const q = await adapterOf(adapters, v).quote(
        await v.contract.getAddress(),
        await f.market.tokens[v.spec.asset].getAddress(),
        await f.market.tokens[v.spec.quote].getAddress(),
      );
      const r = await oracleRatio(f.market, v.spec.asset, v.spec.quote);
      const expected = (r.num * Q128 * BigInt(10_000 + moveBps)) / (r.den * 10_000n);
      out[`${v.spec.kind} ${v.spec.asset}/${v.spec.quote} ${v.spec.fee}`] = relBps(q.priceX128, expected);
      expect(q.feePpm).to.equal(BigInt(v.spec.fee));
    }
    return out;
  }

  const within = (offsets: Record<string, number>, bps: number) => {
    for (const [venue, off] of Object.entries(offsets)) expect(off, venue).to.be.below(bps);
  };

  it("deploys every venue of LOCAL_VENUES, each on the oracle", async () => {
    expect(
      f.market.venues.map((v) => `${v.spec.kind}:${v.spec.asset}/${v.spec.quote}:${v.spec.fee}`),
    ).to.deep.equal(LOCAL_VENUES.map((v) => `${v.kind}:${v.asset}/${v.quote}:${v.fee}`));
    within(await offsetsBps(), 1);
  });

  it("a pushed venue lands where it was pushed, and movePrices brings every venue to the new oracle", async () => {
    for (const v of f.market.venues) await swapVenueTo(f.market, v, 150, f.stranger);
    within(await offsetsBps(150), 1);
    await movePrices(f.market, { WETH: "3210", WBTC: "58800" }, f.arbitrageur);
    within(await offsetsBps(), 1);
  });

  it("Uniswap V2 pairs are at the address Router02 computes (the init-code hashes agree)", async () => {
    // Router02 derives a pair's address from its own copy of the pair's init-code hash: a swap
    // through it reaching the factory's pair is the proof.
    const pairHash = keccak256(VENUE_ARTIFACTS.UniswapV2Pair.bytecode);
    expect(pairHash).to.equal("0x96e8ac4277198ff8b6f785478aa9a39f403cb768dd02cbee326c3e7da348845f");
    const v = f.market.venues.find((x) => x.spec.kind === "uniswapV2" && x.spec.asset === "WETH")!;
    const out = await swapThrough(
      f.market,
      adapters.v2,
      await v.contract.getAddress(),
      "WETH",
      "USDC",
      parseUnits("1", 18),
      1n,
      f.alice,
    );
    expect(out).to.be.greaterThan(parseUnits("2980", 6)); // 3,000 less 0.3 % and a little impact
  });

  for (const [label, key] of [
    ["SwapRouter", "v3"],
    ["SwapRouter02", "v3r02"],
  ] as const) {
    it(`Uniswap V3 through ${label}: the adapter's calldata swaps on the pool at the quoted price`, async () => {
      const pool = await f.market.pools.WETH.contract.getAddress();
      const adapter = adapters[key];
      const q = await adapter.quote(
        pool,
        await f.market.tokens.USDC.getAddress(),
        await f.market.tokens.WETH.getAddress(),
      );
      const amountIn = parseUnits("1000000", 6); // $1M: 0.2 % of the pool's depth
      const out = await swapThrough(f.market, adapter, pool, "USDC", "WETH", amountIn, 1n, f.alice);
      expect(relBps(out, modelOut(amountIn, q))).to.be.below(0.5);
    });
  }

  it("every venue executes a 1 %-of-depth swap within 0.5 bp of its quote's constant-product model", async () => {
    const report: string[] = [];
    for (const v of f.market.venues) {
      const adapter = adapterOf(adapters, v);
      const pool = await v.contract.getAddress();
      for (const [tin, tout] of [
        [v.spec.asset, v.spec.quote],
        [v.spec.quote, v.spec.asset],
      ]) {
        const q = await adapter.quote(
          pool,
          await f.market.tokens[tin].getAddress(),
          await f.market.tokens[tout].getAddress(),
        );
        const amountIn = q.depthIn / 100n;
        const out = await swapThrough(f.market, adapter, pool, tin, tout, amountIn, 1n, f.alice);
        const err = relBps(out, modelOut(amountIn, q));
        report.push(`${v.spec.kind} ${tin}->${tout}: ${err.toFixed(3)} bp`);
        expect(err, report.at(-1)).to.be.below(0.5);
        await movePrices(f.market, {}, f.arbitrageur);
      }
    }
  });

  it("calldata is good for the block it was built in only (its deadline is that block's time)", async () => {
    const venues: [IVenueAdapter, string, string][] = [
      [adapters.v3, await f.market.pools.WETH.contract.getAddress(), "Transaction too old"],
      [adapters.v2, await f.market.venues[1].contract.getAddress(), "UniswapV2Router: EXPIRED"],
      [adapters.balancer, await f.market.venues[2].contract.getAddress(), "BAL#508"], // SWAP_DEADLINE
    ];
    const usdc = f.market.tokens.USDC;
    for (const [adapter, venue, reason] of venues) {
      await (await usdc.mint(f.alice.address, 10n ** 9n)).wait();
      await (await usdc.connect(f.alice).approve(await adapter.callTarget(venue), MaxUint256)).wait();
      const [target, , data] = await adapter.swapCall(
        venue,
        await usdc.getAddress(),
        await f.market.tokens.WETH.getAddress(),
        10n ** 9n,
        1n,
        f.alice.address,
      );
      await expect(f.alice.sendTransaction({ to: target, data })).to.be.revertedWith(reason);
    }
  });

  it("split by VenueSplitLib, a leg that moves the deepest pool by 1 % costs at least 30 % less than on that pool alone", async () => {
    // USDC -> WETH across every WETH/USDC venue, against the same leg on the 0.05 % pool (the best
    // single venue for it: lowest fee, deepest), from the same state.
    const [usdc, weth] = [await f.market.tokens.USDC.getAddress(), await f.market.tokens.WETH.getAddress()];
    const venues = [
      { adapter: adapters.v3, pool: await f.market.pools.WETH.contract.getAddress() },
      ...f.market.venues
        .filter((v) => v.spec.asset === "WETH" && v.spec.quote === "USDC")
        .map((v) => ({ adapter: adapterOf(adapters, v), pool: v.contract.target as string })),
    ];
    expect(venues.length).to.equal(4);
    const quotes = (await Promise.all(venues.map((v) => v.adapter.quote(v.pool, usdc, weth)))).map((q) => ({
      priceX128: q.priceX128,
      depthIn: q.depthIn,
      feePpm: q.feePpm,
    }));
    const deepest = quotes[0];
    // (1 + a'/D)^2 = 1.01 moves a constant-product price by 1 %; a' is the input after the fee.
    const netIn = (deepest.depthIn * 4987562n) / 1_000_000_000n; // D · (√1.01 − 1)
    const amountIn = (netIn * 1_000_000n) / (1_000_000n - deepest.feePpm);
    const r = await oracleRatio(f.market, "WETH", "USDC"); // raw USDC per raw WETH
    const costBps = (out: bigint) => relBps((out * r.num) / r.den, amountIn);

    const snapshot = await hre.network.provider.send("evm_snapshot", []);
    const single = await swapThrough(
      f.market,
      adapters.v3,
      venues[0].pool,
      "USDC",
      "WETH",
      amountIn,
      1n,
      f.alice,
    );
    await hre.network.provider.send("evm_revert", [snapshot]);

    const lib = await hre.ethers.deployContract("VenueSplitHarness");
    const [amounts] = await lib.split(quotes, (r.den * Q128) / r.num, 100, amountIn, 0n);
    expect(amounts.filter((a: bigint) => a > 0n).length).to.be.greaterThan(1);
    let split = 0n;
    for (const [k, a] of amounts.entries()) {
      if (a > 0n)
        split += await swapThrough(
          f.market,
          venues[k].adapter,
          venues[k].pool,
          "USDC",
          "WETH",
          a,
          1n,
          f.alice,
        );
    }
    const [singleBps, splitBps] = [costBps(single), costBps(split)];
    console.log(
      `      $${(Number(amountIn) / 1e6).toLocaleString("en-US")} USDC -> WETH: one pool ${singleBps.toFixed(1)} bp, ` +
        `split ${splitBps.toFixed(1)} bp (${amounts.map((a: bigint) => ((Number(a) * 100) / Number(amountIn)).toFixed(0) + "%").join(" / ")})`,
    );
    expect(splitBps).to.be.at.most(singleBps * 0.7);
  });

  it("a minimum output above what the pool gives reverts in the venue (the adapter passes it on)", async () => {
    for (const v of f.market.venues) {
      const adapter = adapterOf(adapters, v);
      const pool = await v.contract.getAddress();
      const [tin, tout] = [v.spec.asset, v.spec.quote];
      const q = await adapter.quote(
        pool,
        await f.market.tokens[tin].getAddress(),
        await f.market.tokens[tout].getAddress(),
      );
      const amountIn = 10n ** BigInt(localToken(tin).decimals);
      const tooMuch = (modelOut(amountIn, q) * 10_010n) / 10_000n;
      await expect(swapThrough(f.market, adapter, pool, tin, tout, amountIn, tooMuch, f.alice), v.spec.kind)
        .to.be.reverted;
    }
  });

  it("checkPool accepts each venue's own pools and refuses any other", async () => {
    const t = async (s: string) => f.market.tokens[s].getAddress();
    for (const v of f.market.venues) {
      const adapter = adapterOf(adapters, v);
      const pool = await v.contract.getAddress();
      await adapter.checkPool(pool, await t(v.spec.asset), await t(v.spec.quote));
      await adapter.checkPool(pool, await t(v.spec.quote), await t(v.spec.asset));
      // The same pool named for another pair.
      const other = v.spec.asset === "WBTC" && v.spec.quote === "WETH" ? "USDC" : "WBTC";
      await expect(adapter.checkPool(pool, await t(v.spec.asset), await t(other)))
        .to.be.revertedWithCustomError(adapter, "NotAVenuePool")
        .withArgs(pool, await t(v.spec.asset), await t(other));
    }
    // Another kind's pool, and an address with no code.
    const pair = await f.market.venues.find((v) => v.spec.kind === "uniswapV2")!.contract.getAddress();
    const weth = await t("WETH");
    const usdc = await t("USDC");
    await expect(adapters.v3.checkPool(pair, weth, usdc)).to.be.reverted;
    await expect(adapters.balancer.checkPool(pair, weth, usdc)).to.be.reverted;
    await expect(adapters.v3.checkPool(f.stranger.address, weth, usdc)).to.be.revertedWithCustomError(
      adapters.v3,
      "NotAVenuePool",
    );
    const v3pool = await f.market.pools.WETH.contract.getAddress();
    await expect(adapters.v2.checkPool(v3pool, weth, usdc)).to.be.revertedWithCustomError(
      adapters.v2,
      "NotAVenuePool",
    );
    await expect(adapters.v2.checkPool(ZeroAddress, weth, usdc)).to.be.revertedWithCustomError(
      adapters.v2,
      "NotAVenuePool",
    );
    await expect(adapters.balancer.checkPool(f.stranger.address, weth, usdc)).to.be.revertedWithCustomError(
      adapters.balancer,
      "NotAVenuePool",
    );
    // A Balancer pool named for a pair whose first token it does not hold.
    const bpool = await f.market.venues
      .find((v) => v.spec.kind === "balancerWeighted")!
      .contract.getAddress();
    await expect(adapters.balancer.checkPool(bpool, await t("WBTC"), usdc)).to.be.revertedWithCustomError(
      adapters.balancer,
      "NotAVenuePool",
    );
  });

  it("an empty Uniswap V2 pair quotes no price and no depth (a vault would skip it)", async () => {
    const factory = new Contract(
      await address(NAMES.UniswapV2Factory),
      VENUE_ARTIFACTS.UniswapV2Factory.abi,
      f.admin,
    );
    const wbtc = await f.market.tokens.WBTC.getAddress();
    const weth = await f.market.tokens.WETH.getAddress();
    await (await factory.getFunction("createPair")(wbtc, weth)).wait();
    const pair: string = await factory.getFunction("getPair")(wbtc, weth);
    await adapters.v2.checkPool(pair, wbtc, weth);
    const q = await adapters.v2.quote(pair, wbtc, weth);
    expect([q.priceX128, q.depthIn, q.feePpm]).to.deep.equal([0n, 0n, 3000n]);
  });

  it("a Balancer pool is refused by an adapter for another Vault", async () => {
    // An adapter whose Vault is some other address: the pool's getVault() does not match it.
    const stranger = (await hre.ethers.deployContract("BalancerV2Adapter", [
      f.stranger.address,
    ])) as unknown as IVenueAdapter;
    const pool = await f.market.venues.find((v) => v.spec.kind === "balancerWeighted")!.contract.getAddress();
    const [weth, usdc] = [await f.market.tokens.WETH.getAddress(), await f.market.tokens.USDC.getAddress()];
    await adapters.balancer.checkPool(pool, weth, usdc);
    await expect(stranger.checkPool(pool, weth, usdc))
      .to.be.revertedWithCustomError(stranger, "NotAVenuePool")
      .withArgs(pool, weth, usdc);
  });
});

/**
 * What a constant-product venue of the quoted depth gives for `amountIn`: the fee comes off the
 * input, then out = p · a / (1 + a / depth). Independent of the adapters' code.
 */
function modelOut(amountIn: bigint, q: { priceX128: bigint; depthIn: bigint; feePpm: bigint }): bigint {
  const net = (amountIn * (1_000_000n - q.feePpm)) / 1_000_000n;
  return (net * q.priceX128 * q.depthIn) / ((q.depthIn + net) * Q128);
}
