import path from "node:path";

import { Resvg } from "@resvg/resvg-js";
import * as echarts from "echarts";

import type { LeverageResult } from "./leverageRun";
import type { PolicyResult } from "./simulate";

/**
 * Charts of a backtest, drawn by Apache ECharts' server-side SVG renderer (no canvas, no browser)
 * and rasterized to PNG by resvg with the DejaVu Sans font from the npm registry, so a chart looks
 * the same on a machine with no fonts installed.
 */

const WIDTH = 960;
const HEIGHT = 600;
const FONT = path.join(
  path.dirname(require.resolve("dejavu-fonts-ttf/package.json")),
  "ttf",
  "DejaVuSans.ttf",
);
const TEXT = { fontFamily: "DejaVu Sans" };

export interface Chart {
  name: string;
  svg: string;
  png: Buffer;
}

function render(name: string, option: echarts.EChartsCoreOption): Chart {
  const chart = echarts.init(null, null, { renderer: "svg", ssr: true, width: WIDTH, height: HEIGHT });
  chart.setOption({ animation: false, backgroundColor: "#ffffff", textStyle: TEXT, ...option });
  const svg = chart.renderToSVGString();
  chart.dispose();
  const png = new Resvg(svg, {
    background: "#ffffff",
    font: { fontFiles: [FONT], loadSystemFonts: false, defaultFontFamily: "DejaVu Sans" },
  })
    .render()
    .asPng();
  return { name, svg, png };
}

const KIND_TITLE = { "target-weight": "Target-weight vault", "delta-hedge": "Delta-hedged vault" } as const;

/** Cost against tracking error, one point per policy, the frontier joined by a line. */
export function paretoChart(
  kind: PolicyResult["kind"],
  results: PolicyResult[],
  frontier: Set<string>,
): Chart {
  const group = results.filter((r) => r.kind === kind && !r.base);
  const unit = kind === "target-weight" ? "RMS of the largest |weight − target|, %" : "RMS of net delta, ETH";
  const y = (r: PolicyResult) => (kind === "target-weight" ? r.trackingRms * 100 : r.trackingRms);
  const on = group
    .filter((r) => frontier.has(`${kind}/${r.spec}`))
    .sort((a, b) => a.costBpsPerYear - b.costBpsPerYear);
  const off = group.filter((r) => !frontier.has(`${kind}/${r.spec}`));
  // Labels: right of the point unless another label is already near there, then left, above, below
  // (ECharts' own overlap layout does not run in server-side rendering).
  const xs = group.map((r) => r.costBpsPerYear);
  const ys = group.map(y);
  const dx = (Math.max(...xs) - Math.min(...xs) || 1) / 7;
  const dy = (Math.max(...ys) - Math.min(...ys) || 1) / 25;
  const placed: { x: number; y: number }[] = [];
  const offsets = { right: [0.5, 0], left: [-0.5, 0], top: [0, 1], bottom: [0, -1] } as const;
  const position = new Map<string, keyof typeof offsets>();
  for (const r of [...group].sort((a, b) => a.costBpsPerYear - b.costBpsPerYear)) {
    const choice =
      (Object.keys(offsets) as (keyof typeof offsets)[]).find((k) => {
        const at = { x: r.costBpsPerYear + offsets[k][0] * dx, y: y(r) + offsets[k][1] * dy };
        return !placed.some((p) => Math.abs(p.x - at.x) < dx && Math.abs(p.y - at.y) < dy);
      }) ?? "right";
    placed.push({ x: r.costBpsPerYear + offsets[choice][0] * dx, y: y(r) + offsets[choice][1] * dy });
    position.set(r.spec, choice);
  }
  const point = (r: PolicyResult) => ({
    value: [r.costBpsPerYear, y(r)],
    name: r.spec,
    label: { position: position.get(r.spec) },
  });
  const label = { show: true, formatter: "{b}", position: "right", fontSize: 11, ...TEXT };
  return render(`pareto-${kind}`, {
    title: { text: `${KIND_TITLE[kind]}: cost against tracking error`, left: "center", textStyle: TEXT },
    legend: { bottom: 0, itemGap: 30, textStyle: TEXT },
    grid: { left: 80, right: 140, top: 60, bottom: 80 },
    xAxis: {
      type: "value",
      name: "cost (fees + impact + gas), bps of mean NAV a year",
      nameLocation: "middle",
      nameGap: 30,
      scale: true,
    },
    yAxis: { type: "value", name: unit, nameLocation: "middle", nameGap: 50, scale: true },
    series: [
      {
        name: "Pareto frontier",
        type: "line",
        labelLayout: { moveOverlap: "shiftY" },
        data: on.map(point),
        symbolSize: 10,
        label,
        lineStyle: { width: 2 },
        itemStyle: { color: "#c23531" },
      },
      {
        name: "dominated",
        type: "scatter",
        labelLayout: { moveOverlap: "shiftY" },
        data: off.map(point),
        symbolSize: 8,
        label: { ...label, color: "#666" },
        itemStyle: { color: "#999" },
      },
    ],
  });
}

