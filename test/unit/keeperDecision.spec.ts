import { expect } from "chai";
import fc from "fast-check";

import {
  type GasPolicy,
  backoffDelayMs,
  classifySendError,
  decide,
  hedgeUrgency,
  leverageUrgency,
  replacementFees,
  targetWeightUrgency,
} from "../../src/keeper/decision";
import { REASONS } from "../../src/vault/enums";
import { WAD } from "../../src/math/units";
import { describeReason } from "../../src/vault/explain";

const GWEI = 10n ** 9n;
const policy: GasPolicy = { baseFeeCeilingWei: 30n * GWEI, urgentMultiple: 2, hardCapWei: 200n * GWEI };

describe("keeper decisions", () => {
  describe("decide", () => {
    it("idles with the reason when nothing is due", () => {
      const d = decide({ reason: "WithinBand", detail: 0n, urgency: 0.4 }, 1n * GWEI, policy);
      expect(d).to.deep.equal({ action: "idle", why: "within band" });
      const c = decide({ reason: "Cooldown", detail: 1_700_000_000n, urgency: 3 }, 1n * GWEI, policy);
      expect(c.action).to.equal("idle");
      expect(c.why).to.equal("cooling down until 2023-11-14T22:13:20Z");
    });

    it("sends when due and gas is under the ceiling", () => {
      expect(decide({ reason: "Due", detail: 0n, urgency: 1.2 }, 10n * GWEI, policy)).to.deep.include({
        action: "send",
        urgent: false,
      });
    });

    it("holds a non-urgent rebalance above the ceiling and says why", () => {
      const d = decide({ reason: "Due", detail: 0n, urgency: 1.5 }, 50n * GWEI, policy);
      expect(d.action).to.equal("hold");
      expect(d.why).to.equal(
        "base fee 50.00 gwei above the ceiling 30.00 gwei; deviation 1.50× band, urgent from 2×",
      );
    });

    it("sends an urgent rebalance above the ceiling, but never above the hard cap", () => {
      expect(decide({ reason: "Due", detail: 0n, urgency: 2 }, 50n * GWEI, policy)).to.deep.include({
        action: "send",
        urgent: true,
      });
      expect(decide({ reason: "Due", detail: 0n, urgency: 10 }, 250n * GWEI, policy)).to.deep.equal({
        action: "hold",
        why: "base fee 250.00 gwei above the hard cap 200.00 gwei",
      });
    });

    it("never sends what is not due, and always sends what is due under the ceiling (property)", () => {
      fc.assert(
        fc.property(
          fc.constantFrom(...REASONS),
          fc.double({ min: 0, max: 100, noNaN: true }),
          fc.bigInt({ min: 0n, max: 500n * GWEI }),
          (reason, urgency, baseFee) => {
            const d = decide({ reason, detail: 0n, urgency }, baseFee, policy);
            if (reason !== "Due") return d.action === "idle";
            if (baseFee > policy.hardCapWei) return d.action === "hold";
            if (baseFee <= policy.baseFeeCeilingWei) return d.action === "send";
            return d.action === (urgency >= policy.urgentMultiple ? "send" : "hold");
          },
        ),
        { numRuns: 1000 },
      );
    });

    it("describes every reason code", () => {
      for (const r of REASONS) expect(describeReason(r, 1n)).to.be.a("string").and.not.equal("");
    });
  });

  describe("urgency", () => {
    it("target weights: largest drift over the tighter band", () => {
      // 40/30/30 targets, ±5% absolute bands; WETH at 36% is 6 points off: 1.2 bands.
      const w = [34n, 36n, 30n].map((p) => (p * WAD) / 100n);
      expect(targetWeightUrgency(w, [4000, 3000, 3000], [500, 500, 500], [0, 0, 0])).to.equal(1.2);
      // A 10% relative band on a 30% target is ±3 points, tighter than ±5: 2 bands.
      expect(targetWeightUrgency(w, [4000, 3000, 3000], [500, 500, 500], [0, 1000, 0])).to.equal(2);
    });

    it("hedge: |net − target| over the half-width", () => {
      expect(hedgeUrgency(-3n * WAD, 0n, WAD / 2n)).to.equal(6);
      expect(hedgeUrgency(WAD, WAD, WAD)).to.equal(0);
      expect(hedgeUrgency(WAD, 0n, 0n)).to.equal(0);
    });

    it("leverage: distance from the target over the distance to that side's band edge", () => {
      const x = (n: string) => BigInt(Math.round(Number(n) * 1000)) * 10n ** 15n;
      // Target 2×, band 1.7–2.3×: 2.45× is 0.45 over a 0.3 edge, 1.5 bands; 1.85× is 0.15 under a 0.3 edge.
      expect(leverageUrgency(x("2.45"), x("2"), x("1.7"), x("2.3"))).to.equal(1.5);
      expect(leverageUrgency(x("1.85"), x("2"), x("1.7"), x("2.3"))).to.equal(0.5);
      // An asymmetric band: 1.2× under a 2× target with the lower edge at 1.5× is 0.8 / 0.5 = 1.6 bands.
      expect(leverageUrgency(x("1.2"), x("2"), x("1.5"), x("2.3"))).to.equal(1.6);
      expect(leverageUrgency(x("2"), x("2"), x("2"), x("2"))).to.equal(0); // no band: never divides by 0
    });
  });

  describe("classifySendError", () => {
    it("treats another caller's earlier ripcord as done", () => {
      expect(
        classifySendError({ revert: { name: "RipcordNotDue", args: [2n * WAD, (27n * WAD) / 10n] } }),
      ).to.equal("already-done");
      expect(classifySendError(new Error("reverted with custom error 'RipcordNotDue(2, 3)'"))).to.equal(
        "already-done",
      );
    });

    it("treats another keeper's earlier rebalance as done", () => {
      expect(classifySendError({ revert: { name: "RebalanceNotDue", args: [10, 0] } })).to.equal(
        "already-done",
      );
      expect(classifySendError(new Error("reverted with custom error 'RebalanceNotDue(10, 0)'"))).to.equal(
        "already-done",
      );
    });

    it("retries network hiccups and a stale nonce, and stops on missing funds", () => {
      expect(classifySendError({ code: "NETWORK_ERROR", message: "could not detect network" })).to.equal(
        "retry",
      );
      expect(classifySendError(new Error("connect ECONNREFUSED 127.0.0.1:8545"))).to.equal("retry");
      expect(classifySendError(new Error("nonce too low"))).to.equal("retry");
      // Hardhat's HTTP provider: node unreachable, a 503 page instead of JSON; providers' rate limits.
      expect(classifySendError(new Error("HH108: Cannot connect to the network localhost."))).to.equal(
        "retry",
      );
      expect(classifySendError(new Error("HH110: Invalid JSON-RPC response received: unavailable"))).to.equal(
        "retry",
      );
      expect(classifySendError(new Error("429 Too Many Requests"))).to.equal("retry");
      expect(classifySendError(new Error("HTTP 503 Service Unavailable"))).to.equal("retry");
      // A revert that merely carries such a number is not a network error.
      expect(classifySendError(new Error("reverted with custom error 'OutOfBounds(503, 1, 2)'"))).to.equal(
        "fatal",
      );
      expect(
        classifySendError({
          code: "INSUFFICIENT_FUNDS",
          message: "insufficient funds for gas * price + value",
        }),
      ).to.equal("fatal");
      expect(classifySendError(new Error("execution reverted: NavLossExceeded"))).to.equal("fatal");
    });
  });

  describe("backoff and replacement", () => {
    it("backs off within [0, min(cap, base·2^attempt)]", () => {
      fc.assert(
        fc.property(
          fc.integer({ min: 0, max: 40 }),
          fc.double({ min: 0, max: 0.999999, noNaN: true }),
          (attempt, r) => {
            const d = backoffDelayMs(attempt, 250, 30_000, () => r);
            return d >= 0 && d <= Math.min(30_000, 250 * 2 ** attempt);
          },
        ),
        { numRuns: 1000 },
      );
    });

    it("bumps a stuck transaction's fees by at least 12.5%, and gives up at the cap", () => {
      const next = replacementFees(
        { maxFeePerGas: 40n * GWEI, maxPriorityFeePerGas: 2n * GWEI },
        100n * GWEI,
      );
      expect(next).to.deep.equal({ maxFeePerGas: 45n * GWEI, maxPriorityFeePerGas: 2_250_000_000n });
      expect(
        replacementFees({ maxFeePerGas: 95n * GWEI, maxPriorityFeePerGas: 2n * GWEI }, 100n * GWEI),
      ).to.equal(null);
    });
  });
});
