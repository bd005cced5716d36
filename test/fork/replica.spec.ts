import { expect } from "chai";
import fs from "node:fs";
import path from "node:path";
import hre from "hardhat";
import {
  AbiCoder,
  Contract,
  ZeroAddress,
  getCreate2Address,
  getCreateAddress,
  keccak256,
  solidityPackedKeccak256,
} from "ethers";

import { addressBook } from "../../src/config/networks";
import { loadPrices } from "../../src/data/prices";
import { type ForkMarket, attachLive } from "../../src/fork/market";
import { USDC_ARTIFACTS, WETH9_ARTIFACT, placeAll, uniswapPlacements } from "../../src/fork/replica";
import { UNISWAP_ARTIFACTS } from "../../src/market/uniswap";
import { VENUE_ARTIFACTS } from "../../src/market/venueArtifacts";
import { MAINNET_STATE, describeMarket, forkActors, forkMarket, forkMode, forkSuiteRuns } from "./fixture";

/**
 * The forked suite's self-check (replica mode): the contracts it says are mainnet's are at mainnet's
 * addresses, derived the way mainnet derived them, with the bytecode the committed snapshot records.
 * Any address derivation or bytecode hash that stops matching fails here. Facts: ../shared/REPLICA.md.
 */

const SNAPSHOT = path.join(__dirname, "replica-bytecode.json");
const book = addressBook("mainnet");
const [USDC, WETH, WBTC] = ["USDC", "WETH", "WBTC"].map((s) => book.tokens[s].address);
/** WBTC/WETH 0.3 %, as REPLICA.md records it (not in the address book). */
const WBTC_WETH_3000 = "0xCBCdF9626bC03E24f779434178A73a0B4bad62eD";

/** The constant the periphery's PoolAddress library computes pool addresses with, read from its source. */
function peripheryInitCodeHash(): string {
  const src = fs.readFileSync(
    require.resolve("@uniswap/v3-periphery/contracts/libraries/PoolAddress.sol"),
    "utf8",
  );
  const m = /POOL_INIT_CODE_HASH\s*=\s*(0x[0-9a-fA-F]{64})/.exec(src);
  if (!m) throw new Error("POOL_INIT_CODE_HASH not found in PoolAddress.sol");
  return m[1].toLowerCase();
}

