import { expect } from "chai";
import { spawnSync } from "node:child_process";
import path from "node:path";

import {
  FORK_BLOCKS,
  LIVE_NETWORKS,
  UserError,
  liveFork,
  requireEnv,
  selectedNetwork,
} from "../../src/config/env";
import { deployTarget } from "../../src/config/local";
import { addressBook, addressBookNetworks, feed, token } from "../../src/config/networks";

const ROOT = path.join(__dirname, "..", "..");

describe("config", () => {
  describe("address book", () => {
    it("has a validated book for every live network", () => {
      expect(addressBookNetworks().sort()).to.deep.equal(Object.keys(LIVE_NETWORKS).sort());
      for (const n of addressBookNetworks()) {
        const book = addressBook(n);
        expect(book.chainId).to.equal(LIVE_NETWORKS[n as keyof typeof LIVE_NETWORKS].chainId);
        expect(book.uniswapV3.UniswapV3Factory.sources.length).to.be.greaterThan(0);
      }
    });

    it("carries mainnet decimals and keeps sources beside each address", () => {
      expect(token("mainnet", "USDC").decimals).to.equal(6);
      expect(token("mainnet", "WBTC").decimals).to.equal(8);
      expect(token("arbitrum", "WETH").decimals).to.equal(18);
      expect(feed("base", "ETH_USD").decimals).to.equal(8);
      expect(token("mainnet", "WETH").sources.length).to.be.greaterThan(0);
      // Base has no SwapRouter (v1): presets there must use SwapRouter02.
      expect(addressBook("base").uniswapV3.SwapRouter).to.equal(null);
      expect(addressBook("base").uniswapV3.SwapRouter02).to.not.equal(null);
    });

    it("names the known networks when asked for an unknown one", () => {
      expect(() => addressBook("polygon")).to.throw(
        UserError,
        /no address book for network 'polygon'; known: mainnet/,
      );
      expect(() => token("base", "WBTC")).to.throw(UserError, /network 'base' has no token 'WBTC'/);
    });
  });

  describe("environment", () => {
    it("names the missing variable and what it is for", () => {
      delete process.env.BALLAST_TEST_UNSET;
      expect(() => requireEnv("BALLAST_TEST_UNSET", "it holds something")).to.throw(
        UserError,
        "BALLAST_TEST_UNSET is not set: it holds something. Export it (see .env.example) and retry.",
      );
    });

    it("stops `--network base` without BASE_RPC_URL with one line naming it, and exit code 1", function () {
      this.timeout(60_000);
      const env = { ...process.env };
      delete env.BASE_RPC_URL;
      const r = spawnSync("npx", ["hardhat", "--network", "base", "compile", "--quiet"], {
        cwd: ROOT,
        env,
        encoding: "utf8",
      });
      expect(r.status).to.equal(1);
      const lines = r.stderr.split("\n").filter((l) => l.trim() !== "" && !l.startsWith("npm warn"));
      expect(lines).to.deep.equal([
        "Error: BASE_RPC_URL is not set: it holds the RPC URL for --network base. Export it (see .env.example) and retry.",
      ]);
      expect(r.stdout).to.not.match(/at \S+ \(/); // no stack trace
    });
  });

  describe("forking (the forked suite's live mode) and the deploy target", () => {
    const saved = { ...process.env };
    afterEach(() => {
      for (const k of ["BALLAST_FORK", "MAINNET_RPC_URL", "OPTIMISM_RPC_URL"]) {
        if (saved[k] === undefined) delete process.env[k];
        else process.env[k] = saved[k];
      }
    });

    it("forks only with BALLAST_FORK and that network's RPC URL, at its pinned block", () => {
      delete process.env.BALLAST_FORK;
      process.env.MAINNET_RPC_URL = "https://rpc.example/mainnet";
      expect(liveFork()).to.equal(undefined); // an RPC URL alone never forks (npm test stays offline)
      process.env.BALLAST_FORK = "mainnet";
      expect(liveFork()).to.deep.equal({
        url: "https://rpc.example/mainnet",
        blockNumber: FORK_BLOCKS.mainnet,
        enabled: true,
      });
      delete process.env.MAINNET_RPC_URL;
      expect(liveFork()).to.equal(undefined); // replica mode
    });

    it("refuses to fork a network with no pinned block, naming the ones that have one", () => {
      process.env.BALLAST_FORK = "optimism";
      process.env.OPTIMISM_RPC_URL = "https://rpc.example/optimism";
      expect(() => liveFork()).to.throw(
        UserError,
        "BALLAST_FORK=optimism: no pinned block for optimism (FORK_BLOCKS in src/config/env.ts has mainnet, arbitrum).",
      );
    });

    it("deploys the in-process network as BALLAST_FORK's network, and refuses a name that is not one", () => {
      delete process.env.BALLAST_FORK;
      expect(deployTarget("hardhat")).to.equal("hardhat");
      process.env.BALLAST_FORK = "mainnet";
      expect(deployTarget("hardhat")).to.equal("mainnet");
      expect(deployTarget("localhost")).to.equal("localhost"); // a node is what it is
      process.env.BALLAST_FORK = "mainet";
      expect(() => deployTarget("hardhat")).to.throw(
        UserError,
        "BALLAST_FORK='mainet' is not a live network",
      );
    });
  });

  describe("network selection", () => {
    it("reads --network X, --network=X, then HARDHAT_NETWORK", () => {
      expect(selectedNetwork(["hardhat", "status", "--network", "base"], undefined)).to.equal("base");
      expect(selectedNetwork(["hardhat", "status", "--network=optimism"], "base")).to.equal("optimism");
      expect(selectedNetwork(["hardhat", "status"], " sepolia ")).to.equal("sepolia");
      expect(selectedNetwork(["hardhat", "status"], undefined)).to.equal(undefined);
    });
  });
});