/** Value over time, one line per policy (the base dashed). */
export function valueChart(kind: PolicyResult["kind"], results: PolicyResult[]): Chart {
  const group = results.filter((r) => r.kind === kind);
  const what = kind === "target-weight" ? "NAV" : "vault NAV + book (premiums − payoffs − mark)";
  return render(`value-${kind}`, {
    title: { text: `${KIND_TITLE[kind]}: ${what}`, left: "center", textStyle: TEXT },
    legend: { type: "scroll", bottom: 0, textStyle: TEXT },
    grid: { left: 90, right: 40, top: 60, bottom: 80 },
    xAxis: { type: "time" },
    yAxis: { type: "value", name: "quote (USD)", scale: true },
    series: group.map((r) => ({
      name: r.spec,
      type: "line",
      showSymbol: false,
      lineStyle: { width: r.base ? 2 : 1, type: r.base ? "dashed" : "solid" },
      data: r.daily.map((d) => [d.time * 1000, Math.round(d.value)]),
    })),
  });
}

/** One policy's tracked quantity against its band: weights around their targets, or net delta within ±H. */
export function trackingChart(r: PolicyResult, columns: string[], targets: number[]): Chart {
  const t = (d: { time: number }) => d.time * 1000;
  if (r.kind === "delta-hedge") {
    return render(`tracking-${r.kind}`, {
      title: {
        text: `Delta-hedged vault, ${r.spec}: net delta (daily close) within the band`,
        left: "center",
        textStyle: TEXT,
      },
      legend: { bottom: 0, textStyle: TEXT },
      grid: { left: 70, right: 40, top: 60, bottom: 80 },
      xAxis: { type: "time" },
      yAxis: { type: "value", name: "ETH" },
      series: [
        {
          name: "net delta",
          type: "line",
          showSymbol: false,
          data: r.daily.map((d) => [t(d), d.tracked[0]]),
        },
        {
          name: "+H",
          type: "line",
          showSymbol: false,
          lineStyle: { type: "dashed" },
          data: r.daily.map((d) => [t(d), d.band[0]]),
        },
        {
          name: "−H",
          type: "line",
          showSymbol: false,
          lineStyle: { type: "dashed" },
          data: r.daily.map((d) => [t(d), -d.band[0]]),
        },
      ],
    });
  }
  const colors = ["#5470c6", "#ee6666", "#91cc75", "#fac858", "#73c0de", "#3ba272", "#fc8452"];
  const series = columns.flatMap((c, k) => {
    const color = colors[k % colors.length];
    const edge = (sign: number) => ({
      name: `${c} target ± band`,
      type: "line",
      showSymbol: false,
      lineStyle: { type: "dashed", width: 1, color },
      itemStyle: { color },
      data: r.daily.map((d) => [t(d), (targets[k] + sign * d.band[k]) * 100]),
    });
    return [
      {
        name: c,
        type: "line",
        showSymbol: false,
        lineStyle: { width: 1, color },
        itemStyle: { color },
        data: r.daily.map((d) => [t(d), d.tracked[k] * 100]),
      },
      edge(1),
      edge(-1),
    ];
  });
  return render(`tracking-${r.kind}`, {
    title: {
      text: `Target-weight vault, ${r.spec}: weights (daily close) against target ± band`,
      left: "center",
      textStyle: TEXT,
    },
    legend: { bottom: 0, textStyle: TEXT },
    grid: { left: 70, right: 40, top: 60, bottom: 80 },
    xAxis: { type: "time" },
    yAxis: { type: "value", name: "% of NAV", scale: true },
    series,
  });
}

/** The leverage vault's leverage (daily close) against its band, target and ripcord bound. */
export function leverageChart(r: LeverageResult): Chart {
  const t = (d: { time: number }) => d.time * 1000;
  const level = (name: string, wad: bigint, color: string) => ({
    name,
    type: "line",
    showSymbol: false,
    lineStyle: { type: "dashed", width: 1, color },
    itemStyle: { color },
    data: r.daily.map((d) => [t(d), Number(wad) / 1e18]),
  });
  return render("leverage", {
    title: {
      text: `Leverage vault: leverage (daily close) against its band; ${r.liquidations} liquidations`,
      left: "center",
      textStyle: TEXT,
    },
    legend: { bottom: 0, textStyle: TEXT },
    grid: { left: 70, right: 70, top: 60, bottom: 80 },
    xAxis: { type: "time" },
    yAxis: [
      { type: "value", name: "leverage (×)", min: 1, max: Math.ceil(Number(r.ripcordWad) / 1e18 + 0.5) },
      { type: "value", name: "ETH (USD)", scale: true, splitLine: { show: false } },
    ],
    series: [
      {
        name: "leverage",
        type: "line",
        showSymbol: false,
        lineStyle: { width: 1, color: "#5470c6" },
        itemStyle: { color: "#5470c6" },
        data: r.daily.map((d) => [t(d), d.leverage]),
      },
      level("target", r.targetWad, "#3ba272"),
      level("band", r.minWad, "#fac858"),
      { ...level("band", r.maxWad, "#fac858") },
      level("ripcord", r.ripcordWad, "#c23531"),
      {
        name: "ETH price",
        type: "line",
        yAxisIndex: 1,
        showSymbol: false,
        lineStyle: { width: 1, color: "#999" },
        itemStyle: { color: "#999" },
        data: r.daily.map((d) => [t(d), Math.round(d.price)]),
      },
    ],
  });
}
