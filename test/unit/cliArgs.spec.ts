import { expect } from "chai";

import { UserError } from "../../src/config/env";
import { DURATION_RANGES, formatDuration, parseDuration, parseNumber } from "../../src/cli/args";
import { formatEth, formatGwei, formatInt, formatToken, plural } from "../../src/format/units";
import { decide, ethPriceInQuote } from "../../src/keeper/decision";
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
    // Fees to four significant digits, not 18 decimals; token amounts to their own decimals.
    expect(formatEth(397_656_000_000_000n)).to.equal("0.0003977 ETH");
    expect(formatEth(1_250_000_000_000_000_000n)).to.equal("1.25 ETH");
    expect(formatEth(0n)).to.equal("0 ETH");
    expect(formatToken(12.5, "USDC", 6)).to.equal("12.5 USDC");
    expect(formatToken(1234.56789012, "USDC", 6)).to.equal("1,234.56789 USDC");
    expect(formatToken(0.123456789, "WBTC", 8)).to.equal("0.123457 WBTC");
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

  it("the keeper task refuses a bad --min-profit, --eth-price, --report-every or --metrics-port in one line, before touching the network", async () => {
    const base = {
      poll: "15s",
      baseFeeCeiling: "30",
      urgentMultiple: "3",
      hardCap: "300",
      stuckAfter: "2m",
      backoffCap: "1m",
      noFundsExitAfter: "10",
      minProfit: "0",
      reportEvery: "1h",
      metricsHost: "127.0.0.1",
      json: false,
    };
    for (const [flags, line] of [
      [{ minProfit: "-1" }, "--min-profit '-1' must be a number between 0 and 1000."],
      [{ minProfit: "lots" }, "--min-profit 'lots' must be a number between 0 and 1000."],
      [{ ethPrice: "0" }, "--eth-price '0' must be a positive number of quote tokens per ETH, e.g. 3000."],
      [{ reportEvery: "5s" }, "--report-every '5s' is out of range: between 1 min and 1 d."],
      [{ metricsPort: "70000" }, "--metrics-port '70000' must be a number between 1 and 65535."],
      [{ metricsPort: "90.5" }, "--metrics-port '90.5' must be a whole number."],
    ] as const) {
      process.exitCode = 0;
      const { out, err } = await runCaptured("keeper", { ...base, ...flags });
      expect(err).to.equal(`Error: ${line}`);
      expect(out).to.equal("");
      expect(process.exitCode).to.equal(1);
    }
  });

  it("--min-profit: holds a non-urgent rebalance whose reward misses the ratio × gas cost, never an urgent one", () => {
    const policy = { baseFeeCeilingWei: 30n * 10n ** 9n, urgentMultiple: 3, hardCapWei: 300n * 10n ** 9n };
    const economics = { rewardQuote: 0.09, gasCostQuote: 0.66, minProfit: 1.5, symbol: "USDC" };
    expect(decide({ reason: "Due", detail: 0n, urgency: 1.02 }, 10n ** 9n, policy, economics)).to.deep.equal({
      action: "hold",
      unprofitable: true,
      why: "reward 0.09 USDC is below 1.5× the gas cost 0.66 USDC; deviation 1.02× band, sent anyway from 3×",
    });
    // Urgent: sent whatever the reward.
    expect(decide({ reason: "Due", detail: 0n, urgency: 3 }, 10n ** 9n, policy, economics).action).to.equal(
      "send",
    );
    // Covered (0.99 ≥ 1.5 × 0.66), or the rule off (0): sent.
    expect(
      decide({ reason: "Due", detail: 0n, urgency: 1.02 }, 10n ** 9n, policy, {
        ...economics,
        rewardQuote: 0.99,
      }).action,
    ).to.equal("send");
    expect(
      decide({ reason: "Due", detail: 0n, urgency: 1.02 }, 10n ** 9n, policy, { ...economics, minProfit: 0 })
        .action,
    ).to.equal("send");
    // Large amounts keep their separators and two decimals.
    expect(
      decide({ reason: "Due", detail: 0n, urgency: 1.5 }, 10n ** 9n, policy, {
        rewardQuote: 1234.5678,
        gasCostQuote: 2000,
        minProfit: 1,
        symbol: "USDC",
      }).why,
    ).to.equal(
      "reward 1,234.57 USDC is below 1× the gas cost 2,000 USDC; deviation 1.50× band, sent anyway from 3×",
    );
  });

  it("prices ETH in a vault's quote: 1 for a WETH quote, its own WETH, another vault's with the same quote, else --eth-price", () => {
    const usdcWeth = {
      quote: "USDC",
      assets: [
        { symbol: "USDC", priceQuote: 1 },
        { symbol: "WETH", priceQuote: 3100 },
      ],
    };
    const usdcBtc = {
      quote: "USDC",
      assets: [
        { symbol: "USDC", priceQuote: 1 },
        { symbol: "WBTC", priceQuote: 60000 },
      ],
    };
    const daiBtc = {
      quote: "DAI",
      assets: [
        { symbol: "DAI", priceQuote: 1 },
        { symbol: "WBTC", priceQuote: 60000 },
      ],
    };
    expect(ethPriceInQuote({ quote: "WETH", assets: [] }, [])).to.equal(1);
    expect(ethPriceInQuote(usdcWeth, [])).to.equal(3100);
    expect(ethPriceInQuote(usdcBtc, [usdcWeth])).to.equal(3100);
    expect(ethPriceInQuote(daiBtc, [usdcWeth])).to.equal(undefined);
    expect(ethPriceInQuote(daiBtc, [usdcWeth], 3000)).to.equal(3000);
    // A WETH price the oracle could not give (NaN) is no price.
    expect(
      ethPriceInQuote({ quote: "USDC", assets: [{ symbol: "WETH", priceQuote: NaN }] }, [], 2900),
    ).to.equal(2900);
  });
});
