import { AbiCoder, Contract, type ContractTransactionReceipt, MaxUint256, type Signer } from "ethers";
import type { HardhatRuntimeEnvironment } from "hardhat/types";

import { NAMES } from "../deployments";
import { createV3Pool, loadLocalMarket, mintSides, type LocalMarket } from "./localMarket";
import { LOCAL_VENUES, POOL_SIDE_USD, type LocalVenue } from "./spec";
import { sortTokens, UNISWAP_ARTIFACTS } from "./uniswap";
import { VENUE_ARTIFACTS } from "./venueArtifacts";

/**
 * The local market's other venues: Uniswap V2 (factory, Router02), SwapRouter02 (Uniswap's router
 * over V2 and V3, what Base and Sepolia have), Balancer V2 (authorizer, Vault, weighted pool
 * factory), and the pools of `LOCAL_VENUES`, each seeded full-range at the feeds' prices.
 */

export const venueKey = (v: LocalVenue) => NAMES.venue(v.kind, v.asset, v.quote, v.fee);

/** Deploys the venues' shared contracts (once; hardhat-deploy skips what it already recorded). */
export async function deployVenueInfra(hre: HardhatRuntimeEnvironment): Promise<void> {
  const { deployer } = await hre.getNamedAccounts();
  const get = async (name: string) => (await hre.deployments.get(name)).address;
  const deploy = async (name: string, artifact: keyof typeof VENUE_ARTIFACTS, args: unknown[]) =>
    (
      await hre.deployments.deploy(name, {
        contract: {
          abi: VENUE_ARTIFACTS[artifact].abi as never,
          bytecode: VENUE_ARTIFACTS[artifact].bytecode,
        },
        from: deployer,
        args,
      })
    ).address;
  const weth = await get(NAMES.token("WETH"));
  const v2Factory = await deploy(NAMES.UniswapV2Factory, "UniswapV2Factory", [deployer]);
  await deploy(NAMES.UniswapV2Router02, "UniswapV2Router02", [v2Factory, weth]);
  await deploy(NAMES.SwapRouter02, "SwapRouter02", [
    v2Factory,
    await get(NAMES.UniswapV3Factory),
    await get(NAMES.NonfungiblePositionManager),
    weth,
  ]);
  const authorizer = await deploy(NAMES.BalancerAuthorizer, "BalancerAuthorizer", [deployer]);
  // No pause window: nothing here is ever paused.
  const vault = await deploy(NAMES.BalancerVault, "BalancerVault", [authorizer, weth, 0, 0]);
  await deploy(NAMES.WeightedPoolFactory, "WeightedPoolFactory", [vault]);
}

/** Creates and seeds every venue of `venues` (once: a recorded venue is skipped). */
export async function deployLocalVenues(
  hre: HardhatRuntimeEnvironment,
  venues: readonly LocalVenue[] = LOCAL_VENUES,
): Promise<void> {
  const { deployer } = await hre.getNamedAccounts();
  const signer = await hre.ethers.getSigner(deployer);
  const market = await loadLocalMarket(hre, { withPools: false });
  for (const v of venues) {
    if (await hre.deployments.getOrNull(venueKey(v))) continue;
    const sideUsd = (POOL_SIDE_USD * BigInt(v.depthPct)) / 100n;
    let address: string;
    let abi: unknown;
    if (v.kind === "uniswapV3") {
      address = await createV3Pool(market, signer, v, sideUsd);
      abi = UNISWAP_ARTIFACTS.UniswapV3Pool.abi;
    } else if (v.kind === "uniswapV2") {
      address = await createV2Pair(hre, market, signer, v, sideUsd);
      abi = VENUE_ARTIFACTS.UniswapV2Pair.abi;
    } else {
      address = await createBalancerPool(hre, market, signer, v, sideUsd);
      abi = VENUE_ARTIFACTS.WeightedPool.abi;
    }
    await hre.deployments.save(venueKey(v), { address, abi: abi as never });
  }
}

async function createV2Pair(
  hre: HardhatRuntimeEnvironment,
  market: LocalMarket,
  signer: Signer,
  v: LocalVenue,
  sideUsd: bigint,
): Promise<string> {
  const factory = new Contract(
    (await hre.deployments.get(NAMES.UniswapV2Factory)).address,
    VENUE_ARTIFACTS.UniswapV2Factory.abi,
    signer,
  );
  const a = await market.tokens[v.asset].getAddress();
  const q = await market.tokens[v.quote].getAddress();
  await (await factory.getFunction("createPair")(a, q)).wait();
  const pair: string = await factory.getFunction("getPair")(a, q);
  const amounts = await mintSides(market, signer, v.asset, v.quote, sideUsd);
  for (const sym of [v.asset, v.quote]) {
    const t = market.tokens[sym];
    await (await t.connect(signer).transfer(pair, amounts[(await t.getAddress()).toLowerCase()])).wait();
  }
  const pairContract = new Contract(pair, VENUE_ARTIFACTS.UniswapV2Pair.abi, signer);
  await (await pairContract.getFunction("mint")(await signer.getAddress())).wait();
  return pair;
}

async function createBalancerPool(
  hre: HardhatRuntimeEnvironment,
  market: LocalMarket,
  signer: Signer,
  v: LocalVenue,
  sideUsd: bigint,
): Promise<string> {
  const get = async (name: string) => (await hre.deployments.get(name)).address;
  const factory = new Contract(
    await get(NAMES.WeightedPoolFactory),
    VENUE_ARTIFACTS.WeightedPoolFactory.abi,
    signer,
  );
  const vaultAddr = await get(NAMES.BalancerVault);
  const vault = new Contract(vaultAddr, VENUE_ARTIFACTS.BalancerVault.abi, signer);
  const tokens = sortTokens(
    await market.tokens[v.asset].getAddress(),
    await market.tokens[v.quote].getAddress(),
  );
  const half = 5n * 10n ** 17n;
  const receipt: ContractTransactionReceipt | null = await (
    await factory.getFunction("create")(
      `Balancer 50 ${v.asset} 50 ${v.quote} (local)`,
      `B-50${v.asset}-50${v.quote}`,
      tokens,
      [half, half],
      BigInt(v.fee) * 10n ** 12n, // millionths -> 1e18 = 100 %
      await signer.getAddress(),
    )
  ).wait();
  const created = receipt!.logs
    .map((l) => {
      try {
        return factory.interface.parseLog(l);
      } catch {
        return null;
      }
    })
    .find((e) => e?.name === "PoolCreated");
  const pool: string = created!.args.pool;
  const poolId: string = await new Contract(pool, VENUE_ARTIFACTS.WeightedPool.abi, signer).getFunction(
    "getPoolId",
  )();
  const amounts = await mintSides(market, signer, v.asset, v.quote, sideUsd);
  const amountsIn = tokens.map((t) => amounts[t.toLowerCase()]);
  for (const sym of [v.asset, v.quote]) {
    await (await market.tokens[sym].connect(signer).approve(vaultAddr, MaxUint256)).wait();
  }
  const who = await signer.getAddress();
  await (
    await vault.getFunction("joinPool")(poolId, who, who, {
      assets: tokens,
      maxAmountsIn: amountsIn,
      userData: AbiCoder.defaultAbiCoder().encode(["uint256", "uint256[]"], [0, amountsIn]), // INIT
      fromInternalBalance: false,
    })
  ).wait();
  return pool;
}
