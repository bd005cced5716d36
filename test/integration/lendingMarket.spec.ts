import { expect } from "chai";
import { type Contract, MaxUint256, parseUnits } from "ethers";
import hre, { deployments } from "hardhat";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";

import { TAGS } from "../../src/deployments";
import { type LendingMarket, loadLending } from "../../src/market/lending";
import { type LocalMarket, loadLocalMarket, setFeedPrice } from "../../src/market/localMarket";

/**
 * The local lending market the lending leg builds on: Aave V3's own bytecode from `@aave/core-v3`,
 * priced by the local Chainlink feeds, with WETH and USDC listed at Aave V3 Ethereum's parameters.
 * Expected figures are written out from those parameters here, not read from the deploy code.
 */

const RAY = 10n ** 27n;
const YEAR = 365n * 86_400n;

interface Fixture {
  market: LocalMarket;
  lending: LendingMarket;
  lender: HardhatEthersSigner;
  borrower: HardhatEthersSigner;
  liquidator: HardhatEthersSigner;
}

const lendingFixture = deployments.createFixture(async (): Promise<Fixture> => {
  await deployments.fixture([TAGS.LocalMarket, TAGS.LendingMarket]);
  const [, , , liquidator, borrower, lender] = await hre.ethers.getSigners();
  return {
    market: await loadLocalMarket(hre),
    lending: await loadLending(hre),
    lender,
    borrower,
    liquidator,
  };
});

async function supply(f: Fixture, who: HardhatEthersSigner, symbol: string, amount: string): Promise<bigint> {
  const token = f.market.tokens[symbol];
  const units = parseUnits(amount, await token.decimals());
  await (await token.mint(who.address, units)).wait();
  await (await token.connect(who).approve(await f.lending.pool.getAddress(), MaxUint256)).wait();
  const pool = f.lending.pool.connect(who) as Contract;
  await (await pool.supply(await token.getAddress(), units, who.address, 0)).wait();
  return units;
}

const VARIABLE = 2; // Aave's interest rate mode

/** `who` borrows `amount` (whole tokens) of `symbol` at the variable rate, straight on the pool. */
async function borrow(f: Fixture, who: HardhatEthersSigner, symbol: string, amount: string): Promise<void> {
  const token = f.market.tokens[symbol];
  const pool = f.lending.pool.connect(who) as Contract;
  const units = parseUnits(amount, await token.decimals());
  await (await pool.borrow(await token.getAddress(), units, VARIABLE, 0, who.address)).wait();
}