if (forkMode() === "replica" && forkSuiteRuns("mainnet"))
  describe("forked suite, replica mode: self-check", () => {
    let placed: Record<string, string>;
    let market: ForkMarket;
    let release: () => Promise<void>;
    let actors: Awaited<ReturnType<typeof forkActors>>;

    before(async () => {
      ({ market, release } = await forkMarket("mainnet"));
      actors = await forkActors();
      placed = Object.fromEntries(uniswapPlacements().map((p) => [p.name, p.address]));
      console.log(describeMarket(market, "mainnet"));
    });

    after(async () => {
      await release?.();
    });

    it("the pool's creation code hashes to the periphery's POOL_INIT_CODE_HASH and the address book's", () => {
      const hash = keccak256(UNISWAP_ARTIFACTS.UniswapV3Pool.bytecode);
      expect(hash).to.equal(peripheryInitCodeHash());
      expect(hash).to.equal(book.uniswapV3.poolInitCodeHash.toLowerCase());
    });

    it("every placed contract's mainnet address is CREATE(its deployer, its nonce), and it landed there", () => {
      for (const p of uniswapPlacements()) {
        expect(getCreateAddress({ from: p.deployer, nonce: p.nonce }), p.name).to.equal(p.address);
        expect(placed[p.name], p.name).to.equal(p.address);
      }
    });

    it("a placement from the wrong deployer or nonce is refused, naming where it landed and where it should be", async () => {
      const router = uniswapPlacements().find((p) => p.name === "SwapRouter")!;
      const stranger = "0x000000000000000000000000000000000000dEaD";
      const landed = getCreateAddress({ from: stranger, nonce: router.nonce });
      const snap = await hre.network.provider.send("evm_snapshot", []);
      try {
        await expect(
          placeAll(hre, [{ ...router, deployer: stranger, args: () => [placed.UniswapV3Factory, WETH] }]),
        ).to.be.rejectedWith(
          `replica: SwapRouter landed at ${landed}, not at its mainnet address ${router.address}`,
        );
      } finally {
        await hre.network.provider.send("evm_revert", [snap]);
      }
    });

    it("the factory put the snapshot's pools at their mainnet CREATE2 addresses, at the feeds' prices", async () => {
      const [signer] = await hre.ethers.getSigners();
      const factory = new Contract(placed.UniswapV3Factory, UNISWAP_ARTIFACTS.UniswapV3Factory.abi, signer);
      const expected = {
        ...book.uniswapV3.pools,
        WBTC_WETH_3000: { token0: WBTC, token1: WETH, fee: 3000, address: WBTC_WETH_3000 },
      };
      expect(Object.keys(MAINNET_STATE.pools)).to.deep.equal([
        "WETH_USDC_500",
        "WETH_USDC_3000",
        "WBTC_WETH_3000",
      ]);
      for (const [key, pool] of Object.entries(expected)) {
        expect(await factory.getPool(pool.token0, pool.token1, pool.fee), key).to.equal(pool.address);
        expect(MAINNET_STATE.pools[key].address, key).to.equal(pool.address);
        // The same address from the CREATE2 formula alone.
        const salt = keccak256(
          AbiCoder.defaultAbiCoder().encode(
            ["address", "address", "uint24"],
            [pool.token0, pool.token1, pool.fee],
          ),
        );
        expect(getCreate2Address(placed.UniswapV3Factory, salt, peripheryInitCodeHash()), key).to.equal(
          pool.address,
        );
        // Initialised at the feeds' cross price (to 1 bp), with liquidity in range.
        const [sqrt] = (await market.pools[key].getFunction("slot0")()) as [bigint];
        const oracle = await market.oracleSqrtPriceX96(key);
        expect(Number(sqrt - oracle) / Number(oracle), key).to.be.closeTo(0, 0.5e-4);
        expect(await market.pools[key].getFunction("liquidity")(), key).to.be.gt(0n);
      }
      const v2 = new Contract(placed.UniswapV2Factory, VENUE_ARTIFACTS.UniswapV2Factory.abi, signer);
      await (await v2.createPair(USDC, WETH)).wait();
      // USDC/WETH on Uniswap V2, as REPLICA.md records it.
      expect(await v2.getPair(USDC, WETH)).to.equal("0xB4e16d0168e52d35CaCD2c6185b44281Ec28C9Dc");
      expect(
        getCreate2Address(
          placed.UniswapV2Factory,
          solidityPackedKeccak256(["address", "address"], [USDC, WETH]),
          keccak256(VENUE_ARTIFACTS.UniswapV2Pair.bytecode),
        ),
      ).to.equal("0xB4e16d0168e52d35CaCD2c6185b44281Ec28C9Dc");
    });

    it("WETH9 at its mainnet address reads as WETH and wraps and unwraps ETH", async () => {
      const [user] = await hre.ethers.getSigners();
      const weth = new Contract(WETH, WETH9_ARTIFACT.abi, user);
      expect([await weth.name(), await weth.symbol(), await weth.decimals()]).to.deep.equal([
        "Wrapped Ether",
        "WETH",
        18n,
      ]);
      const before = await weth.balanceOf(user.address);
      await (await weth.deposit({ value: 10n ** 18n })).wait();
      expect(await weth.balanceOf(user.address)).to.equal(before + 10n ** 18n);
      expect(await weth.totalSupply()).to.equal(await hre.ethers.provider.getBalance(WETH));
      await (await weth.withdraw(10n ** 18n)).wait();
      expect(await weth.balanceOf(user.address)).to.equal(before);
    });

    it("USDC at its mainnet address is Circle's FiatToken behind its proxy: metadata, minting, transfers, the blocklist", async () => {
      const [, , , , alice, bob] = await hre.ethers.getSigners();
      const roles = actors.circle;
      const usdc = new Contract(USDC, USDC_ARTIFACTS.token.abi, roles);
      expect([
        await usdc.name(),
        await usdc.symbol(),
        await usdc.decimals(),
        await usdc.currency(),
      ]).to.deep.equal(["USD Coin", "USDC", 6n, "USD"]);
      expect(await usdc.version()).to.equal("2");
      await (await usdc.configureMinter(await roles.getAddress(), 10n ** 12n)).wait();
      await (await usdc.mint(alice.address, 1_000n * 10n ** 6n)).wait();
      await (await usdc.connect(alice).getFunction("transfer")(bob.address, 400n * 10n ** 6n)).wait();
      expect(await usdc.balanceOf(bob.address)).to.equal(400n * 10n ** 6n);
      await (await usdc.blacklist(bob.address)).wait();
      await expect(usdc.connect(bob).getFunction("transfer")(alice.address, 1n)).to.be.revertedWith(
        "Blacklistable: account is blacklisted",
      );
    });

    it("WBTC's stand-in at its mainnet address reads as WBTC with 8 decimals and moves balances", async () => {
      const [, , , , user, other] = await hre.ethers.getSigners();
      const wbtc = await hre.ethers.getContractAt("TestERC20", WBTC);
      const supply = await wbtc.totalSupply();
      expect([await wbtc.name(), await wbtc.symbol(), await wbtc.decimals()]).to.deep.equal([
        "Wrapped BTC",
        "WBTC",
        8n,
      ]);
      await (await wbtc.mint(user.address, 10n ** 8n)).wait();
      await (await wbtc.connect(user).transfer(other.address, 4n * 10n ** 7n)).wait();
      expect(await wbtc.balanceOf(other.address)).to.equal(4n * 10n ** 7n);
      expect(await wbtc.totalSupply()).to.equal(supply + 10n ** 8n);
    });

    it("Chainlink's EACAggregatorProxy at each feed's mainnet address, in front of an aggregator with the snapshot's rounds", async () => {
      const chainlink = await actors.chainlink.getAddress();
      // The snapshot's moment: when its newest round (of any feed) was published.
      let moment = 0n;
      for (const proxy of Object.values(market.feeds)) {
        const updatedAt = ((await proxy.getFunction("latestRoundData")()) as bigint[])[3];
        if (updatedAt > moment) moment = updatedAt;
      }
      for (const [key, f] of Object.entries(MAINNET_STATE.feeds)) {
        const proxy = market.feeds[key];
        expect(await proxy.getAddress(), key).to.equal(book.chainlink[key].address);
        expect(await proxy.getFunction("owner")(), key).to.equal(chainlink);
        expect(await proxy.getFunction("accessController")(), key).to.equal(ZeroAddress);
        expect(await proxy.getFunction("phaseId")(), key).to.equal(1n);
        const aggregator = await proxy.getFunction("aggregator")();
        expect(await proxy.getFunction("phaseAggregators")(1), key).to.equal(aggregator);
        expect([
          await proxy.getFunction("decimals")(),
          await proxy.getFunction("description")(),
        ]).to.deep.equal([BigInt(book.chainlink[key].decimals), f.description]);
        // Round ids carry the phase in their top bits; every round of the snapshot is there, in order,
        // spaced as the snapshot's ages say.
        const [roundId, answer] = (await proxy.getFunction("latestRoundData")()) as bigint[];
        expect(roundId, key).to.equal((1n << 64n) | BigInt(f.rounds.length));
        expect(answer, key).to.equal(BigInt(f.rounds[f.rounds.length - 1].answer));
        for (const [i, r] of f.rounds.entries()) {
          const round = (await proxy.getFunction("getRoundData")((1n << 64n) | BigInt(i + 1))) as bigint[];
          expect(round[1], `${key} round ${i + 1}`).to.equal(BigInt(r.answer));
          expect(moment - round[3], `${key} round ${i + 1}`).to.equal(BigInt(r.ageSeconds));
        }
      }
    });

    it("live mode's feed takeover runs on the real proxy code: a new phase, the answer carried over, prices movable", async () => {
      const snap = await hre.network.provider.send("evm_snapshot", []);
      try {
        const before = (await market.feeds.ETH_USD.getFunction("latestRoundData")()) as bigint[];
        const live = await attachLive(hre, MAINNET_STATE, actors);
        const proxy = live.feeds.ETH_USD;
        expect(await proxy.getFunction("phaseId")()).to.equal(2n);
        const [roundId, answer] = (await proxy.getFunction("latestRoundData")()) as bigint[];
        expect([roundId, answer]).to.deep.equal([(2n << 64n) | 1n, before[1]]);
        // The old phase's rounds stay readable through the proxy, as on mainnet after an upgrade.
        expect(((await proxy.getFunction("getRoundData")(before[0])) as bigint[])[1]).to.equal(before[1]);
        await live.publish("ETH_USD", 123_456_789_000n);
        expect(((await proxy.getFunction("latestRoundData")()) as bigint[]).slice(0, 2)).to.deep.equal([
          (2n << 64n) | 2n,
          123_456_789_000n,
        ]);
        expect(live.mode).to.equal("live");
      } finally {
        await hre.network.provider.send("evm_revert", [snap]);
      }
    });

    it("the snapshot's provenance holds: its ETH and BTC rounds are the last 24 hourly rows of data/, up to its date", () => {
      const rows = loadPrices().slice(-24);
      const last = rows[rows.length - 1];
      expect(new Date(MAINNET_STATE.date).getTime()).to.equal(last.time.getTime());
      for (const [key, column] of [
        ["ETH_USD", "ethUsd"],
        ["BTC_USD", "btcUsd"],
      ] as const) {
        const rounds = MAINNET_STATE.feeds[key].rounds;
        expect(
          rounds.map((r) => Number(r.answer) / 1e8),
          key,
        ).to.deep.equal(rows.map((p) => p[column]));
        expect(
          rounds.map((r) => r.ageSeconds),
          key,
        ).to.deep.equal(rows.map((p) => (last.time.getTime() - p.time.getTime()) / 1000));
      }
    });

    it("each placed contract runs the bytecode the snapshot records (its runtime code hash)", async () => {
      const hashes: Record<string, string> = {};
      for (const [name, address] of [
        ...uniswapPlacements().map((p) => [p.name, p.address]),
        ["WETH9", WETH],
        ["USDC (FiatTokenProxy)", USDC],
        ...Object.keys(MAINNET_STATE.feeds).map((k) => [
          `EACAggregatorProxy (${k})`,
          book.chainlink[k].address,
        ]),
      ]) {
        const code = await hre.ethers.provider.getCode(address);
        expect(code.length, name).to.be.greaterThan(2);
        hashes[name] = keccak256(code);
      }
      if (process.env.UPDATE_REPLICA_SNAPSHOT === "1") {
        fs.writeFileSync(SNAPSHOT, JSON.stringify(hashes, null, 2) + "\n");
        return;
      }
      const committed = JSON.parse(fs.readFileSync(SNAPSHOT, "utf8")) as Record<string, string>;
      expect(
        hashes,
        "replica bytecode moved: review, then UPDATE_REPLICA_SNAPSHOT=1 npm run test:fork",
      ).to.deep.equal(committed);
    });
  });

// Live mode: the chain's own contracts are there; the replica's derivations and hashes do not apply.
if (forkMode() === "live" && forkSuiteRuns("mainnet"))
  describe("forked suite, live mode: the address book's contracts exist on the fork", () => {
    it("every token, feed, Uniswap contract and pool of the address book has code", async () => {
      const addresses = [
        ...Object.values(book.tokens).map((t) => t.address),
        ...["ETH_USD", "BTC_USD", "USDC_USD"].map((k) => book.chainlink[k].address),
        ...uniswapPlacements().map((p) => p.address),
        ...Object.values(book.uniswapV3.pools).map((p) => p.address),
      ];
      for (const a of addresses) expect(await hre.ethers.provider.getCode(a), a).to.not.equal("0x");
    });
  });
