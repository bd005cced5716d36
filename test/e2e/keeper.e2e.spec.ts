import { expect } from "chai";
import { Contract, JsonRpcProvider, Wallet } from "ethers";
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { StatusDocument } from "../../src/keeper/statusJson";

import {
  type Env,
  type RunResult,
  baseEnv,
  clean,
  freePort,
  runHardhat,
  spawnHardhat,
  startNode,
  startProxy,
  tempDir,
} from "./harness";

/**
 * The toolkit end to end, every command a separate process against a real `npx hardhat node`:
 * deploy, status, move prices, one-shot rebalance, the keeper loop (stopped by a signal, with an RPC
 * outage in the middle), and every operator mistake and fault the tasks must report in one line.
 */

// The engine's merged ABI from the compiled artifact (npm test compiles before it runs the suites).
const VAULT_ABI = (
  JSON.parse(
    readFileSync(
      path.resolve(
        __dirname,
        "../../artifacts/contracts/interfaces/IRebalanceEngine.sol/IRebalanceEngine.json",
      ),
      "utf8",
    ),
  ) as { abi: never[] }
).abi;

/** Exactly one non-empty line on stderr, and it matches. */
function expectOneLineError(r: RunResult, message: RegExp): void {
  expect(r.code, `exit code; stdout: ${r.stdout}`).to.equal(1);
  const lines = r.stderr.split("\n").filter(Boolean);
  expect(lines, r.stderr).to.have.length(1);
  expect(lines[0]).to.match(message);
  expect(r.stderr).to.not.match(/\n\s+at /); // no stack trace
}

