import fs from "node:fs";
import path from "node:path";

import { stringify } from "csv-stringify/sync";

import { pct, renderTable, usd } from "../format/table";
import { type Chart, leverageChart, paretoChart, trackingChart, valueChart } from "./charts";
import type { LeverageResult } from "./leverageRun";
import type { BacktestReport } from "./run";
import { type Agreement, agrees } from "./throughContracts";
import type { PolicyResult } from "./simulate";
import { weightScenario } from "./simulate";

/** How many policies of its kind `r` beats on both cost and tracking error (strictly on one). */
export function beats(r: PolicyResult, results: PolicyResult[]): number {
  return results.filter(
    (o) =>
      o !== r &&
      o.kind === r.kind &&
      !o.base &&
      r.costBpsPerYear <= o.costBpsPerYear &&
      r.trackingRms <= o.trackingRms &&
      (r.costBpsPerYear < o.costBpsPerYear || r.trackingRms < o.trackingRms),
  ).length;
}

/**
 * The Pareto-best policy of a kind: on the frontier, and beating the most other policies on both
 * axes (ties: the cheaper). Null when the kind was not run or only its base was.
 */
export function paretoBest(kind: PolicyResult["kind"], report: BacktestReport): PolicyResult | null {
  const candidates = report.results.filter(
    (r) => r.kind === kind && !r.base && report.frontier.has(`${kind}/${r.spec}`),
  );
  if (candidates.length === 0) return null;
  return candidates
    .map((r) => ({ r, n: beats(r, report.results) }))
    .sort((a, b) => b.n - a.n || a.r.costBpsPerYear - b.r.costBpsPerYear)[0].r;
}

const tracking = (r: PolicyResult, v: number) =>
  r.kind === "target-weight" ? pct(v, 2) : `${v.toFixed(2)} ETH`;

/** The terminal table of one vault type. */
export function table(kind: PolicyResult["kind"], report: BacktestReport): string {
  const rows = report.results
    .filter((r) => r.kind === kind)
    .map((r) => [
      `${report.frontier.has(`${kind}/${r.spec}`) && !r.base ? "* " : "  "}${r.spec}`,
      r.label,
      String(r.rebalances),
      String(r.refused),
      r.costBpsPerYear.toFixed(1),
      usd(r.fees),
      usd(r.impact),
      usd(r.gas),
      tracking(r, r.trackingRms),
      tracking(r, r.trackingMax),
      usd(r.finalValue),
      r.base ? "base" : `${r.vsBase >= 0 ? "+" : ""}${pct(r.vsBase, 2)}`,
      r.base ? "" : String(beats(r, report.results)),
    ]);
  return renderTable(
    [
      "policy",
      "rule",
      "rebalances",
      "refused",
      "cost bps/yr",
      "fees",
      "impact",
      "gas",
      "tracking RMS",
      "max",
      "final value",
      "vs base",
      "beats",
    ],
    rows,
  );
}

/** One row per policy: the table's figures, unrounded. */
export function summaryCsv(report: BacktestReport): string {
  return stringify([
    [
      "vault",
      "policy",
      "rule",
      "base",
      "pareto",
      "beats",
      "rebalances",
      "refused",
      "traded",
      "fees",
      "impact",
      "gas",
      "rewards",
      "cost_bps_per_year",
      "tracking_rms",
      "tracking_max",
      "mean_nav",
      "final_value",
      "vs_base",
    ],
    ...report.results.map((r) => [
      r.kind,
      r.spec,
      r.label,
      r.base,
      report.frontier.has(`${r.kind}/${r.spec}`),
      beats(r, report.results),
      r.rebalances,
      r.refused,
      r.traded,
      r.fees,
      r.impact,
      r.gas,
      r.rewards,
      r.costBpsPerYear,
      r.trackingRms,
      r.trackingMax,
      r.meanNav,
      r.finalValue,
      r.vsBase,
    ]),
  ]);
}

