import { expect } from "chai";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

import { UNDER_COVERAGE } from "../shared/coverage";
import { runCaptured } from "../shared/helpers";

/**
 * `npx hardhat backtest` as a user runs it (in-process): what it prints and writes on a short window
 * of the shipped data, and one line with exit code 1 — and nothing written — for every bad input.
 */

/** Days the chain replay runs: three, one under coverage (its instrumented EVM is many times slower). */
const CHAIN_DAYS = UNDER_COVERAGE ? 1 : 3;

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "ballast-backtest-"));
const write = (name: string, text: string) => {
  const file = path.join(tmp, name);
  fs.writeFileSync(file, text);
  return file;
};

/** Hourly rows from 2024-01-01 00:00 UTC with the given ETH and BTC prices. */
function csv(
  rows: [string, number | string, number | string][],
  header = "timestamp,eth_usd,btc_usd",
): string {
  return [header, ...rows.map((r) => r.join(","))].join("\n") + "\n";
}
const hour = (h: number) => new Date(Date.UTC(2024, 0, 1, h)).toISOString().slice(0, 19).replace("T", " ");
const good = (n: number) =>
  Array.from({ length: n }, (_, h) => [hour(h), 2000 + h, 40_000 + 10 * h] as [string, number, number]);

describe("backtest task", function () {
  this.timeout(300_000);

  afterEach(() => {
    process.exitCode = 0;
  });

  it("runs a month of the shipped data: tables, a CSV per policy, the summary and six charts", async () => {
    const out = path.join(tmp, "run");
    const { out: stdout, err } = await runCaptured("backtest", {
      from: "2024-03-01",
      to: "2024-04-01",
      weightPolicies: "hold,time:1d,abs:300",
      hedgePolicies: "unhedged,abs:2,ww:10:0.0005",
      out,
      noCharts: false,
      json: false,
    });
    expect(err).to.equal("");
    expect(process.exitCode ?? 0).to.equal(0);
    expect(stdout).to.match(
      /^eth_btc_usd_1h\.csv: 2024-03-01 00:00 → 2024-04-01 00:00 UTC, 745 rows every 1 h;/,
    );
    expect(stdout).to.match(/\n {2}hold +buy and hold +0 +0 +0\.0 /);
    expect(stdout).to.match(/Pareto-best: /);
    const files = fs.readdirSync(out).sort();
    expect(files).to.include.members([
      "summary.csv",
      "target-weight-hold.csv",
      "target-weight-time_1d.csv",
      "target-weight-abs_300.csv",
      "delta-hedge-unhedged.csv",
      "delta-hedge-abs_2.csv",
      "delta-hedge-ww_10_0.0005.csv",
      "pareto-target-weight.svg",
      "pareto-target-weight.png",
      "value-delta-hedge.svg",
      "tracking-delta-hedge.png",
    ]);
    const svg = fs.readFileSync(path.join(out, "pareto-target-weight.svg"), "utf8");
    expect(svg).to.match(/^<svg /);
    expect(svg).to.include("abs:300");
    const png = fs.readFileSync(path.join(out, "pareto-target-weight.png"));
    expect(png.subarray(1, 4).toString()).to.equal("PNG");
    const summary = fs.readFileSync(path.join(out, "summary.csv"), "utf8").trim().split("\n");
    expect(summary).to.have.length(7); // header + six policies
    // 31 days from 2024-03-01: one row per day change plus the last row.
    const daily = fs.readFileSync(path.join(out, "target-weight-time_1d.csv"), "utf8").trim().split("\n");
    expect(daily[0]).to.equal(
      "time,value,rebalances,weight_eth_usd,weight_btc_usd,band_eth_usd,band_btc_usd",
    );
    expect(daily.length - 1).to.be.within(30, 32);
  });

  it("--json prints one document: every policy's figures and the Pareto-best of each vault type", async () => {
    const out = path.join(tmp, "json");
    const { out: stdout } = await runCaptured("backtest", {
      from: "2023-06-01",
      to: "2023-07-01",
      vault: "target-weight",
      weightPolicies: "hold,time:1d,time:7d,abs:200",
      out,
      noCharts: true,
      json: true,
    });
    const doc = JSON.parse(stdout);
    expect(doc.schema).to.equal("1");
    expect(doc.market.rows).to.equal(721);
    expect(doc.policies.map((p: { policy: string }) => p.policy)).to.deep.equal([
      "hold",
      "time:1d",
      "time:7d",
      "abs:200",
    ]);
    const daily = doc.policies[1];
    // A daily time policy in a 30-day window rebalances on (about) each of its days, after the first.
    expect(daily.rebalances).to.be.within(28, 31);
    expect(doc.policies[0].rebalances).to.equal(0);
    expect(doc.policies[0].vsBase).to.equal(0);
    expect(doc.paretoBest["delta-hedge"]).to.equal(null);
    expect(fs.readdirSync(out).some((f) => f.endsWith(".svg"))).to.equal(false);
  });

  it("--through-contracts: the real contracts and Uniswap V3 pools agree with the model within the stated tolerance", async () => {
    const out = path.join(tmp, "chain");
    const { out: stdout, err } = await runCaptured("backtest", {
      from: "2024-03-01",
      to: `2024-03-0${1 + CHAIN_DAYS}`,
      weightPolicies: "time:1d,abs:200,vol:300:150:600",
      hedgePolicies: "abs:2,ww-vol:10:0.0005",
      // Both sides deploy the configured vault: with the chain on the demo's 40/30/30, nothing would agree.
      vaultConfig: write("chain.json", JSON.stringify({ targetWeight: { targetBps: [5000, 2500, 2500] } })),
      throughContracts: true,
      out,
      noCharts: true,
      json: true,
    });
    expect(err).to.equal("");
    const doc = JSON.parse(stdout);
    expect(doc.rows).to.equal(24 * CHAIN_DAYS + 1);
    expect(
      doc.policies.map((p: { vault: string; policy: string }) => `${p.vault} ${p.policy}`),
    ).to.deep.equal([
      "target-weight time:1d",
      "target-weight abs:200",
      "target-weight vol:300:150:600",
      "delta-hedge abs:2",
      "delta-hedge ww-vol:10:0.0005",
    ]);
    for (const p of doc.policies) {
      expect(p.chainRebalances, p.policy).to.equal(p.modelRebalances);
      expect(p.finalValueRel, p.policy).to.be.below(1e-6);
      expect(p.costRel, p.policy).to.be.below(1e-3);
      expect(p.agrees, p.policy).to.equal(true);
    }
    // Something happened on chain: the daily policy rebalanced on each of its days, and paid for it.
    const daily = doc.policies[0];
    expect(daily.chainRebalances).to.be.within(CHAIN_DAYS, CHAIN_DAYS + 1);
    expect(daily.chainCostQuote).to.be.greaterThan(0);
    expect(daily.chainGasUnits / daily.chainRebalances).to.be.within(150_000, 600_000);
    // The hedge: the book's first short call is hedged at once, then kept within ±2 ETH.
    const hedge = doc.policies[3];
    expect(hedge.chainRebalances).to.be.greaterThan(1);
    expect(hedge.chainTrackingRms).to.be.below(2);
    expect(doc.agrees).to.equal(true);
    expect(fs.readFileSync(path.join(out, "through-contracts.csv"), "utf8").split("\n")[0]).to.match(
      /^vault,policy,model_rebalances,/,
    );
  });

  it("--vault-config sets the vaults: targets, settings and the book, under the policy being tested", async () => {
    const out = path.join(tmp, "config");
    const config = write(
      "vaults.json",
      JSON.stringify({
        targetWeight: { targetBps: [5000, 2500, 2500], settings: { maxTradeBps: 10_000, rewardBps: 0 } },
        deltaHedge: { book: { size: 40, tenorDays: 7 }, limits: { bookCooldownSeconds: 0 } },
      }),
    );
    const { out: stdout, err } = await runCaptured("backtest", {
      from: "2024-03-01",
      to: "2024-03-15",
      weightPolicies: "hold,time:1d",
      hedgePolicies: "unhedged,abs:2",
      vaultConfig: config,
      out,
      noCharts: true,
      json: true,
      throughContracts: false,
    });
    expect(err).to.equal("");
    const doc = JSON.parse(stdout);
    expect(doc.settings.book).to.deep.include({ size: 40, tenorDays: 7, sigma: 0.65 });
    // The configured targets: every daily close of the daily policy sits at 25 % of NAV per asset.
    const rows = fs
      .readFileSync(path.join(out, "target-weight-time_1d.csv"), "utf8")
      .trim()
      .split("\n")
      .slice(1);
    for (const r of rows) {
      const [, , , eth, btc] = r.split(",").map(Number);
      expect(eth).to.be.closeTo(0.25, 0.02);
      expect(btc).to.be.closeTo(0.25, 0.02);
    }
    // rewardBps 0: the keeper is paid nothing.
    const daily = doc.policies.find((p: { policy: string }) => p.policy === "time:1d");
    expect(daily.rebalances).to.be.greaterThan(10);
    expect(daily.rewardsQuote).to.equal(0);
  });

  describe("bad input: one line, exit code 1, nothing written", () => {
    const cases: [string, Record<string, unknown>, RegExp][] = [
      [
        "a malformed row",
        { prices: write("malformed.csv", csv([...good(3), [hour(3), "abc", 1]])) },
        /^Error: malformed\.csv: line 5, column eth_usd: 'abc' is not a positive price\.$/,
      ],
      [
        "a row with a missing field",
        { prices: write("short.csv", csv(good(3)) + `${hour(3)},2000\n`) },
        /^Error: short\.csv: line 5 has 2 fields, the header 3: '2024-01-01 03:00:00,2000'\.$/,
      ],
      [
        "an unsorted file",
        { prices: write("unsorted.csv", csv([good(3)[0], good(3)[2], good(3)[1]])) },
        /^Error: unsorted\.csv: line 4 \(2024-01-01 01:00:00\) is earlier than the line before it: sort the file by time\.$/,
      ],
      [
        "a duplicate timestamp",
        { prices: write("duplicate.csv", csv([...good(3), good(3)[2]])) },
        /^Error: duplicate\.csv: line 5 repeats the timestamp of line 4 \(2024-01-01 02:00:00\)\.$/,
      ],
      [
        "a non-positive price",
        { prices: write("zero.csv", csv([...good(3), [hour(3), 2000, 0]])) },
        /^Error: zero\.csv: line 5, column btc_usd: '0' is not a positive price\.$/,
      ],
      [
        "a negative price",
        { prices: write("negative.csv", csv([...good(3), [hour(3), -5, 1]])) },
        /^Error: negative\.csv: line 5, column eth_usd: '-5' is not a positive price\.$/,
      ],
      [
        "a gap",
        { prices: write("gap.csv", csv([...good(3), [hour(12), 2000, 40_000]])) },
        /^Error: gap\.csv: 10\.0 h without a price between 2024-01-01T02:00:00Z and 2024-01-01T12:00:00Z \(at most 6 h allowed\): fill the gap or raise --max-gap\.$/,
      ],
      [
        "a bad header",
        { prices: write("header.csv", "when,eth\n1,2\n") },
        /^Error: header\.csv: line 1 must be the header 'timestamp,<asset>,…' \(one price column per asset\), not 'when,eth'\.$/,
      ],
      [
        "a file that does not exist",
        { prices: path.join(tmp, "nope.csv") },
        /^Error: cannot read the price file .*nope\.csv: ENOENT\.$/,
      ],
      [
        "an unknown policy",
        { weightPolicies: "hold,bands:5" },
        /^Error: unknown target-weight policy 'bands:5': use one of hold, time:<interval> \(e\.g\. time:1d\), abs:<bps>\[:edge\], .*\.$/,
      ],
      [
        "a policy with a bad argument",
        { hedgePolicies: "abs:-1" },
        /^Error: unknown delta-hedge policy 'abs:-1' \('-1' must be a positive number up to 1000\): use one of unhedged, .*\.$/,
      ],
      [
        "a policy listed twice",
        { weightPolicies: "abs:300,abs:300" },
        /^Error: target-weight policy 'abs:300' is listed twice: name each once\.$/,
      ],
      [
        "a window before the data",
        { from: "2021-01-01" },
        /^Error: --from 2021-01-01 is outside the data: eth_btc_usd_1h\.csv covers 2022-01-01T00:00Z … 2025-12-02T05:00Z\.$/,
      ],
      [
        "a window after the data",
        { from: "2024-01-01", to: "2026-06-01" },
        /^Error: --to 2026-06-01 is outside the data: eth_btc_usd_1h\.csv covers 2022-01-01T00:00Z … 2025-12-02T05:00Z\.$/,
      ],
      [
        "a window the wrong way round",
        { from: "2024-02-01", to: "2024-01-01" },
        /^Error: --from 2024-02-01 is not before --to 2024-01-01\.$/,
      ],
      [
        "a date that is no date",
        { from: "yesterday" },
        /^Error: --from 'yesterday' is not a date: give YYYY-MM-DD or YYYY-MM-DDTHH:MM \(UTC\)\.$/,
      ],
      [
        "--through-contracts on a window too long to replay",
        { throughContracts: true, from: "2024-01-01", to: "2024-06-01" },
        /^Error: --through-contracts replays at most 1489 rows \(about two months hourly\), the window has 3649: narrow --from\/--to or widen --step\.$/,
      ],
      [
        "--through-contracts on prices the local market has no pools for",
        {
          throughContracts: true,
          prices: write(
            "swapped.csv",
            csv(
              good(4).map(([t, e, b]) => [t, b, e]),
              "timestamp,btc_usd,eth_usd",
            ),
          ),
        },
        /^Error: --through-contracts replays on the local market's WETH and WBTC pools: the prices need eth_usd and btc_usd columns, in that order, not btc_usd, eth_usd\.$/,
      ],
      [
        "a --vault-config whose targets do not sum to 10000",
        {
          vaultConfig: write("sum.json", JSON.stringify({ targetWeight: { targetBps: [5000, 2500, 2000] } })),
        },
        /^Error: sum\.json: targetWeight\.targetBps: must sum to 10000 \(quote first\)\.$/,
      ],
      [
        "a --vault-config with a setting out of the vault's bounds",
        {
          vaultConfig: write("bounds.json", JSON.stringify({ deltaHedge: { settings: { rewardBps: 80 } } })),
        },
        /^Error: bounds\.json: deltaHedge\.settings\.rewardBps: Too big: expected number to be <=50\.$/,
      ],
      [
        "a --vault-config with an unknown key",
        { vaultConfig: write("unknown.json", JSON.stringify({ targetWeight: { targets: [1] } })) },
        /^Error: unknown\.json: targetWeight: Unrecognized key: "targets"\.$/,
      ],
      [
        "a --vault-config with targets for other assets",
        { vaultConfig: write("count.json", JSON.stringify({ targetWeight: { targetBps: [5000, 5000] } })) },
        /^Error: --vault-config .*count\.json: targetWeight\.targetBps has 2 targets, the prices have 2 assets besides the quote: give 3, quote first\.$/,
      ],
      [
        "a --vault-config that is not JSON",
        { vaultConfig: write("bad.json", "{targets") },
        /^Error: bad\.json is not JSON: .*\.$/,
      ],
      [
        "an unknown fee tier",
        { feeTier: "250" },
        /^Error: --fee-tier '250' is not one of 100, 500, 3000, 10000\.$/,
      ],
      [
        "a check cadence shorter than the step",
        { step: "4h", checkEvery: "1h" },
        /^Error: --check-every 1h is shorter than --step 4h: the keeper cannot check between price rows\.$/,
      ],
      [
        "a CSV with no ETH column and no --eth-price",
        { prices: write("sol.csv", csv(good(3), "timestamp,sol_usd,btc_usd")) },
        /^Error: sol\.csv has no ETH column \(eth or eth_usd\) to price gas with: pass --eth-price <quote per ETH>\.$/,
      ],
    ];
    for (const [what, args, message] of cases) {
      it(what, async () => {
        const out = path.join(tmp, `bad-${what.replace(/\W+/g, "-")}`);
        const { out: stdout, err } = await runCaptured("backtest", {
          noCharts: false,
          json: false,
          out,
          ...args,
        });
        expect(stdout).to.equal("");
        expect(err).to.match(message);
        expect(err.split("\n")).to.have.length(1);
        expect(process.exitCode).to.equal(1);
        expect(fs.existsSync(out), "nothing written").to.equal(false);
      });
    }
  });
});
