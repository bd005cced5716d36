import { expect } from "chai";
import hre from "hardhat";

import type { HostileLendingAdapter, LendingLegHarness, LendingTargetStub } from "../../typechain-types";

/**
 * LendingLeg's two guards, which the vaults' own suites never trip (their plans stay inside both):
 * the lending call goes only to the market's call target and sends no value, and the LTV
 * post-condition refuses a trade that leaves debt above the cap unless it lowered the ratio. The
 * adapter here is a test-only stand-in for a faulty one (no real faulty adapter exists). Expected
 * LTVs are written from the arithmetic (debt / collateral, in bps, rounded up).
 */

const WAD = 10n ** 18n;
const Mode = { Honest: 0, OtherTarget: 1, SendsValue: 2, Reverts: 3 };

describe("LendingLeg: the market call and the LTV post-condition", () => {
  let target: LendingTargetStub;
  let adapter: HostileLendingAdapter;
  let leg: LendingLegHarness;
  let thief: string;

  beforeEach(async () => {
    const [, , , , , , stranger] = await hre.ethers.getSigners();
    thief = stranger.address;
    target = await hre.ethers.deployContract("LendingTargetStub");
    adapter = await hre.ethers.deployContract("HostileLendingAdapter", [await target.getAddress(), thief]);
    leg = await hre.ethers.deployContract("LendingLegHarness", [
      { adapter: await adapter.getAddress(), market: thief },
    ]);
  });

  it("makes the adapter's call when it goes to the market's call target with no value", async () => {
    await (await leg.lend(7n)).wait();
    expect(await target.supplied()).to.equal(7n);
  });

  it("refuses a call to another address, or one that sends value (LendingCallRefused), and makes none", async () => {
    await (await adapter.setMode(Mode.OtherTarget)).wait();
    await expect(leg.lend(7n)).to.be.revertedWithCustomError(leg, "LendingCallRefused").withArgs(thief, 0n);
    await (await adapter.setMode(Mode.SendsValue)).wait();
    await expect(leg.lend(7n))
      .to.be.revertedWithCustomError(leg, "LendingCallRefused")
      .withArgs(await target.getAddress(), 1n);
    expect(await target.supplied()).to.equal(0n);
  });

  it("passes on the adapter's and the market's own reverts", async () => {
    await (await adapter.setMode(Mode.Reverts)).wait();
    await expect(leg.lend(7n)).to.be.revertedWithCustomError(adapter, "AdapterRefused");
    await (await adapter.setMode(Mode.Honest)).wait();
    await expect(leg.lend(0n)).to.be.revertedWithCustomError(target, "MarketRefused");
  });

  it("LTV post-condition: above the cap and higher than before is refused; at the cap, or lowered, passes", async () => {
    // 100 of collateral; 60 of debt before. Cap 65 %.
    const c = 100n * WAD;
    // 66 of debt after: 6,600 bps > 6,500 and higher than 6,000: refused with the figures.
    await expect(leg.checkLoanToValue(c, 60n * WAD, c, 66n * WAD, 6_500))
      .to.be.revertedWithCustomError(leg, "LoanToValueExceeded")
      .withArgs(6_600n, 6_500n);
    // One wei of debt over 65 % rounds up to 6,501: refused.
    await expect(leg.checkLoanToValue(c, 60n * WAD, c, 65n * WAD + 1n, 6_500))
      .to.be.revertedWithCustomError(leg, "LoanToValueExceeded")
      .withArgs(6_501n, 6_500n);
    await leg.checkLoanToValue(c, 60n * WAD, c, 65n * WAD, 6_500); // exactly at the cap
    // Above the cap but lowered (80 % → 70 %): a trade that reduces risk is always allowed.
    await leg.checkLoanToValue(c, 80n * WAD, c, 70n * WAD, 6_500);
    // Above the cap and unchanged is not "higher than before": allowed (interest, a price move).
    await leg.checkLoanToValue(c, 70n * WAD, c, 70n * WAD, 6_500);
  });
});
