import { type Contract, type InterfaceAbi, MaxUint256, type Signer, ZeroAddress } from "ethers";
import type { HardhatRuntimeEnvironment } from "hardhat/types";

import type { TestERC20 } from "../../typechain-types";
import { NAMES } from "../deployments";
import { AAVE_ARTIFACTS, type AaveContract, librariesOf, linked } from "./aaveArtifacts";
import { FEED_DECIMALS, localToken } from "./spec";

/** Aave's rates are rays (1e27 = 100 %). */
export const RAY = 10n ** 27n;
const rayPct = (pct: number) => (BigInt(Math.round(pct * 1e4)) * RAY) / 1_000_000n;

/**
 * One reserve of the local Aave V3 market. Risk parameters in bps (the liquidation bonus as Aave
 * writes it: 10,500 = the liquidator gets 5 % over the debt it repays); caps in whole tokens
 * (0 = none); the variable rate's two slopes in rays per year.
 */
export interface LendingReserve {
  symbol: string;
  ltvBps: number;
  liquidationThresholdBps: number;
  liquidationBonusBps: number;
  reserveFactorBps: number;
  supplyCap: number;
  borrowCap: number;
  optimalUsageRay: bigint;
  baseVariableRateRay: bigint;
  variableSlope1Ray: bigint;
  variableSlope2Ray: bigint;
}

/**
 * The local market's reserves, at Aave V3 Ethereum's parameters for WETH and USDC as its governance
 * diffs (bgd-labs/aave-proposals-v3) and risk pages list them for 2023–24: WETH LTV 80.5 %,
 * liquidation at 83 % with a 5 % bonus, variable rate 0 + 3.3 % to 80 % use, then +80 %; USDC
 * LTV 77 %, liquidation at 80 % with 4.5 %, 0 + 5.5 % to 90 % use, then +60 %. Caps are generous
 * against the local pools' depth so that tests reach them only on purpose.
 */
export const LENDING_RESERVES: readonly LendingReserve[] = [
  {
    symbol: "WETH",
    ltvBps: 8050,
    liquidationThresholdBps: 8300,
    liquidationBonusBps: 10_500,
    reserveFactorBps: 1500,
    supplyCap: 1_000_000,
    borrowCap: 800_000,
    optimalUsageRay: rayPct(80),
    baseVariableRateRay: 0n,
    variableSlope1Ray: rayPct(3.3),
    variableSlope2Ray: rayPct(80),
  },
  {
    symbol: "USDC",
    ltvBps: 7700,
    liquidationThresholdBps: 8000,
    liquidationBonusBps: 10_450,
    reserveFactorBps: 1000,
    supplyCap: 2_000_000_000,
    borrowCap: 1_800_000_000,
    optimalUsageRay: rayPct(90),
    baseVariableRateRay: 0n,
    variableSlope1Ray: rayPct(5.5),
    variableSlope2Ray: rayPct(60),
  },
];

export const LENDING_NAMES = {
  provider: "Aave_PoolAddressesProvider",
  aclManager: "Aave_ACLManager",
  pool: "Aave_Pool",
  configurator: "Aave_PoolConfigurator",
  oracle: "Aave_Oracle",
  dataProvider: "Aave_ProtocolDataProvider",
  rateStrategy: (symbol: string) => `Aave_RateStrategy_${symbol}`,
} as const;

/** The local Aave market, as tests and tasks reach it. */
export interface LendingMarket {
  pool: Contract;
  configurator: Contract;
  oracle: Contract;
  dataProvider: Contract;
  aclManager: Contract;
  provider: Contract;
}

/**
 * Deploys Aave V3 on the local market (once: a recorded market is left as it is): the addresses
 * provider and ACL, the Pool and PoolConfigurator behind Aave's own proxies, AaveOracle on the local
 * Chainlink feeds, the data provider, and one reserve per `LENDING_RESERVES` entry, with its own
 * interest rate strategy, collateral parameters, borrowing, flash loans and caps. The deployer is
 * the market's owner, pool admin and treasury.
 */
