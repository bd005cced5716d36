// A `.env` in the working directory (or BALLAST_ENV_FILE) fills in variables the shell did not set;
// the shell wins. Read before anything below looks at process.env.
import { config as loadEnv } from "dotenv";
loadEnv({ path: process.env.BALLAST_ENV_FILE || ".env", quiet: true });

import { subtask, type HardhatUserConfig } from "hardhat/config";
import { TASK_COMPILE_SOLIDITY_GET_SOLC_BUILD } from "hardhat/builtin-tasks/task-names";
import { extendEnvironment } from "hardhat/config";
import "@nomicfoundation/hardhat-toolbox";
import "hardhat-deploy";
import type {} from "@nomicfoundation/hardhat-ledger"; // its config types (ledgerAccounts)

import { assertKnownNetwork, assertNetworkEnv, hardhatNetworks } from "./src/config/env";
import "./tasks";

// hardhat-ledger wraps every network's provider once loaded; load it only for `--signer ledger`'s
// account, so nothing else pays for it (and machines without a HID stack never touch one).
// eslint-disable-next-line @typescript-eslint/no-require-imports
if (process.env.LEDGER_ACCOUNT?.trim()) require("@nomicfoundation/hardhat-ledger");

const SOLC_VERSION = "0.8.28";
/** solc-js builds from npm, by version: the product's compiler, and the forked suite's 0.6 (Chainlink). */
const SOLC_PACKAGES: Record<string, string> = {
  [SOLC_VERSION]: "solc",
  "0.6.6": "solc-0.6.6",
  "0.8.24": "solc-0.8.24",
};

// Offline compiler: resolve each solc version from its pinned npm package (solc-js, installed under an
// alias per version) instead of letting Hardhat download a native build. Compile, test and coverage then
// need no network (README, "Set-up"); a version with no package fails here, before any download.
subtask(TASK_COMPILE_SOLIDITY_GET_SOLC_BUILD, async (args: { solcVersion: string }) => {
  const pkg = SOLC_PACKAGES[args.solcVersion];
  if (!pkg) {
    throw new Error(
      `solc ${args.solcVersion} has no npm package here (known: ${Object.keys(SOLC_PACKAGES).join(", ")}): ` +
        `add "solc-${args.solcVersion}": "npm:solc@${args.solcVersion}" to devDependencies and to SOLC_PACKAGES.`,
    );
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const solc = require(pkg) as { version(): string };
  return {
    version: args.solcVersion,
    longVersion: solc.version().replace(/\.Emscripten.*$/, ""),
    compilerPath: require.resolve(`${pkg}/soljson.js`),
    isSolcJs: true,
  };
});

// An unknown --network fails here with one line, before Hardhat's own two-line error.
assertKnownNetwork(process.argv, process.env.HARDHAT_NETWORK, Object.keys(hardhatNetworks()));

// A live network selected without its RPC URL fails here, with one line naming the variable.
extendEnvironment((hre) => assertNetworkEnv(hre.network.name));

/**
 * Optimizer runs, chosen by measurement (bench/optimizer.md, `npm run bench:optimizer`): the cores,
 * whose code runs on every rebalance and deposit, at the setting that minimises rebalance gas while
 * leaving every contract 4,096 bytes under EIP-170 and the core 200 bytes more (so the next change
 * to it does not undo the choice); the extensions (admin and views) at the default. The target-weight
 * vault's halves carry the ERC-4626 flows (core) and their previews (extension), so they fit only at
 * fewer runs than the delta-hedged vault's: the core at 200 (300 would save 93 gas a rebalance with 78
 * bytes to spare; 1,000 is 426 bytes over — measured before the hot path was trimmed by 455 bytes,
 * so the sweep is due again). The delta-hedged core at 10,000 (100,000 would save 71
 * gas a hedge with 69 bytes to spare). The target-weight extension, which also carries the change
 * queue's gates (SPEC §3.5), is compiled without viaIR at 1 run: the legacy code generator makes it
 * 337 bytes smaller than viaIR at 1 run (20,418; at 200 viaIR is over), and that is what keeps it
 * 4,096 bytes under EIP-170 with room (admin calls cost a little more; nothing hot runs there). BALLAST_TW_CORE_RUNS /
 * BALLAST_TW_EXT_RUNS / BALLAST_CORE_RUNS / BALLAST_EXT_RUNS override them for that measurement only.
 * The delta-hedged vault with a lending market keeps its predicate (Greeks and lending bounds) in
 * its core and moves its trades to a module; the core then fits the rule only at few runs: 20 leaves
 * it 253 bytes to spare (200 leaves 8, short of the 200 the rule keeps; 1 is 12 bytes larger than 20).
 */
const TW_CORE_RUNS = Number(process.env.BALLAST_TW_CORE_RUNS ?? 200);
const TW_EXT_RUNS = Number(process.env.BALLAST_TW_EXT_RUNS ?? 1);
const CORE_RUNS = Number(process.env.BALLAST_CORE_RUNS ?? 10_000);
const EXT_RUNS = Number(process.env.BALLAST_EXT_RUNS ?? 200);
const LENDING_HEDGE_CORE_RUNS = 20;
const solc = (runs: number, viaIR = true) => ({
  version: SOLC_VERSION,
  settings: {
    evmVersion: "cancun",
    optimizer: { enabled: true, runs },
    viaIR,
    metadata: { bytecodeHash: "none" },
    // Storage layouts land in the build info, where a test checks that cores use no sequential slot.
    outputSelection: { "*": { "*": ["storageLayout"] } },
  },
});

const config: HardhatUserConfig = {
  solidity: {
    // Chainlink's own contracts, compiled from npm for the tests (contracts/chainlink): 0.6.6 for the
    // forked suite's feed proxy and aggregator, 0.8.24 (KeystoneForwarder's exact pragma) for CRE.
    compilers: [
      solc(200),
      { version: "0.6.6", settings: { optimizer: { enabled: true, runs: 200 } } },
      { version: "0.8.24", settings: { evmVersion: "cancun", optimizer: { enabled: true, runs: 200 } } },
    ],
    overrides: {
      "contracts/vaults/TargetWeightVault.sol": solc(TW_CORE_RUNS),
      "contracts/vaults/DeltaHedgeVault.sol": solc(CORE_RUNS),
      "contracts/vaults/TargetWeightVaultExt.sol": solc(TW_EXT_RUNS, false),
      "contracts/vaults/DeltaHedgeVaultExt.sol": solc(EXT_RUNS),
      "contracts/vaults/DeltaHedgeLendingVault.sol": solc(LENDING_HEDGE_CORE_RUNS),
    },
  },
  networks: hardhatNetworks(),
  namedAccounts: {
    deployer: { default: 0 },
    guardian: { default: 1 },
    keeper: { default: 2 },
    arbitrageur: { default: 3 },
  },
  typechain: { outDir: "typechain-types", target: "ethers-v6" },
  // `npx hardhat verify` (hardhat-verify) and `npx hardhat etherscan-verify` (hardhat-deploy): one
  // Etherscan v2 key serves every chain. Only those commands use the network for it.
  etherscan: { apiKey: process.env.ETHERSCAN_API_KEY ?? "" },
  gasReporter: { enabled: process.env.REPORT_GAS === "1", currency: "USD", offline: true },
  mocha: { timeout: 120_000 },
  paths: {
    sources: "contracts",
    tests: "test",
    deploy: "deploy",
    // Where hardhat-deploy records deployments per network (tasks find vaults there by name).
    deployments: process.env.BALLAST_DEPLOYMENTS_DIR ?? "deployments",
  } as HardhatUserConfig["paths"],
};

export default config;
