import { createServer, type Server } from "node:http";

import { formatEther } from "ethers";
import { Counter, Gauge, Registry } from "prom-client";

import { UserError } from "../config/env";
import type { KeeperSnapshot, KeeperSummary } from "./loop";

/**
 * The keeper's counters for Prometheus (prom-client's text format) on GET /metrics, while it runs.
 * Every value is read from the loop's snapshot at scrape time, so the endpoint and the summary can
 * never disagree. A registry of its own per keeper: no global state, two keepers in one process (the
 * tests) do not collide.
 */

/** The summary's counters, exported as `ballast_keeper_<name>_total`. */
const COUNTERS: [keyof KeeperSummary, string][] = [
  ["ticks", "polls completed"],
  ["sent", "rebalance transactions sent (replacements not counted)"],
  ["confirmed", "rebalances mined successfully"],
  ["raced", "due rebalances another keeper did first"],
  ["replaced", "stuck transactions replaced at a higher fee"],
  ["held", "due rebalances held for gas (base fee above the ceiling or the hard cap)"],
  ["wouldSend", "due rebalances a --dry-run keeper would have sent"],
  ["unprofitable", "due rebalances held because the reward was below --min-profit × gas cost"],
  ["idle", "vault polls with nothing due"],
  ["blocked", "vault polls where a rebalance was blocked (paused, stale oracle, breaker…)"],
  ["rpcErrors", "failed polls retried after an RPC error"],
  ["failures", "failed simulations, reverts and unpaid due rebalances"],
];

const snake = (s: string) => s.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/** A registry whose metrics read `current()` each time they are scraped. */
export function keeperRegistry(current: () => KeeperSnapshot | undefined): Registry {
  const registry = new Registry();
  for (const [key, help] of COUNTERS) {
    new Counter({
      name: `ballast_keeper_${snake(key)}_total`,
      help,
      registers: [registry],
      collect() {
        const s = current();
        this.reset();
        if (s) this.inc(Number(s.summary[key]));
      },
    });
  }
  const gauge = (name: string, help: string, read: (s: KeeperSnapshot) => number) =>
    new Gauge({
      name,
      help,
      registers: [registry],
      collect() {
        const s = current();
        if (s) this.set(read(s));
      },
    });
  gauge("ballast_keeper_balance_eth", "the keeper's ETH balance at the last poll", (s) =>
    Number(formatEther(s.balanceWei)),
  );
  gauge("ballast_keeper_eth_spent", "ETH paid for gas by mined transactions", (s) =>
    Number(s.summary.ethSpent),
  );
  gauge("ballast_keeper_gas_used", "gas used by mined transactions", (s) => Number(s.summary.gasUsed));
  gauge(
    "ballast_keeper_last_poll_timestamp_seconds",
    "Unix time of the last completed poll",
    (s) => s.lastTickAt,
  );
  const perToken = (name: string, help: string, field: "rewards" | "net") =>
    new Gauge({
      name,
      help,
      labelNames: ["token"],
      registers: [registry],
      collect() {
        const s = current();
        this.reset();
        for (const [token, v] of Object.entries(s?.summary[field] ?? {})) this.set({ token }, Number(v));
      },
    });
  perToken("ballast_keeper_rewards", "rewards earned, per quote token", "rewards");
  perToken("ballast_keeper_net", "rewards less the gas paid for them, per quote token", "net");
  new Gauge({
    name: "ballast_keeper_vault_deviation_bands",
    help: "each vault's deviation over its band at the last poll (1 = at the band edge)",
    labelNames: ["vault", "reason"],
    registers: [registry],
    collect() {
      const s = current();
      this.reset();
      for (const v of s?.vaults ?? []) this.set({ vault: v.name, reason: v.reason }, v.urgency);
    },
  });
  return registry;
}

/**
 * Serves `registry` on http://host:port/metrics until `signal` aborts. A port in use or a host that
 * cannot be bound is one UserError line.
 */
export async function serveMetrics(
  registry: Registry,
  host: string,
  port: number,
  signal: AbortSignal,
): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    if (req.method !== "GET" || req.url?.split("?")[0] !== "/metrics") {
      res.writeHead(404, { "content-type": "text/plain" }).end("not found: GET /metrics\n");
      return;
    }
    registry.metrics().then(
      (body) => res.writeHead(200, { "content-type": registry.contentType }).end(body),
      (e: Error) => res.writeHead(500, { "content-type": "text/plain" }).end(`${e.message}\n`),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", (e: NodeJS.ErrnoException) =>
      reject(
        new UserError(
          e.code === "EADDRINUSE"
            ? `--metrics-port ${port} is in use on ${host}: choose another port.`
            : `cannot serve metrics on ${host}:${port} (${e.code ?? e.message}): check --metrics-host and --metrics-port.`,
        ),
      ),
    );
    server.listen(port, host, () => resolve());
  });
  signal.addEventListener("abort", () => server.close(), { once: true });
  const address = server.address();
  const bound = typeof address === "object" && address ? address.port : port;
  return { url: `http://${host}:${bound}/metrics`, server };
}