/** A policy's daily samples. */
export function policyCsv(r: PolicyResult, columns: string[]): string {
  const tracked = r.kind === "target-weight" ? columns.map((c) => `weight_${c}`) : ["net_delta"];
  const bands = r.kind === "target-weight" ? columns.map((c) => `band_${c}`) : ["half_width"];
  return stringify([
    ["time", "value", "rebalances", ...tracked, ...bands],
    ...r.daily.map((d) => [
      new Date(d.time * 1000).toISOString(),
      d.value,
      d.rebalances,
      ...d.tracked,
      ...d.band,
    ]),
  ]);
}

/** The --json document: schema "1", every figure a number in the unit its name says. */
export function reportJson(report: BacktestReport): object {
  return {
    schema: "1",
    market: {
      source: report.market.source,
      from: new Date(report.market.from * 1000).toISOString(),
      to: new Date(report.market.to * 1000).toISOString(),
      rows: report.market.rows,
      columns: report.market.columns,
    },
    settings: {
      stepSeconds: report.options.stepSeconds,
      checkEverySeconds: report.options.checkEverySeconds,
      feePips: report.options.feePips,
      depthQuote: report.options.depthQuote,
      gasPriceGwei: report.options.gasPriceGwei,
      nav: report.options.nav,
      book: report.options.book,
    },
    policies: report.results.map((r) => ({
      vault: r.kind,
      policy: r.spec,
      rule: r.label,
      base: r.base,
      pareto: report.frontier.has(`${r.kind}/${r.spec}`),
      beats: beats(r, report.results),
      rebalances: r.rebalances,
      refused: r.refused,
      tradedQuote: r.traded,
      feesQuote: r.fees,
      impactQuote: r.impact,
      gasQuote: r.gas,
      rewardsQuote: r.rewards,
      costBpsPerYear: r.costBpsPerYear,
      trackingRms: r.trackingRms,
      trackingMax: r.trackingMax,
      trackingUnit: r.kind === "target-weight" ? "fraction of NAV" : "underlying",
      finalValueQuote: r.finalValue,
      vsBase: r.vsBase,
    })),
    leverage: report.leverage ? leverageJson(report.leverage) : null,
    paretoBest: {
      "target-weight": paretoBest("target-weight", report)?.spec ?? null,
      "delta-hedge": paretoBest("delta-hedge", report)?.spec ?? null,
    },
    seconds: report.seconds,
  };
}

/** Every chart of a report: per vault type run, the frontier, value over time and the best policy's tracking. */
export function charts(report: BacktestReport): Chart[] {
  const out: Chart[] = [];
  for (const kind of ["target-weight", "delta-hedge"] as const) {
    if (!report.results.some((r) => r.kind === kind)) continue;
    out.push(paretoChart(kind, report.results, report.frontier));
    out.push(valueChart(kind, report.results));
    const best = paretoBest(kind, report);
    if (best) {
      const targets = weightScenario(report.market.columns, report.setup.weight)
        .targetBps.slice(1)
        .map((t) => t / 1e4);
      out.push(trackingChart(best, report.market.columns, targets));
    }
  }
  if (report.leverage) out.push(leverageChart(report.leverage));
  return out;
}

/** Writes the summary, a CSV per policy and the charts into `dir`; returns the paths written. */
export function writeReport(report: BacktestReport, dir: string, withCharts: boolean): string[] {
  fs.mkdirSync(dir, { recursive: true });
  const written: string[] = [];
  const put = (name: string, data: string | Buffer) => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, data);
    written.push(file);
  };
  put("summary.csv", summaryCsv(report));
  for (const r of report.results)
    put(`${r.kind}-${r.spec.replace(/[^a-z0-9.-]+/gi, "_")}.csv`, policyCsv(r, report.market.columns));
  if (report.leverage) put("leverage.csv", leverageCsv(report.leverage));
  if (withCharts) {
    for (const c of charts(report)) {
      put(`${c.name}.svg`, c.svg);
      put(`${c.name}.png`, c.png);
    }
  }
  return written;
}