describe("Local lending market (Aave V3 from its npm build)", () => {
  let f: Fixture;
  let weth: string;
  let usdc: string;
  beforeEach(async () => {
    f = await lendingFixture();
    weth = await f.market.tokens.WETH.getAddress();
    usdc = await f.market.tokens.USDC.getAddress();
  });

  it("lists WETH and USDC with Aave V3 Ethereum's risk parameters and caps", async () => {
    const cfg = async (asset: string) => {
      const c = await f.lending.dataProvider.getReserveConfigurationData(asset);
      return {
        decimals: c[0],
        ltv: c[1],
        threshold: c[2],
        bonus: c[3],
        reserveFactor: c[4],
        collateral: c[5],
        borrowing: c[6],
        active: c[8],
        frozen: c[9],
      };
    };
    expect(await cfg(weth)).to.deep.equal({
      decimals: 18n,
      ltv: 8050n,
      threshold: 8300n,
      bonus: 10500n,
      reserveFactor: 1500n,
      collateral: true,
      borrowing: true,
      active: true,
      frozen: false,
    });
    expect(await cfg(usdc)).to.deep.equal({
      decimals: 6n,
      ltv: 7700n,
      threshold: 8000n,
      bonus: 10450n,
      reserveFactor: 1000n,
      collateral: true,
      borrowing: true,
      active: true,
      frozen: false,
    });
    const [wethBorrowCap, wethSupplyCap] = await f.lending.dataProvider.getReserveCaps(weth);
    expect([wethBorrowCap, wethSupplyCap]).to.deep.equal([800_000n, 1_000_000n]);
    expect(await f.lending.dataProvider.getFlashLoanEnabled(usdc)).to.equal(true);
  });

  it("prices each reserve through its local Chainlink feed, and follows it", async () => {
    expect(await f.lending.oracle.getAssetPrice(weth)).to.equal(3000n * 10n ** 8n);
    expect(await f.lending.oracle.getAssetPrice(usdc)).to.equal(10n ** 8n);
    await setFeedPrice(f.market, "WETH", "2500.5");
    expect(await f.lending.oracle.getAssetPrice(weth)).to.equal(250_050_000_000n);
  });

  it("lends the underlying against quote collateral up to the 77 % LTV and not a wei of value past it", async () => {
    await supply(f, f.lender, "WETH", "10000");
    await supply(f, f.borrower, "USDC", "1000000");
    const pool = f.lending.pool.connect(f.borrower) as Contract;
    // 1,000,000 USDC × 77 % / 3,000 = 256.67 WETH of borrowing power.
    await borrow(f, f.borrower, "WETH", "256");
    await expect(pool.borrow(weth, parseUnits("1", 18), VARIABLE, 0, f.borrower.address)).to.be.revertedWith(
      "36",
    );
    const account = await f.lending.pool.getUserAccountData(f.borrower.address);
    // Health factor = 1,000,000 × 80 % / (256 × 3,000) = 1.0417 (WAD).
    expect(account.healthFactor).to.be.closeTo(1_041_666_666_666_666_666n, 10n ** 9n);
  });

  it("accrues the variable rate its strategy sets from utilisation", async () => {
    await supply(f, f.lender, "WETH", "10000");
    await supply(f, f.borrower, "USDC", "10000000"); // borrowing power 2,566 WETH
    await borrow(f, f.borrower, "WETH", "2000");
    // Utilisation 2,000 / 10,000 = 20 %, below the 80 % kink: 3.3 % × 20 / 80 = 0.825 % a year.
    const expectedRate = (33n * RAY) / 1000n / 4n;
    const data = await f.lending.dataProvider.getReserveData(weth);
    expect(data.variableBorrowRate).to.be.closeTo(expectedRate, RAY / 10n ** 12n);
    const debtToken = (await f.lending.dataProvider.getReserveTokensAddresses(weth)).variableDebtTokenAddress;
    const debt = new hre.ethers.Contract(
      debtToken,
      ["function balanceOf(address) view returns (uint256)"],
      hre.ethers.provider,
    );
    const start = (await debt.balanceOf(f.borrower.address)) as bigint;
    await time.increase(YEAR);
    const after = (await debt.balanceOf(f.borrower.address)) as bigint;
    // Compounded per second: e^0.00825 − 1 = 0.828413 %.
    const grown = Number(after - start) / Number(start);
    expect(grown).to.be.closeTo(Math.expm1(0.00825), 1e-7);
  });

  it("lets anyone liquidate a short once the underlying rises past the 80 % threshold, and not before", async () => {
    await supply(f, f.lender, "WETH", "10000");
    await supply(f, f.borrower, "USDC", "1000000");
    await borrow(f, f.borrower, "WETH", "256");
    // Liquidation once 256 × P > 1,000,000 × 80 %: P > 3,125.
    const liquidator = f.lending.pool.connect(f.liquidator) as Contract;
    await f.market.tokens.WETH.mint(f.liquidator.address, parseUnits("128", 18));
    await f.market.tokens.WETH.connect(f.liquidator).approve(await f.lending.pool.getAddress(), MaxUint256);
    await setFeedPrice(f.market, "WETH", "3120");
    await expect(
      liquidator.liquidationCall(usdc, weth, f.borrower.address, parseUnits("128", 18), false),
    ).to.be.revertedWith("45");
    await setFeedPrice(f.market, "WETH", "3130");
    const before = (await f.market.tokens.USDC.balanceOf(f.liquidator.address)) as bigint;
    await (
      await liquidator.liquidationCall(usdc, weth, f.borrower.address, parseUnits("128", 18), false)
    ).wait();
    const seized = ((await f.market.tokens.USDC.balanceOf(f.liquidator.address)) as bigint) - before;
    // Half the debt (the close factor) repaid at 3,130, paid in USDC with the 4.5 % bonus.
    expect(seized).to.be.closeTo(parseUnits(String(128 * 3130 * 1.045), 6), parseUnits("1", 6));
  });
});