export async function deployLocalLending(hre: HardhatRuntimeEnvironment): Promise<void> {
  if (await hre.deployments.getOrNull(LENDING_NAMES.pool)) return;
  const { deployer } = await hre.getNamedAccounts();
  const signer = await hre.ethers.getSigner(deployer);
  const deployed: Record<string, string> = {};
  const deploy = async (name: AaveContract, args: unknown[], record?: string): Promise<string> => {
    const libraries = Object.fromEntries(librariesOf(name).map((l) => [l, deployed[l]]));
    const factory = new hre.ethers.ContractFactory(AAVE_ARTIFACTS[name].abi, linked(name, libraries), signer);
    const c = await factory.deploy(...args);
    await c.waitForDeployment();
    const address = await c.getAddress();
    deployed[name] = address;
    if (record) await save(hre, record, AAVE_ARTIFACTS[name].abi, address);
    return address;
  };
  const at = (name: AaveContract, address: string) =>
    new hre.ethers.Contract(address, AAVE_ARTIFACTS[name].abi, signer);
  const send = async (p: Promise<{ wait(): Promise<unknown> }>) => (await p).wait();

  const providerAddress = await deploy(
    "PoolAddressesProvider",
    ["Ballast local", deployer],
    LENDING_NAMES.provider,
  );
  const provider = at("PoolAddressesProvider", providerAddress);
  await send(provider.setACLAdmin(deployer));
  const acl = at("ACLManager", await deploy("ACLManager", [providerAddress], LENDING_NAMES.aclManager));
  await send(provider.setACLManager(await acl.getAddress()));
  await send(acl.addPoolAdmin(deployer));

  for (const lib of [
    "BorrowLogic",
    "BridgeLogic",
    "EModeLogic",
    "LiquidationLogic",
    "PoolLogic",
    "SupplyLogic",
  ] as const) {
    await deploy(lib, []);
  }
  await deploy("FlashLoanLogic", []); // links BorrowLogic
  await deploy("ConfiguratorLogic", []);
  const poolImpl = at("Pool", await deploy("Pool", [providerAddress]));
  // The implementation itself is initialised too, as Aave's deployment does, so no one else can.
  await send(poolImpl.initialize(providerAddress));
  await send(provider.setPoolImpl(await poolImpl.getAddress()));
  const configuratorImpl = at("PoolConfigurator", await deploy("PoolConfigurator", []));
  await send(configuratorImpl.initialize(providerAddress));
  await send(provider.setPoolConfiguratorImpl(await configuratorImpl.getAddress()));
  const pool = (await provider.getPool()) as string;
  const configuratorAddress = (await provider.getPoolConfigurator()) as string;
  await save(hre, LENDING_NAMES.pool, AAVE_ARTIFACTS.Pool.abi, pool);
  await save(hre, LENDING_NAMES.configurator, AAVE_ARTIFACTS.PoolConfigurator.abi, configuratorAddress);

  const tokens = await Promise.all(
    LENDING_RESERVES.map(async (r) => (await hre.deployments.get(NAMES.token(r.symbol))).address),
  );
  const feeds = await Promise.all(
    LENDING_RESERVES.map(
      async (r) => (await hre.deployments.get(NAMES.feed(localToken(r.symbol).feed))).address,
    ),
  );
  // Prices in USD with the feeds' 8 decimals, as Aave V3 Ethereum's oracle quotes them.
  const oracle = await deploy(
    "AaveOracle",
    [providerAddress, tokens, feeds, ZeroAddress, ZeroAddress, 10n ** BigInt(FEED_DECIMALS)],
    LENDING_NAMES.oracle,
  );
  await send(provider.setPriceOracle(oracle));
  const dataProvider = await deploy(
    "AaveProtocolDataProvider",
    [providerAddress],
    LENDING_NAMES.dataProvider,
  );
  await send(provider.setPoolDataProvider(dataProvider));

  const aTokenImpl = await deploy("AToken", [pool]);
  const variableDebtImpl = await deploy("VariableDebtToken", [pool]);
  const stableDebtImpl = await deploy("StableDebtToken", [pool]);
  const configurator = at("PoolConfigurator", configuratorAddress);
  for (const [i, r] of LENDING_RESERVES.entries()) {
    // Stable borrowing is off on Aave V3 Ethereum; its strategy parameters are then inert.
    const strategy = await deploy(
      "DefaultReserveInterestRateStrategy",
      [
        providerAddress,
        r.optimalUsageRay,
        r.baseVariableRateRay,
        r.variableSlope1Ray,
        r.variableSlope2Ray,
        0n,
        0n,
        0n,
        0n,
        0n,
      ],
      LENDING_NAMES.rateStrategy(r.symbol),
    );
    const t = localToken(r.symbol);
    await send(
      configurator.initReserves([
        {
          aTokenImpl,
          stableDebtTokenImpl: stableDebtImpl,
          variableDebtTokenImpl: variableDebtImpl,
          underlyingAssetDecimals: t.decimals,
          interestRateStrategyAddress: strategy,
          underlyingAsset: tokens[i],
          treasury: deployer,
          incentivesController: ZeroAddress,
          aTokenName: `Aave local ${r.symbol}`,
          aTokenSymbol: `aLoc${r.symbol}`,
          variableDebtTokenName: `Aave local variable debt ${r.symbol}`,
          variableDebtTokenSymbol: `variableDebtLoc${r.symbol}`,
          stableDebtTokenName: `Aave local stable debt ${r.symbol}`,
          stableDebtTokenSymbol: `stableDebtLoc${r.symbol}`,
          params: "0x",
        },
      ]),
    );
    await send(
      configurator.configureReserveAsCollateral(
        tokens[i],
        r.ltvBps,
        r.liquidationThresholdBps,
        r.liquidationBonusBps,
      ),
    );
    await send(configurator.setReserveBorrowing(tokens[i], true));
    await send(configurator.setReserveFlashLoaning(tokens[i], true));
    await send(configurator.setReserveFactor(tokens[i], r.reserveFactorBps));
    await send(configurator.setSupplyCap(tokens[i], r.supplyCap));
    await send(configurator.setBorrowCap(tokens[i], r.borrowCap));
  }
}

