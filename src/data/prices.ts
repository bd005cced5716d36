import fs from "node:fs";
import path from "node:path";

/** One hourly observation of the shipped price history (data/eth_btc_usd_1h.csv). */
export interface PricePoint {
  /** Candle open time, UTC. */
  time: Date;
  ethUsd: number;
  btcUsd: number;
}

export const PRICE_FILE = path.join(__dirname, "..", "..", "data", "eth_btc_usd_1h.csv");

/** Parses the shipped CSV; throws with the line number on a malformed row. */
export function parsePriceCsv(text: string): PricePoint[] {
  const lines = text.trim().split(/\r?\n/);
  if (lines[0] !== "timestamp,eth_usd,btc_usd") throw new Error(`unexpected header: ${lines[0]}`);
  const out: PricePoint[] = [];
  for (let i = 1; i < lines.length; i++) {
    const [ts, eth, btc] = lines[i].split(",");
    const time = new Date(`${ts.replace(" ", "T")}Z`);
    const ethUsd = Number(eth);
    const btcUsd = Number(btc);
    if (Number.isNaN(time.getTime()) || !(ethUsd > 0) || !(btcUsd > 0)) {
      throw new Error(`line ${i + 1}: malformed row '${lines[i]}'`);
    }
    if (out.length > 0 && time <= out[out.length - 1].time) throw new Error(`line ${i + 1}: timestamps not increasing`);
    out.push({ time, ethUsd, btcUsd });
  }
  return out;
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