describe("AaveV3LendingAdapter on the local Aave market", () => {
  let f: Fixture;
  let adapter: Contract;
  let pool: string;
  let weth: string;
  let usdc: string;
  beforeEach(async () => {
    f = await lendingFixture();
    adapter = (await hre.ethers.deployContract("AaveV3LendingAdapter")) as unknown as Contract;
    pool = await f.lending.pool.getAddress();
    weth = await f.market.tokens.WETH.getAddress();
    usdc = await f.market.tokens.USDC.getAddress();
  });

  /** Sends the call the adapter built, from `who` (the account it was built for), after checking its target. */
  async function run(who: HardhatEthersSigner, built: [string, bigint, string]): Promise<void> {
    const [target, value, data] = built;
    expect(target).to.equal(await adapter.callTarget(pool));
    expect(value).to.equal(0n);
    await (await who.sendTransaction({ to: target, data })).wait();
  }

  it("accepts the pool's listed reserves and names what is not one", async () => {
    await adapter.checkMarket(pool, weth);
    await adapter.checkMarket(pool, usdc);
    const wbtc = await f.market.tokens.WBTC.getAddress();
    await expect(adapter.checkMarket(pool, wbtc))
      .to.be.revertedWithCustomError(adapter, "NotALendingMarket")
      .withArgs(pool, wbtc);
    // Not a pool at all: a token (its fallback reverts) and an account with no code.
    await expect(adapter.checkMarket(usdc, weth))
      .to.be.revertedWithCustomError(adapter, "NotALendingMarket")
      .withArgs(usdc, weth);
    await expect(adapter.checkMarket(f.lender.address, weth))
      .to.be.revertedWithCustomError(adapter, "NotALendingMarket")
      .withArgs(f.lender.address, weth);
    await expect(adapter.position(pool, wbtc, weth, f.borrower.address)).to.be.revertedWithCustomError(
      adapter,
      "NotALendingMarket",
    );
  });

  it("builds supply, borrow, repay and withdraw calls that move the position as asked", async () => {
    await supply(f, f.lender, "WETH", "10000");
    const b = f.borrower;
    await f.market.tokens.USDC.mint(b.address, parseUnits("1000000", 6));
    await f.market.tokens.USDC.connect(b).approve(pool, MaxUint256);
    await f.market.tokens.WETH.connect(b).approve(pool, MaxUint256);

    await run(b, await adapter.supplyCall(pool, usdc, parseUnits("1000000", 6), b.address));
    expect(await adapter.position(pool, usdc, weth, b.address)).to.deep.equal([parseUnits("1000000", 6), 0n]);

    await run(b, await adapter.borrowCall(pool, weth, parseUnits("100", 18), b.address));
    expect(await f.market.tokens.WETH.balanceOf(b.address)).to.equal(parseUnits("100", 18));
    const [, owed] = await adapter.position(pool, usdc, weth, b.address);
    expect(owed).to.be.closeTo(parseUnits("100", 18), 10n ** 12n); // one block's interest at most

    await time.increase(30 * 86_400);
    const [, owedLater] = await adapter.position(pool, usdc, weth, b.address);
    expect(owedLater).to.be.greaterThan(owed); // debt accrues with time

    await run(b, await adapter.repayCall(pool, weth, parseUnits("60", 18), b.address));
    const [, afterRepay] = await adapter.position(pool, usdc, weth, b.address);
    expect(afterRepay).to.be.closeTo(owedLater - parseUnits("60", 18), 10n ** 12n);

    await run(b, await adapter.withdrawCall(pool, usdc, parseUnits("400000", 6), b.address));
    const [collateral] = await adapter.position(pool, usdc, weth, b.address);
    expect(collateral).to.be.closeTo(parseUnits("600000", 6), parseUnits("1", 6)); // plus supply interest
    expect(await f.market.tokens.USDC.balanceOf(b.address)).to.equal(parseUnits("400000", 6));
  });

  it("reports the reserve's terms: risk parameters, rate, and what a freeze or a pause leaves open", async () => {
    const t = await adapter.terms(pool, weth);
    expect([t.ltvBps, t.liquidationThresholdBps, t.liquidationBonusBps]).to.deep.equal([
      8050n,
      8300n,
      10500n,
    ]);
    expect([t.canSupply, t.canBorrow, t.canUnwind]).to.deep.equal([true, true, true]);
    expect(t.borrowRoom).to.equal(0n); // nothing supplied yet: no cash to lend
    expect(t.supplyRoom).to.equal(parseUnits("1000000", 18)); // the whole 1,000,000 WETH cap

    const configurator = f.lending.configurator.connect((await hre.ethers.getSigners())[0]) as Contract;
    await (await configurator.setReserveFreeze(weth, true)).wait();
    const frozen = await adapter.terms(pool, weth);
    expect([frozen.canSupply, frozen.canBorrow, frozen.canUnwind]).to.deep.equal([false, false, true]);
    await (await configurator.setReserveFreeze(weth, false)).wait();
    await (await configurator.setReservePause(weth, true)).wait();
    const paused = await adapter.terms(pool, weth);
    expect([paused.canSupply, paused.canBorrow, paused.canUnwind]).to.deep.equal([false, false, false]);
  });

  it("bounds the borrowing room by the reserve's cash and by its borrow cap", async () => {
    await supply(f, f.lender, "WETH", "10000");
    await supply(f, f.borrower, "USDC", "10000000");
    expect((await adapter.terms(pool, weth)).borrowRoom).to.equal(parseUnits("10000", 18)); // cash
    const configurator = f.lending.configurator.connect((await hre.ethers.getSigners())[0]) as Contract;
    await (await configurator.setBorrowCap(weth, 1500)).wait();
    await borrow(f, f.borrower, "WETH", "1000");
    const room = (await adapter.terms(pool, weth)).borrowRoom as bigint;
    expect(room).to.be.closeTo(parseUnits("500", 18), 10n ** 12n); // 1,500 cap − 1,000 owed
    // The room is what Aave itself allows, up to the next block's interest (~1.3e11 wei a second
    // here): just past it fails with Aave's cap error, just short of it goes through.
    const borrower = f.lending.pool.connect(f.borrower) as Contract;
    const margin = 10n ** 12n;
    await expect(borrower.borrow(weth, room + margin, VARIABLE, 0, f.borrower.address)).to.be.revertedWith(
      "50",
    );
    await (await borrower.borrow(weth, room - margin, VARIABLE, 0, f.borrower.address)).wait();
    expect((await adapter.terms(pool, weth)).borrowRoom).to.be.lessThan(margin);
    // Without caps: the room is the cash left, and supply is unbounded.
    await (await configurator.setBorrowCap(weth, 0)).wait();
    await (await configurator.setSupplyCap(weth, 0)).wait();
    const uncapped = await adapter.terms(pool, weth);
    // 10,000 supplied, 1,000 and then room − margin lent out.
    expect(uncapped.borrowRoom).to.equal(parseUnits("9000", 18) - (room - margin));
    expect(uncapped.supplyRoom).to.equal(MaxUint256);
    expect((await adapter.terms(pool, weth)).borrowRateRay).to.equal(
      (await f.lending.dataProvider.getReserveData(weth)).variableBorrowRate,
    );
  });
});
