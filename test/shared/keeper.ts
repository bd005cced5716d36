import { parseUnits } from "ethers";
import hre from "hardhat";

import { type KeeperOptions, type KeeperSummary, runKeeper } from "../../src/keeper/loop";
import { resolveVault } from "../../src/vault/registry";

const gwei = (x: string) => parseUnits(x, "gwei");

/** The keeper loop running in-process: its JSON records, a wait for one, and a stop. */
export interface Running {
  records: Record<string, unknown>[];
  waitFor(event: string, count?: number): Promise<Record<string, unknown>>;
  stop(): Promise<KeeperSummary>;
}

/** Starts the keeper loop in-process (JSON lines captured) over the named vaults. */
export async function startKeeper(
  names: string[],
  overrides: Partial<KeeperOptions> = {},
  onRecord: (r: Record<string, unknown>) => void = () => {},
): Promise<Running> {
  const vaults = await Promise.all(names.map((n) => resolveVault(hre, n)));
  const [, , keeper] = await hre.ethers.getSigners();
  const records: Record<string, unknown>[] = [];
  const controller = new AbortController();
  const done = runKeeper(hre, vaults, keeper, {
    pollMs: 100,
    policy: { baseFeeCeilingWei: gwei("30"), urgentMultiple: 3, hardCapWei: gwei("300") },
    backoffBaseMs: 50,
    backoffCapMs: 200,
    stuckAfterMs: 60_000,
    json: true,
    noFundsExitAfter: 10,
    minProfit: 0,
    reportEveryMs: 0,
    log: (line) => {
      const record = JSON.parse(line) as Record<string, unknown>;
      records.push(record);
      onRecord(record);
    },
    signal: controller.signal,
    ...overrides,
  });
  return {
    records,
    async waitFor(event, count = 1) {
      for (let i = 0; i < 400; i++) {
        const hits = records.filter((r) => r.event === event);
        if (hits.length >= count) return hits[count - 1];
        await new Promise((r) => setTimeout(r, 25));
      }
      throw new Error(`no '${event}' log (saw ${records.map((r) => r.event).join(", ")})`);
    },
    async stop() {
      controller.abort("SIGTERM");
      return done;
    },
  };
}
