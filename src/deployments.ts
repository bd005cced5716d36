/**
 * Deployment names, in one module (Aave's deploy convention): deploy scripts record under these
 * names, and tasks, the demo and tests look contracts up by them.
 */
export const NAMES = {
  token: (symbol: string) => `Token_${symbol}`,
  feed: (pair: string) => `Feed_${pair}`,
  pool: (asset: string, quote: string, fee: number) => `Pool_${asset}_${quote}_${fee}`,
  UniswapV3Factory: "UniswapV3Factory",
  SwapRouter: "SwapRouter",
  NonfungiblePositionManager: "NonfungiblePositionManager",
  QuoterV2: "QuoterV2",
  /** A venue of the local market beyond the primary pools (kind, pair and fee in its name). */
  venue: (kind: string, asset: string, quote: string, fee: number) =>
    `Venue_${kind}_${asset}_${quote}_${fee}`,
  SwapRouter02: "SwapRouter02",
  /** The chain's VenueModule (every vault's swaps run through it). */
  VenueModule: "VenueModule",
  /** A venue adapter: UniswapV3 (through the chain's router), UniswapV3Router02, UniswapV2, BalancerV2. */
  adapter: (name: string) => `Adapter_${name}`,
  UniswapV2Factory: "UniswapV2Factory",
  UniswapV2Router02: "UniswapV2Router02",
  BalancerAuthorizer: "BalancerAuthorizer",
  BalancerVault: "BalancerVault",
  WeightedPoolFactory: "WeightedPoolFactory",
  vault: (name: string) => `Vault_${name}`,
  /** A vault's extension (its cold half, reached through the vault's fallback). */
  extension: (name: string) => `VaultExt_${name}`,
  book: (name: string) => `OptionBook_${name}`,
} as const;

/** hardhat-deploy tags. */
export const TAGS = {
  LocalTokens: "LocalTokens",
  LocalFeeds: "LocalFeeds",
  Uniswap: "Uniswap",
  LocalPools: "LocalPools",
  Venues: "Venues",
  VenueModule: "VenueModule",
  LocalMarket: "LocalMarket",
  /** Aave V3 on the local market (not part of LocalMarket yet: only the lending tests deploy it). */
  LendingMarket: "LendingMarket",
  DemoVault: "DemoVault",
  Vaults: "Vaults",
  Activate: "Activate",
  LocalSeed: "LocalSeed",
  VerifyConfig: "VerifyConfig",
  Timelock: "Timelock",
  CreReceiver: "CreReceiver",
} as const;