async function save(hre: HardhatRuntimeEnvironment, name: string, abi: InterfaceAbi, address: string) {
  await hre.deployments.save(name, { abi: abi as never, address });
}

/** The recorded local Aave market. */
export async function loadLending(hre: HardhatRuntimeEnvironment): Promise<LendingMarket> {
  const get = async (name: string) => {
    const d = await hre.deployments.get(name);
    return new hre.ethers.Contract(d.address, d.abi as InterfaceAbi, hre.ethers.provider);
  };
  return {
    provider: await get(LENDING_NAMES.provider),
    aclManager: await get(LENDING_NAMES.aclManager),
    pool: await get(LENDING_NAMES.pool),
    configurator: await get(LENDING_NAMES.configurator),
    oracle: await get(LENDING_NAMES.oracle),
    dataProvider: await get(LENDING_NAMES.dataProvider),
  };
}

/**
 * A lender supplies `amount` (token units) of the local token `token` to the market, minted for it,
 * so that borrowers have something to borrow.
 */
export async function seedLending(
  lending: LendingMarket,
  token: TestERC20,
  lender: Signer,
  amount: bigint,
): Promise<void> {
  const who = await lender.getAddress();
  const pool = await lending.pool.getAddress();
  await (await token.mint(who, amount)).wait();
  await (await token.connect(lender).approve(pool, MaxUint256)).wait();
  const p = lending.pool.connect(lender) as Contract;
  await (await p.supply(await token.getAddress(), amount, who, 0)).wait();
}

/** The deployment name of the Aave V3 lending adapter vaults with a lending leg use (one per chain: it holds nothing). */
export const LENDING_ADAPTER = "LendingAdapter_AaveV3";

/**
 * The local Aave market as a vault's `LendingInit`: its adapter (deployed once per chain as
 * `LendingAdapter_AaveV3`) and its Pool.
 */
export async function localLendingInit(
  hre: HardhatRuntimeEnvironment,
): Promise<{ adapter: string; market: string }> {
  const { deployer } = await hre.getNamedAccounts();
  const adapter = await hre.deployments.deploy(LENDING_ADAPTER, {
    contract: "AaveV3LendingAdapter",
    from: deployer,
    skipIfAlreadyDeployed: true,
  });
  return { adapter: adapter.address, market: (await hre.deployments.get(LENDING_NAMES.pool)).address };
}
