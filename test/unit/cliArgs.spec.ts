import { expect } from "chai";

import { UserError } from "../../src/config/env";
import { DURATION_RANGES, formatDuration, parseDuration, parseNumber } from "../../src/cli/args";
import { formatGwei, formatInt, plural } from "../../src/format/units";
import { decide } from "../../src/keeper/decision";
import { runCaptured } from "../shared/helpers";

describe("task arguments: bounded, with units", () => {
  afterEach(() => {
    process.exitCode = 0;
  });

  it("reads durations with units, as seconds", () => {
    const any = { min: 0.001, max: 1e9 };
    expect(parseDuration("poll", "15", any)).to.equal(15);
    expect(parseDuration("poll", "15s", any)).to.equal(15);
    expect(parseDuration("poll", "500ms", any)).to.equal(0.5);
    expect(parseDuration("poll", "2m", any)).to.equal(120);
    expect(parseDuration("poll", "1.5h", any)).to.equal(5400);
    expect(parseDuration("poll", "2d", any)).to.equal(172800);
    expect(formatDuration(86400)).to.equal("1 d");
    expect(formatDuration(120)).to.equal("2 min");
    expect(formatDuration(0.5)).to.equal("0.5 s");
  });

  it("refuses what would hammer an RPC or overflow a timer, and what is not a duration, naming the flag and the range", () => {
    const cases: [string, string, string][] = [
      ["poll", "0.001", "--poll '0.001' is out of range: between 0.5 s and 1 d."],
      ["poll", "10000000", "--poll '10000000' is out of range: between 0.5 s and 1 d."],
      ["stuck-after", "1", "--stuck-after '1' is out of range: between 5 s and 1 d."],
      ["wait-timeout", "30d", "--wait-timeout '30d' is out of range: between 1 s and 7 d."],
      [
        "poll",
        "soon",
        "--poll 'soon' is not a duration: give a number with an optional unit (ms, s, m, h, d), e.g. 15s or 2m.",
      ],
      [
        "poll",
        "-5",
        "--poll '-5' is not a duration: give a number with an optional unit (ms, s, m, h, d), e.g. 15s or 2m.",
      ],
    ];
    for (const [flag, value, message] of cases) {
      const range = DURATION_RANGES[flag as keyof typeof DURATION_RANGES];
      expect(() => parseDuration(flag, value, range), `${flag} ${value}`).to.throw(UserError, message);
    }
    expect(() => parseNumber("urgent-multiple", "0.5", { min: 1, max: 1000 })).to.throw(
      UserError,
      "--urgent-multiple '0.5' must be a number between 1 and 1000.",
    );
    expect(() => parseNumber("urgent-multiple", "1e3", { min: 1, max: 1000 })).to.throw(UserError);
    expect(parseNumber("urgent-multiple", "2.5", { min: 1, max: 1000 })).to.equal(2.5);
  });

  it("prints gas prices with the precision L2s need, gas with separators, counts in the singular when one", () => {
    expect(formatGwei(30_000_000_000n)).to.equal("30.00 gwei");
    expect(formatGwei(1_000_000_000n)).to.equal("1.00 gwei");
    expect(formatGwei(10_000_000n)).to.equal("0.01 gwei"); // Arbitrum's floor
    expect(formatGwei(1_234_567n)).to.equal("0.00123 gwei");
    expect(formatGwei(0n)).to.equal("0 gwei");
    expect(formatGwei(1n)).to.equal("1 wei");
    expect(formatGwei(999_999n)).to.equal("999999 wei");
    expect(formatInt(397_656n)).to.equal("397,656");
    expect([plural(1, "live leg"), plural(2, "leg"), plural(0, "leg")]).to.deep.equal([
      "1 live leg",
      "2 legs",
      "0 legs",
    ]);
    // An L2 keeper's hold line used to read "0.00 gwei above the ceiling 0.00 gwei".
    const hold = decide({ reason: "Due", detail: 0n, urgency: 1.2 }, 20_000_000n, {
      baseFeeCeilingWei: 10_000_000n,
      urgentMultiple: 3,
      hardCapWei: 1_000_000_000n,
    });
    expect(hold.why).to.equal(
      "base fee 0.02 gwei above the ceiling 0.01 gwei; deviation 1.20× band, urgent from 3×",
    );
  });

  it("the keeper task refuses an out-of-range --poll in one line, exit 1, before touching the network", async () => {
    for (const poll of ["10000000", "0.001"]) {
      process.exitCode = 0;
      const { out, err } = await runCaptured("keeper", {
        poll,
        baseFeeCeiling: "30",
        urgentMultiple: "3",
        hardCap: "300",
        stuckAfter: "2m",
        backoffCap: "1m",
        json: false,
      });
      expect(err).to.equal(`Error: --poll '${poll}' is out of range: between 0.5 s and 1 d.`);
      expect(out).to.equal("");
      expect(process.exitCode).to.equal(1);
    }
  });
});
