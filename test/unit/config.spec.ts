import { expect } from "chai";
import { spawnSync } from "node:child_process";
import path from "node:path";

import { LIVE_NETWORKS, UserError, requireEnv, selectedNetwork } from "../../src/config/env";
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

  describe("network selection", () => {
    it("reads --network X, --network=X, then HARDHAT_NETWORK", () => {
      expect(selectedNetwork(["hardhat", "status", "--network", "base"], undefined)).to.equal("base");
      expect(selectedNetwork(["hardhat", "status", "--network=optimism"], "base")).to.equal("optimism");
      expect(selectedNetwork(["hardhat", "status"], " sepolia ")).to.equal("sepolia");
      expect(selectedNetwork(["hardhat", "status"], undefined)).to.equal(undefined);
    });
  });
});