/** The --through-contracts comparison: model against chain, policy by policy. */
export function agreementTable(agreements: Agreement[]): string {
  const e = (x: number) => (x === 0 ? "0" : x.toExponential(1));
  return renderTable(
    [
      "vault",
      "policy",
      "rebalances model/chain",
      "cost model",
      "cost chain",
      "Δ cost",
      "tracking RMS Δ",
      "final value chain",
      "Δ final",
      "gas/rebalance chain",
      "agrees",
    ],
    agreements.map((a) => [
      a.kind,
      a.spec,
      `${a.model.rebalances}/${a.chain.rebalances}`,
      (a.model.fees + a.model.impact).toFixed(2),
      a.chain.cost.toFixed(2),
      e(a.costRel),
      e(a.trackingRmsDiff),
      usd(a.chain.finalValue, 2),
      e(a.finalValueRel),
      a.chain.rebalances ? usd(a.chain.gasUnits / a.chain.rebalances) : "-",
      agrees(a) ? "yes" : "NO",
    ]),
  );
}

export function agreementCsv(agreements: Agreement[]): string {
  return stringify([
    [
      "vault",
      "policy",
      "model_rebalances",
      "chain_rebalances",
      "model_cost",
      "chain_cost",
      "cost_rel",
      "model_tracking_rms",
      "chain_tracking_rms",
      "model_final_value",
      "chain_final_value",
      "final_value_rel",
      "chain_gas_units",
      "agrees",
    ],
    ...agreements.map((a) => [
      a.kind,
      a.spec,
      a.model.rebalances,
      a.chain.rebalances,
      a.model.fees + a.model.impact,
      a.chain.cost,
      a.costRel,
      a.model.trackingRms,
      a.chain.trackingRms,
      a.model.finalValue,
      a.chain.finalValue,
      a.finalValueRel,
      a.chain.gasUnits,
      agrees(a),
    ]),
  ]);
}

/** The leverage vault's daily closes: time, price, leverage, NAV and health factor. */
export function leverageCsv(r: LeverageResult): string {
  return stringify([
    ["time", "price", "leverage", "nav", "health_factor"],
    ...r.daily.map((d) => [
      new Date(d.time * 1000).toISOString(),
      d.price,
      d.leverage,
      d.nav,
      Number.isFinite(d.health) ? d.health : "",
    ]),
  ]);
}

/** The leverage vault's figures, one line each, for the terminal. */
export function leverageTable(r: LeverageResult): string {
  const x = (wad: bigint) => `${(Number(wad) / 1e18).toFixed(2)}×`;
  return renderTable(
    ["figure", "value"],
    [
      ["target, band, ripcord", `${x(r.targetWad)}, ${x(r.minWad)}–${x(r.maxWad)}, ${x(r.ripcordWad)}`],
      ["liquidations", String(r.liquidations)],
      ["lowest health factor", r.minHealth.toFixed(3)],
      ["leverage seen (after the keeper)", `${r.minLeverage.toFixed(3)}× – ${r.maxLeverage.toFixed(3)}×`],
      ["rows inside the band", pct(r.inBand, 2)],
      ["tracking |L − target|, RMS / max", `${r.trackingRms.toFixed(3)}× / ${r.trackingMax.toFixed(3)}×`],
      [
        "levers / delevers / ripcords / refused",
        `${r.levers} / ${r.delevers} / ${r.ripcords} / ${r.refused}`,
      ],
      ["traded", usd(r.traded)],
      [
        "fees / impact / gas / rewards / flash fees",
        [r.fees, r.impact, r.gas, r.rewards, r.flashFees].map(usd).join(" / "),
      ],
      ["cost, bps of mean NAV a year", r.costBpsPerYear.toFixed(1)],
      ["interest paid / earned", `${usd(r.interestPaid)} / ${usd(r.interestEarned)}`],
      ["carry, bps of mean NAV a year", r.carryBpsPerYear.toFixed(1)],
      ["NAV: start → end (1× hold)", `${usd(r.startNav)} → ${usd(r.finalNav)} (${usd(r.holdNav)})`],
    ],
  );
}

/** The leverage vault's block of the --json document. */
export function leverageJson(r: LeverageResult): object {
  const { daily: _daily, targetWad, minWad, maxWad, ripcordWad, ...figures } = r;
  void _daily;
  const x = (wad: bigint) => Number(wad) / 1e18;
  return { ...figures, target: x(targetWad), bandMin: x(minWad), bandMax: x(maxWad), ripcord: x(ripcordWad) };
}
