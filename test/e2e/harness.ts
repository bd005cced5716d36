import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import http from "node:http";
import net from "node:net";
import os from "node:os";
import path from "node:path";

/**
 * Subprocess plumbing for the end-to-end suite: a real `npx hardhat node`, Hardhat commands run as
 * separate processes, and an RPC proxy that can be made to fail. Every child is spawned in its own
 * process group so the whole group (npx and the node under it) can be killed.
 */

const ROOT = path.resolve(__dirname, "../..");

/** Lines npm itself prints about the machine's npm config; not the program's output. */
const NPM_NOISE = /^npm (warn|notice)\b/;

export const clean = (text: string): string =>
  text
    .split("\n")
    .filter((l) => !NPM_NOISE.test(l) && l.trim() !== "")
    .join("\n");

/** A free TCP port on 127.0.0.1. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

const children = new Set<ChildProcess>();

function killGroup(child: ChildProcess, signal: NodeJS.Signals = "SIGKILL"): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // already gone
  }
}

// Last resort: nothing this suite started outlives the test process.
process.once("exit", () => {
  for (const c of children) killGroup(c);
});

export interface Env {
  [k: string]: string | undefined;
}

/** The environment every Hardhat child gets: an isolated deployments folder and no live keys. */
export function baseEnv(deploymentsDir: string, extra: Env = {}): Env {
  const env: Env = { ...process.env, BALLAST_DEPLOYMENTS_DIR: deploymentsDir, FORCE_COLOR: "0" };
  for (const k of Object.keys(env)) {
    if (
      /_RPC_URL$|PRIVATE_KEY$|^BALLAST_(GUARDIAN|BOOK_MANAGER|TIMELOCK_|ENV_FILE)|^HARDHAT_NETWORK$|^LEDGER_ACCOUNT$/.test(
        k,
      )
    )
      delete env[k];
  }
  // A developer's own .env must not leak into the subprocesses: point them at a file that is not there.
  return { ...env, BALLAST_ENV_FILE: path.join(os.tmpdir(), "ballast-no-env-file"), ...extra };
}

export function tempDir(prefix: string): { dir: string; remove(): void } {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface Spawned {
  child: ChildProcess;
  stdout: string[];
  stderr: string[];
  /** Resolves with the first stdout line matching `re` at or after line `from` (default 0). */
  waitForLine(re: RegExp, opts?: { timeoutMs?: number; from?: number }): Promise<string>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  kill(signal?: NodeJS.Signals): void;
}

/** Starts `npx hardhat <args>` as a long-running child. */
export function spawnHardhat(args: string[], env: Env): Spawned {
  const child = spawn("npx", ["hardhat", ...args], {
    cwd: ROOT,
    env,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.add(child);
  const stdout: string[] = [];
  const stderr: string[] = [];
  let outBuf = "";
  const waiters: { re: RegExp; resolve: (l: string) => void }[] = [];
  child.stdout!.on("data", (d: Buffer) => {
    outBuf += d.toString();
    const lines = outBuf.split("\n");
    outBuf = lines.pop()!;
    for (const line of lines) {
      stdout.push(line);
      for (const w of [...waiters]) {
        if (w.re.test(line)) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve(line);
        }
      }
    }
  });
  child.stderr!.on("data", (d: Buffer) => stderr.push(...d.toString().split("\n")));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once("exit", (code, signal) => {
      children.delete(child);
      if (outBuf) stdout.push(outBuf);
      resolve({ code, signal });
    }),
  );
  return {
    child,
    stdout,
    stderr,
    exited,
    waitForLine(re, { timeoutMs = 60_000, from = 0 } = {}) {
      const seen = stdout.slice(from).find((l) => re.test(l));
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const t = setTimeout(
          () =>
            reject(
              new Error(
                `no line matching ${re} within ${timeoutMs} ms; stdout:\n${stdout.join("\n")}\nstderr:\n${clean(stderr.join("\n"))}`,
              ),
            ),
          timeoutMs,
        );
        waiters.push({
          re,
          resolve: (l) => {
            clearTimeout(t);
            resolve(l);
          },
        });
        void exited.then(() =>
          reject(new Error(`exited before a line matching ${re}; stderr:\n${clean(stderr.join("\n"))}`)),
        );
      });
    },
    kill(signal = "SIGKILL") {
      killGroup(child, signal);
    },
  };
}

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `npx hardhat <args>` to completion. */
export async function runHardhat(args: string[], env: Env, timeoutMs = 180_000): Promise<RunResult> {
  const p = spawnHardhat(args, env);
  const timer = setTimeout(() => p.kill(), timeoutMs);
  const { code } = await p.exited;
  clearTimeout(timer);
  return { code, stdout: clean(p.stdout.join("\n")), stderr: clean(p.stderr.join("\n")) };
}

/** Starts `npx hardhat node` on a free port (without hardhat-deploy's automatic deploy). */
export async function startNode(env: Env): Promise<{ url: string; node: Spawned; stop(): Promise<void> }> {
  const port = await freePort();
  const node = spawnHardhat(["node", "--no-deploy", "--hostname", "127.0.0.1", "--port", String(port)], env);
  await node.waitForLine(/Started HTTP and WebSocket JSON-RPC server at/, { timeoutMs: 120_000 });
  return {
    url: `http://127.0.0.1:${port}`,
    node,
    async stop() {
      node.kill("SIGTERM");
      const timer = setTimeout(() => node.kill("SIGKILL"), 5_000);
      await node.exited;
      clearTimeout(timer);
    },
  };
}

/**
 * An HTTP proxy to `target` that answers 503 to everything while `failing` is set, and counts the
 * JSON-RPC requests it forwards (each member of a batch counts as one), by method.
 */
export async function startProxy(target: string): Promise<{
  url: string;
  setFailing(f: boolean): void;
  /** Requests forwarded since the last reset, by JSON-RPC method. */
  counts(): Record<string, number>;
  total(): number;
  resetCounts(): void;
  close(): Promise<void>;
}> {
  let failing = false;
  let counts: Record<string, number> = {};
  const upstream = new URL(target);
  const server = http.createServer((req, res) => {
    if (failing) {
      req.resume();
      res.writeHead(503).end("unavailable");
      return;
    }
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks);
      try {
        const parsed = JSON.parse(body.toString()) as { method?: string } | { method?: string }[];
        for (const r of Array.isArray(parsed) ? parsed : [parsed]) {
          const m = r.method ?? "?";
          counts[m] = (counts[m] ?? 0) + 1;
        }
      } catch {
        counts["(not JSON)"] = (counts["(not JSON)"] ?? 0) + 1;
      }
      const fwd = http.request(
        {
          host: upstream.hostname,
          port: upstream.port,
          path: req.url,
          method: req.method,
          headers: { ...req.headers, "content-length": String(body.length) },
        },
        (up) => {
          res.writeHead(up.statusCode ?? 502, up.headers);
          up.pipe(res);
        },
      );
      fwd.on("error", () => res.writeHead(502).end());
      fwd.end(body);
    });
  });
  const port = await freePort();
  await new Promise<void>((r) => server.listen(port, "127.0.0.1", r));
  return {
    url: `http://127.0.0.1:${port}`,
    setFailing: (f) => (failing = f),
    counts: () => ({ ...counts }),
    total: () => Object.values(counts).reduce((a, b) => a + b, 0),
    resetCounts: () => (counts = {}),
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