describe("end to end against `npx hardhat node` (subprocesses)", function () {
  this.timeout(600_000);

  const deployments = tempDir("ballast-e2e-");
  let node: Awaited<ReturnType<typeof startNode>>;
  let env: Env;
  let rpc: JsonRpcProvider;
  const hh = (args: string[], extra: Env = {}) => runHardhat(args, { ...env, ...extra });
  const address = (name: string) =>
    (
      JSON.parse(readFileSync(path.join(deployments.dir, "localhost", `Vault_${name}.json`), "utf8")) as {
        address: string;
      }
    ).address;
  const rebalancedCount = async (name: string) =>
    (await new Contract(address(name), VAULT_ABI, rpc).queryFilter("Rebalanced", 0)).length;

  before(async () => {
    node = await startNode(baseEnv(deployments.dir));
    env = baseEnv(deployments.dir, { LOCALHOST_RPC_URL: node.url });
    rpc = new JsonRpcProvider(node.url, undefined, { staticNetwork: true });
  });

  after(async () => {
    rpc?.destroy();
    await node?.stop(); // always, also when a test failed
    deployments.remove();
    if (node) {
      // The node is gone: its port refuses connections.
      const refused = await fetch(node.url, { method: "POST", body: "{}" }).then(
        () => false,
        () => true,
      );
      expect(refused, "the hardhat node is still answering").to.equal(true);
    }
  });

  it("deploys to the node with `npx hardhat deploy --network localhost`, idempotently", async () => {
    const first = await hh(["deploy", "--network", "localhost"]);
    expect(first.code, first.stderr).to.equal(0);
    expect(first.stdout).to.match(/deploying "Vault_demo"/);
    expect(first.stdout).to.match(/deploying "Vault_hedge"/);
    const second = await hh(["deploy", "--network", "localhost"]);
    expect(second.code, second.stderr).to.equal(0);
    expect(second.stdout).to.not.match(/deploying "Vault_/);
    expect(await rpc.getCode(address("demo"))).to.not.equal("0x");
  });

  it("status --json reports both vaults from the node", async () => {
    const r = await hh(["status", "--network", "localhost", "--json"]);
    expect(r.code, r.stderr).to.equal(0);
    const doc = JSON.parse(r.stdout) as StatusDocument;
    expect(doc).to.include({ network: "localhost", chainId: "31337" });
    expect(doc.block.number).to.equal(String(await rpc.getBlockNumber()));
    expect(doc.vaults.map((x) => `${x.name}:${x.kind}:${x.trigger.reason}`)).to.deep.equal([
      "demo:target-weight:Due",
      "hedge:delta-hedge:Due",
    ]);
    expect(doc.vaults[0].navWad).to.equal(String(1_000_000n * 10n ** 18n));
  });

  it("rebalance --dry-run prints the plan and sends nothing", async () => {
    const r = await hh(["rebalance", "--network", "localhost", "--vault", "demo", "--dry-run"]);
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout).to.match(/^plan: 2 legs, all buys$/m);
    expect(r.stdout).to.match(/^demo: dry run: simulated, not sent$/m);
    expect(await rebalancedCount("demo")).to.equal(0);
  });

  it("rebalance --max-gas-price below the base fee skips and says so", async () => {
    const r = await hh([
      "rebalance",
      "--network",
      "localhost",
      "--vault",
      "demo",
      "--max-gas-price",
      "0.000000001",
    ]);
    expect(r.code, r.stderr).to.equal(0);
    // 0.000000001 gwei is 1 wei: printed as such (it read "0.00 gwei" before).
    expect(r.stdout).to.match(/^demo: base fee [\d.]+ (gwei|wei) is above --max-gas-price 1 wei; skipped/m);
    expect(await rebalancedCount("demo")).to.equal(0);
  });

  it("a keeper without funds: one line, exit 1, nothing sent", async () => {
    const broke = Wallet.createRandom();
    const r = await hh(["rebalance", "--network", "localhost", "--vault", "demo"], {
      KEEPER_PRIVATE_KEY: broke.privateKey,
    });
    expectOneLineError(
      r,
      new RegExp(`^Error: the keeper ${broke.address} holds 0\\.0 ETH on localhost, less than the`),
    );
    expect(await rebalancedCount("demo")).to.equal(0);
  });

  it("rebalance --all sends, prints the tx hash, gas and before/after, and the chain agrees", async () => {
    const r = await hh(["rebalance", "--network", "localhost", "--all"]);
    expect(r.code, r.stderr).to.equal(0);
    const hashes = [...r.stdout.matchAll(/^(\w+): rebalanced in (0x[0-9a-f]{64}): gas ([\d,]+) /gm)];
    expect(hashes.map((m) => m[1])).to.deep.equal(["demo", "hedge"]);
    for (const [, , hash, gas] of hashes) {
      const receipt = await rpc.getTransactionReceipt(hash);
      expect(receipt!.status).to.equal(1);
      expect(receipt!.gasUsed.toString()).to.equal(gas.replace(/,/g, "")); // printed with separators
    }
    expect(r.stdout).to.match(/^ {2}USDC {3}100\.00% → \d+\.\d\d% \(target 40\.00%\)$/m);
    expect(r.stdout).to.match(/^ {2}net Δ -\d+\.\d{4} → -?0\.\d{4} \(target 0\.0000 ± 0\.5000\)/m);
    expect(await rebalancedCount("demo")).to.equal(1);
    expect(await rebalancedCount("hedge")).to.equal(1);
  });

  it("status of one vault sends at most 3 JSON-RPC requests (its last rebalance's cost included), counted by a proxy", async () => {
    const proxy = await startProxy(node.url);
    try {
      const r = await hh(["status", "--network", "localhost", "--vault", "hedge", "--json"], {
        LOCALHOST_RPC_URL: proxy.url,
      });
      expect(r.code, r.stderr).to.equal(0);
      const [report] = (JSON.parse(r.stdout) as StatusDocument).vaults;
      expect(report.kind).to.equal("delta-hedge");
      expect(report.lastRebalanceCostWad).to.match(/^\d+$/); // read from the last Rebalanced event
      expect(report.pendingChanges).to.deep.equal([]); // the same eth_getLogs
      console.log(`      status: ${proxy.total()} requests ${JSON.stringify(proxy.counts())}`);
      expect(proxy.total(), JSON.stringify(proxy.counts())).to.be.at.most(3);
    } finally {
      await proxy.close();
    }
  });

  it("two keepers racing to the same rebalance: one sends it, the other reports it done; both exit 0", async () => {
    await hh(["local:prices", "--network", "localhost", "--set", "WETH=3300", "--advance", "3700"]);
    const before = await rebalancedCount("demo");
    const [a, b] = await Promise.all([
      hh(["rebalance", "--network", "localhost", "--vault", "demo"]),
      hh(["rebalance", "--network", "localhost", "--vault", "demo"], {
        KEEPER_PRIVATE_KEY: "0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6", // node account 3
      }),
    ]);
    for (const r of [a, b]) expect(r.code, r.stderr).to.equal(0);
    const outputs = [a.stdout, b.stdout];
    expect(outputs.filter((o) => /^demo: rebalanced in 0x/m.test(o))).to.have.length(1);
    expect(
      outputs.filter((o) => /^demo: (nothing to do|already rebalanced by someone else)/m.test(o)),
    ).to.have.length(1);
    expect(await rebalancedCount("demo")).to.equal(before + 1);
  });

  it("a one-shot rebalance that sends and confirms sends at most 10 JSON-RPC requests, counted by a proxy", async () => {
    await hh(["local:prices", "--network", "localhost", "--set", "WETH=2700", "--advance", "3700"]);
    const before = await rebalancedCount("demo");
    const proxy = await startProxy(node.url);
    try {
      const r = await hh(["rebalance", "--network", "localhost", "--vault", "demo"], {
        LOCALHOST_RPC_URL: proxy.url,
      });
      expect(r.code, r.stderr).to.equal(0);
      expect(r.stdout).to.match(
        /^demo: rebalanced in 0x[0-9a-f]{64}: gas [\d,]+ \([\d.]+ ETH\), reward [\d.,]+ USDC$/m,
      );
      console.log(`      rebalance: ${proxy.total()} requests ${JSON.stringify(proxy.counts())}`);
      expect(await rebalancedCount("demo")).to.equal(before + 1);
      expect(proxy.total(), JSON.stringify(proxy.counts())).to.be.at.most(10);
    } finally {
      await proxy.close();
    }
  });

  it("the keeper loop: rides out an RPC outage, rebalances after a price move, and stops on SIGINT with a summary", async () => {
    const proxy = await startProxy(node.url);
    const keeper = spawnHardhat(
      ["keeper", "--network", "localhost", "--json", "--poll", "0.5", "--backoff-cap", "1"],
      {
        ...env,
        LOCALHOST_RPC_URL: proxy.url,
      },
    );
    try {
      const { pid } = JSON.parse(await keeper.waitForLine(/"event":"start"/)) as { pid: number };
      // Settled: whatever was due at start is done, and both vaults are idle.
      await keeper.waitForLine(/"event":"idle".*"vault":"demo"/);
      await keeper.waitForLine(/"event":"idle".*"vault":"hedge"/);
      proxy.setFailing(true);
      await keeper.waitForLine(/"event":"rpc-error"/);
      await new Promise((r) => setTimeout(r, 1500));
      proxy.setFailing(false);
      await keeper.waitForLine(/"event":"rpc-recovered"/);
      const before = await rebalancedCount("hedge");
      const mark = keeper.stdout.length;
      const moved = await hh([
        "local:prices",
        "--network",
        "localhost",
        "--set",
        "WETH=3600",
        "--advance",
        "3700",
      ]);
      expect(moved.code, moved.stderr).to.equal(0);
      const confirmed = await keeper.waitForLine(/"event":"confirmed".*"vault":"hedge"/, { from: mark });
      expect(await rebalancedCount("hedge")).to.equal(before + 1);
      const { tx } = JSON.parse(confirmed) as { tx: string };
      expect((await rpc.getTransactionReceipt(tx))!.status).to.equal(1);

      // SIGINT to the keeper process itself (the pid its start record gives); npx exits with its code.
      process.kill(pid, "SIGINT");
      const { code } = await Promise.race([
        keeper.exited,
        new Promise<never>((_, reject) =>
          setTimeout(() => reject(new Error("keeper ignored SIGINT")), 30_000),
        ),
      ]);
      expect(code, clean(keeper.stderr.join("\n"))).to.equal(0);
      const records = keeper.stdout
        .filter((l) => l.startsWith("{"))
        .map((l) => JSON.parse(l) as Record<string, unknown>);
      const summary = records.at(-1)!;
      expect(summary.event).to.equal("summary");
      expect(summary.stoppedBy).to.equal("SIGINT");
      expect(summary.rpcErrors as number).to.be.at.least(1);
      expect(summary.confirmed as number).to.be.at.least(1);
      expect(summary.failures).to.equal(0);
      expect(clean(keeper.stderr.join("\n"))).to.equal("");
    } finally {
      keeper.kill();
      await proxy.close();
    }
  });

  it("a paused vault: rebalance says so in one line and exits 1; admin tasks send unless --dry-run", async () => {
    const paused = () => new Contract(address("demo"), VAULT_ABI, rpc).paused() as Promise<boolean>;
    const dry = await hh(["vault:pause", "--network", "localhost", "--vault", "demo", "--dry-run"]);
    expect(dry.code, dry.stderr).to.equal(0);
    expect(dry.stdout).to.match(/dry run: simulates cleanly/);
    expect(await paused()).to.equal(false);
    // A Ledger that cannot be reached (no device here): one error line, nothing sent. The account is
    // the owner's, so the call simulates and the send is what reaches for the device. hardhat-ledger's
    // own progress lines ("[hardhat-ledger] Connecting wallet") are all else on stderr.
    const owner = ((await rpc.send("eth_accounts", [])) as string[])[0];
    const ledger = await hh(
      ["vault:pause", "--network", "localhost", "--vault", "demo", "--signer", "ledger"],
      {
        LEDGER_ACCOUNT: owner,
      },
    );
    expect(ledger.code).to.equal(1);
    const lines = ledger.stderr.split("\n").filter(Boolean);
    expect(
      lines.filter((l) => !/\[hardhat-ledger\]/.test(l)),
      ledger.stderr,
    ).to.have.length(1);
    expect(lines.at(-1)).to.match(
      /^Error: the Ledger did not sign \(.+\): connect it, unlock it, open the Ethereum app and approve; nothing sent\.$/,
    );
    expect(ledger.stderr).to.not.match(/\n\s+at /);
    expect(await paused()).to.equal(false);
    // The guardian's own account pauses.
    const g = await hh(["vault:pause", "--network", "localhost", "--vault", "demo", "--signer", "guardian"]);
    expect(g.code, g.stderr).to.equal(0);
    expect(await paused()).to.equal(true);
    expectOneLineError(
      await hh(["rebalance", "--network", "localhost", "--vault", "demo"]),
      /^Error: demo: cannot rebalance: the vault is paused$/,
    );
    expect((await hh(["vault:unpause", "--network", "localhost", "--vault", "demo"])).code).to.equal(0);
    expect(await paused()).to.equal(false);
  });

  it("reads a .env when present; a variable the shell sets wins over it", async () => {
    const closed = await freePort();
    const other = await freePort();
    const dir = tempDir("ballast-env-");
    try {
      const file = path.join(dir.dir, ".env");
      writeFileSync(file, `MAINNET_RPC_URL=http://127.0.0.1:${closed}\n`);
      expectOneLineError(
        await hh(["status", "--network", "mainnet"], { BALLAST_ENV_FILE: file }),
        new RegExp(
          `^Error: cannot reach the node at http://127\\.0\\.0\\.1:${closed} \\(--network mainnet\\)`,
        ),
      );
      expectOneLineError(
        await hh(["status", "--network", "mainnet"], {
          BALLAST_ENV_FILE: file,
          MAINNET_RPC_URL: `http://127.0.0.1:${other}`,
        }),
        new RegExp(
          `^Error: cannot reach the node at http://127\\.0\\.0\\.1:${other} \\(--network mainnet\\)`,
        ),
      );
      // Without it: the variable is missing, and the line says so.
      expectOneLineError(await hh(["status", "--network", "mainnet"]), /^Error: MAINNET_RPC_URL is not set/);
    } finally {
      dir.remove();
    }
  });

  it("operator mistakes and faults: one line each, exit 1", async () => {
    const closed = await freePort();
    const cases: [string[], Env, RegExp][] = [
      [
        ["rebalance", "--network", "localhost", "--vault", "nope"],
        {},
        /^Error: unknown vault 'nope' on localhost: deployed vaults are demo, hedge\./,
      ],
      [
        ["status", "--network", "nowhere"],
        {},
        /^Error: unknown network 'nowhere': use one of hardhat, localhost, mainnet,/,
      ],
      [
        ["status", "--network", "mainnet"],
        {},
        /^Error: MAINNET_RPC_URL is not set: it holds the RPC URL for --network mainnet\./,
      ],
      [
        ["rebalance", "--network", "mainnet", "--all"],
        { MAINNET_RPC_URL: node.url },
        /^Error: KEEPER_PRIVATE_KEY is not set: it signs rebalance transactions on mainnet\./,
      ],
      [
        ["deploy", "--network", "mainnet"],
        { MAINNET_RPC_URL: node.url },
        /^Error: DEPLOYER_PRIVATE_KEY is not set: it signs the deployment on mainnet\./,
      ],
      [
        ["rebalance", "--network", "mainnet", "--all"],
        { MAINNET_RPC_URL: node.url, KEEPER_PRIVATE_KEY: Wallet.createRandom().privateKey },
        /^Error: wrong chain at http:\/\/127\.0\.0\.1:\d+ \(--network mainnet\): the node is on chain 31337, but mainnet is chain 1\./,
      ],
      [
        ["deploy", "--network", "mainnet"],
        { MAINNET_RPC_URL: node.url, DEPLOYER_PRIVATE_KEY: Wallet.createRandom().privateKey },
        /^Error: wrong chain at .* the node is on chain 31337, but mainnet is chain 1\./,
      ],
      [
        ["status", "--network", "localhost"],
        { LOCALHOST_RPC_URL: `http://127.0.0.1:${closed}` },
        /^Error: cannot reach the node at http:\/\/127\.0\.0\.1:\d+ \(--network localhost\): ECONNREFUSED; start one with `npx hardhat node`/,
      ],
      [
        ["keeper", "--network", "localhost"],
        { LOCALHOST_RPC_URL: `http://127.0.0.1:${closed}` },
        /^Error: cannot reach the node at .*ECONNREFUSED/,
      ],
    ];
    // Two at a time: each is a separate Hardhat process.
    for (let i = 0; i < cases.length; i += 2) {
      const batch = cases.slice(i, i + 2);
      const results = await Promise.all(batch.map(([args, extra]) => hh(args, extra)));
      results.forEach((r, j) => expectOneLineError(r, batch[j][2]));
    }
  });
});
