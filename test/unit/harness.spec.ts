import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { expect } from "chai";

/**
 * The invariant harness's own test: a campaign over a handler with a planted bug (test/forge/harness:
 * once a holder has left in kind, quote leaks from the vault to an unknown address) must fail on the
 * ghost ledger and shrink the sequence to the two calls that matter. A harness that cannot catch
 * this would pass everything.
 */
describe("invariant harness", function () {
  this.timeout(600_000);

  it("catches a planted bug and shrinks it to a short counterexample", function () {
    // A fresh failure directory: forge would otherwise replay a persisted failure instead of searching.
    const failures = mkdtempSync(path.join(tmpdir(), "ballast-planted-"));
    try {
      const run = spawnSync(
        process.execPath,
        ["scripts/forge.cjs", "test", "--match-contract", "PlantedBugInvariants"],
        {
          encoding: "utf8",
          env: { ...process.env, FOUNDRY_INVARIANT_FAILURE_PERSIST_DIR: failures },
          maxBuffer: 64 * 1024 * 1024,
        },
      );
      const out = `${run.stdout}${run.stderr}`;
      expect(run.status, out.slice(-2000)).to.equal(1);
      expect(out).to.match(/\[FAIL: (ghost ledger|a token went to an unknown address)/);
      const m = /\[Sequence\] \(original: (\d+), shrunk: (\d+)\)/.exec(out);
      expect(m, "no shrunk sequence in forge's output").to.not.equal(null);
      const [original, shrunk] = [Number(m![1]), Number(m![2])];
      expect(shrunk).to.be.at.most(2);
      expect(shrunk).to.be.below(original);
      const calls = out.split("\n").filter((l) => l.includes("calldata="));
      expect(calls.slice(0, shrunk).map((l) => /calldata=(\w+)\(/.exec(l)?.[1])).to.deep.equal([
        "redeemInKindAndRemember",
        "leak",
      ]);
      console.log(`      shrunk ${original} calls to ${shrunk}:`);
      for (const l of calls.slice(0, shrunk)) console.log(`        ${/calldata=(.*)$/.exec(l)![1]}`);
    } finally {
      rmSync(failures, { recursive: true, force: true });
    }
  });
});
