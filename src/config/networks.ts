import { getAddress } from "ethers";

import rawBook from "./addresses.json";
import { LIVE_NETWORKS, type LiveNetworkName, UserError } from "./env";

/**
 * The typed, validated address book of every live network Ballast supports. Its data is a copy of
 * the project's verified address list, with the sources and verification status kept beside each
 * address (`addresses.json` next to this file). This module is the only place an address literal
 * may come from.
 */

export interface Sourced {
  /** VERIFIED, DERIVED, SINGLE_SOURCE or UNVERIFIED, as recorded when the address was checked. */
  status: string;
  note?: string;
  sources: string[];
}

export interface TokenInfo extends Sourced {
  address: string;
  decimals: number;
}

export interface FeedInfo extends Sourced {
  address: string;
  /** Decimals of the feed's answer. */
  decimals: number;
  /** The feed's heartbeat; null where no source gave one (set staleness limits by hand). */
  heartbeatSeconds: number | null;
}

export interface UniswapContract extends Sourced {
  address: string;
}

export interface PoolInfo extends Sourced {
  address: string;
  token0: string;
  token1: string;
  /** Fee tier in hundredths of a bip (500 = 0.05%). */
  fee: number;
}

export interface NetworkAddressBook {
  chainId: number;
  name: string;
  tokens: Record<string, TokenInfo>;
  chainlink: Record<string, FeedInfo>;
  uniswapV3: {
    UniswapV3Factory: UniswapContract;
    SwapRouter: UniswapContract | null;
    SwapRouter02: UniswapContract | null;
    QuoterV2: UniswapContract | null;
    NonfungiblePositionManager: UniswapContract | null;
    poolInitCodeHash: string;
    pools: Record<string, PoolInfo>;
  };
  /** Chainlink CRE: the production KeystoneForwarder that delivers a DON's reports on this chain. */
  cre?: { KeystoneForwarder: UniswapContract };
  notes: string[];
}

function fail(where: string, what: string): never {
  throw new Error(`address book: ${where}: ${what}`);
}

function checkAddress(where: string, value: unknown): string {
  if (typeof value !== "string") fail(where, "address missing");
  try {
    // getAddress rejects malformed hex and a wrong EIP-55 checksum.
    return getAddress(value);
  } catch {
    return fail(where, `not a valid checksummed address: ${value}`);
  }
}

function checkSourced(where: string, e: Record<string, unknown>): void {
  if (typeof e.status !== "string") fail(where, "status missing");
  if (!Array.isArray(e.sources) || e.sources.length === 0) fail(where, "no source recorded");
}

function validate(name: string, raw: Record<string, unknown>): NetworkAddressBook {
  const book = raw as unknown as NetworkAddressBook;
  const expected = LIVE_NETWORKS[name as LiveNetworkName];
  if (!expected || book.chainId !== expected.chainId) fail(name, `chainId ${book.chainId} is not expected`);
  for (const [sym, t] of Object.entries(book.tokens)) {
    checkAddress(`${name}.tokens.${sym}`, t.address);
    checkSourced(`${name}.tokens.${sym}`, t as unknown as Record<string, unknown>);
    if (!Number.isInteger(t.decimals) || t.decimals < 0 || t.decimals > 18)
      fail(`${name}.tokens.${sym}`, "decimals");
  }
  for (const [feed, f] of Object.entries(book.chainlink)) {
    if (feed.startsWith("$")) continue;
    checkAddress(`${name}.chainlink.${feed}`, f.address);
    checkSourced(`${name}.chainlink.${feed}`, f as unknown as Record<string, unknown>);
  }
  checkAddress(`${name}.uniswapV3.UniswapV3Factory`, book.uniswapV3.UniswapV3Factory?.address);
  for (const k of ["SwapRouter", "SwapRouter02", "QuoterV2", "NonfungiblePositionManager"] as const) {
    const c = book.uniswapV3[k];
    if (c !== null) checkAddress(`${name}.uniswapV3.${k}`, c.address);
  }
  if (!book.uniswapV3.SwapRouter && !book.uniswapV3.SwapRouter02) fail(name, "no Uniswap V3 router");
  if (book.cre) {
    checkAddress(`${name}.cre.KeystoneForwarder`, book.cre.KeystoneForwarder?.address);
    checkSourced(
      `${name}.cre.KeystoneForwarder`,
      book.cre.KeystoneForwarder as unknown as Record<string, unknown>,
    );
  }
  for (const [pool, p] of Object.entries(book.uniswapV3.pools)) {
    checkAddress(`${name}.pools.${pool}`, p.address);
    checkAddress(`${name}.pools.${pool}.token0`, p.token0);
    checkAddress(`${name}.pools.${pool}.token1`, p.token1);
    if (BigInt(p.token0) >= BigInt(p.token1)) fail(`${name}.pools.${pool}`, "token0 must sort below token1");
  }
  return book;
}

const books: Record<string, NetworkAddressBook> = Object.fromEntries(
  Object.entries((rawBook as { networks: Record<string, Record<string, unknown>> }).networks).map(
    ([n, raw]) => [n, validate(n, raw)],
  ),
);

/** The names of the networks that have an address book. */
export const addressBookNetworks = (): string[] => Object.keys(books);

/** The address book of a live network; a UserError names the known networks otherwise. */
export function addressBook(network: string): NetworkAddressBook {
  const book = books[network];
  if (!book) {
    throw new UserError(`no address book for network '${network}'; known: ${Object.keys(books).join(", ")}`);
  }
  return book;
}

/** A token of a network's address book, or a UserError naming the ones it has. */
export function token(network: string, symbol: string): TokenInfo {
  const t = addressBook(network).tokens[symbol];
  if (!t) throw new UserError(`network '${network}' has no token '${symbol}' in its address book`);
  return t;
}

/** A Chainlink feed of a network's address book, or a UserError naming it. */
export function feed(network: string, pair: string): FeedInfo {
  const f = addressBook(network).chainlink[pair];
  if (!f || pair.startsWith("$")) throw new UserError(`network '${network}' has no Chainlink feed '${pair}'`);
  return f;
}
