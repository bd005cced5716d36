import fs from "node:fs";
import path from "node:path";

import { UserError } from "../config/env";
import { isoTime } from "../format/time";

/** One hourly observation of the shipped price history (data/eth_btc_usd_1h.csv). */
export interface PricePoint {
  /** Candle open time, UTC. */
  time: Date;
  ethUsd: number;
  btcUsd: number;
}

export const PRICE_FILE = path.join(__dirname, "..", "..", "data", "eth_btc_usd_1h.csv");

/**
 * A price history: a timestamp column and one price column per asset, every price in one quote
 * (USD in the shipped file). Times are unix seconds, strictly increasing.
 */
export interface PriceSeries {
  /** Where it came from, for messages. */
  source: string;
  /** Column names after the timestamp, as written in the header. */
  columns: string[];
  times: number[];
  /** prices[column][row]. */
  prices: number[][];
}

/**
 * A timestamp cell: unix seconds (all digits), or an ISO-8601 date-time ("2022-01-01T00:00:00Z",
 * "2022-01-01 00:00:00"; without a zone it is UTC). NaN when it is neither.
 */
function parseTime(cell: string): number {
  const c = cell.trim();
  if (/^\d{9,11}$/.test(c)) return Number(c);
  if (!/^\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?(Z|[+-]\d{2}:?\d{2})?$/.test(c)) return NaN;
  const iso = c.replace(" ", "T");
  const zoned = /(Z|[+-]\d{2}:?\d{2})$/.test(iso) || !iso.includes("T") ? iso : `${iso}Z`;
  const ms = new Date(zoned.includes("T") ? zoned : `${zoned}T00:00:00Z`).getTime();
  return Number.isNaN(ms) ? NaN : ms / 1000;
}

/**
 * Parses a price CSV: header `timestamp,<asset>,<asset>…`, then one row per time. Every mistake is
 * one UserError naming the file, the line and what to fix: a malformed header or row, a price that
 * is not a positive number, a timestamp out of order or repeated. Gaps are the caller's to judge
 * (`checkGaps`), since what counts as one depends on the step.
 */
export function parseSeries(text: string, source: string): PriceSeries {
  const lines = text.split(/\r?\n/);
  while (lines.length > 0 && lines[lines.length - 1].trim() === "") lines.pop();
  const header = (lines[0] ?? "").split(",").map((h) => h.trim());
  if (header.length < 2 || !/^(timestamp|time|date)$/i.test(header[0]) || header.slice(1).some((h) => h === "")) {
    throw new UserError(
      `${source}: line 1 must be the header 'timestamp,<asset>,…' (one price column per asset), not '${lines[0] ?? ""}'.`,
    );
  }
  const columns = header.slice(1);
  const times: number[] = [];
  const prices: number[][] = columns.map(() => []);
  const lineOf = new Map<number, number>();
  for (let i = 1; i < lines.length; i++) {
    const cells = lines[i].split(",");
    const n = i + 1;
    if (cells.length !== header.length)
      throw new UserError(`${source}: line ${n} has ${cells.length} fields, the header ${header.length}: '${lines[i]}'.`);
    const t = parseTime(cells[0]);
    if (!Number.isFinite(t))
      throw new UserError(
        `${source}: line ${n}: '${cells[0]}' is not a timestamp (unix seconds or ISO-8601, e.g. 2022-01-01 00:00:00).`,
      );
    const seen = lineOf.get(t);
    if (seen !== undefined) throw new UserError(`${source}: line ${n} repeats the timestamp of line ${seen} (${cells[0].trim()}).`);
    if (times.length > 0 && t < times[times.length - 1])
      throw new UserError(`${source}: line ${n} (${cells[0].trim()}) is earlier than the line before it: sort the file by time.`);
    for (let c = 0; c < columns.length; c++) {
      const cell = cells[c + 1].trim();
      const p = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(cell) ? Number(cell) : NaN;
      if (!(p > 0) || !Number.isFinite(p))
        throw new UserError(`${source}: line ${n}, column ${columns[c]}: '${cell}' is not a positive price.`);
      prices[c].push(p);
    }
    lineOf.set(t, n);
    times.push(t);
  }
  if (times.length < 2) throw new UserError(`${source}: needs at least two rows of prices, has ${times.length}.`);
  return { source, columns, times, prices };
}

/** Refuses a gap longer than `maxGapSeconds` between two consecutive rows, naming both. */
export function checkGaps(s: PriceSeries, maxGapSeconds: number): void {
  for (let i = 1; i < s.times.length; i++) {
    const gap = s.times[i] - s.times[i - 1];
    if (gap > maxGapSeconds) {
      throw new UserError(
        `${s.source}: ${(gap / 3600).toFixed(1)} h without a price between ${isoTime(s.times[i - 1])} and ${isoTime(s.times[i])} ` +
          `(at most ${maxGapSeconds / 3600} h allowed): fill the gap or raise --max-gap.`,
      );
    }
  }
}

/** Reads a price CSV; a missing or unreadable file is one UserError. */
export function loadSeries(file = PRICE_FILE): PriceSeries {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (e) {
    throw new UserError(`cannot read the price file ${file}: ${(e as NodeJS.ErrnoException).code ?? String(e)}.`);
  }
  return parseSeries(text, path.basename(file));
}

/** Parses the shipped CSV (header timestamp,eth_usd,btc_usd) into points; throws with the line number on a malformed row. */
export function parsePriceCsv(text: string): PricePoint[] {
  const s = parseSeries(text, "prices");
  if (s.columns.join(",") !== "eth_usd,btc_usd") throw new Error(`unexpected header: ${text.split(/\r?\n/)[0]}`);
  return s.times.map((t, i) => ({ time: new Date(t * 1000), ethUsd: s.prices[0][i], btcUsd: s.prices[1][i] }));
}

export function loadPrices(file = PRICE_FILE): PricePoint[] {
  return parsePriceCsv(fs.readFileSync(file, "utf8"));
}

/** Points from `from` (inclusive) to `to` (exclusive), one every `everyHours` hours. */
export function sample(points: PricePoint[], from: Date, to: Date, everyHours: number): PricePoint[] {
  const out: PricePoint[] = [];
  let next = from.getTime();
  for (const p of points) {
    const t = p.time.getTime();
    if (t < next || t >= to.getTime()) continue;
    out.push(p);
    next = t + everyHours * 3600_000;
  }
  return out;
}
