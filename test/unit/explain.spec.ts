import { expect } from "chai";
import { Interface, encodeBytes32String } from "ethers";
import hre from "hardhat";

import { revertText } from "../../src/vault/explain";
import { describeReason } from "../../src/vault/reasons";
import { Reason } from "../../src/vault/enums";

/** Reverts and reasons in words: names, times with how far away, assets by symbol. */
describe("reverts and reasons in words", () => {
  const iface = new Interface(hre.artifacts.readArtifactSync("IRebalanceEngine").abi);
  const revert = (name: string, args: unknown[]) => ({ data: iface.encodeErrorResult(name, args) });
  const NOW = 1_796_263_971n - 23n * 3600n; // 23 h before the eta below
  const ctx = { now: NOW, symbols: ["USDC", "WETH", "WBTC"] };

  it("keeps the error's name and raw arguments, then says them in words", () => {
    expect(
      revertText(iface, revert("OutOfBounds", [encodeBytes32String("maxSlippageBps"), 10000, 1, 500])),
    ).to.equal(
      "OutOfBounds(maxSlippageBps, 10000, 1, 500): maxSlippageBps = 10000 is outside its bounds 1 … 500",
    );
    // A WAD parameter reads as its decimal.
    expect(
      revertText(
        iface,
        revert("OutOfBounds", [encodeBytes32String("rateWad"), 2n * 10n ** 18n, 0, 10n ** 18n]),
      ),
    ).to.equal(
      "OutOfBounds(rateWad, 2000000000000000000, 0, 1000000000000000000): rateWad = 2.0 is outside its bounds 0.0 … 1.0",
    );
    expect(revertText(iface, revert("TargetsDoNotSum", [11000]))).to.equal(
      "TargetsDoNotSum(11000): the targets sum to 11000 bps; they must sum to 10000",
    );
  });

  it("names the vault's assets, in order, for a wrong count and an unhealthy feed", () => {
    expect(revertText(iface, revert("InvalidAssetCount", [2]), ctx)).to.equal(
      "InvalidAssetCount(2): 2 values given; the vault has 3 assets, in order USDC, WETH, WBTC",
    );
    expect(revertText(iface, revert("InvalidAssetCount", [2]))).to.equal(
      "InvalidAssetCount(2): 2 values given: one per asset is needed",
    );
    expect(revertText(iface, revert("OracleUnhealthy", [Reason.OracleStale, 2]), ctx)).to.equal(
      "OracleUnhealthy(5, 2): the price feed of WBTC (asset 2) is stale",
    );
  });

  it("gives times as dates with how far away they are (the chain's time, not the machine's)", () => {
    const id = `0x${"ab".repeat(32)}`;
    expect(revertText(iface, revert("ChangeNotReady", [id, 1_796_263_971n]), ctx)).to.equal(
      `ChangeNotReady(${id}, 1796263971): change ${id} applies from 2026-12-03T02:12:51Z (in 23 h)`,
    );
    expect(revertText(iface, revert("ChangeNotReady", [id, 0]), ctx)).to.equal(
      `ChangeNotReady(${id}, 0): change ${id} must be queued first (queueChange)`,
    );
    expect(describeReason("Cooldown", NOW + 300n, { now: NOW })).to.match(
      /^cooling down until \S+Z \(in 5 min\)$/,
    );
    expect(describeReason("CircuitBreaker", NOW - 7200n, { now: NOW })).to.match(
      /^circuit breaker tripped until \S+Z \(2 h ago\)$/,
    );
    expect(describeReason("IntervalNotElapsed", NOW + 3n * 86400n, { now: NOW })).to.match(/\(in 3 d\)$/);
    // Without the chain's time: the date alone.
    expect(describeReason("Cooldown", 1_796_263_971n)).to.equal("cooling down until 2026-12-03T02:12:51Z");
  });

  it("an error it has no words for stays as name and arguments", () => {
    expect(
      revertText(iface, revert("ExtensionMismatch", ["0x000000000000000000000000000000000000dEaD"])),
    ).to.equal("ExtensionMismatch(0x000000000000000000000000000000000000dEaD)");
  });
});
