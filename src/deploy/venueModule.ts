import type { HardhatRuntimeEnvironment } from "hardhat/types";

import { deployTarget, isLocalNetwork } from "../config/local";
import { addressBook, type NetworkAddressBook } from "../config/networks";
import { NAMES } from "../deployments";

/**
 * Deploys the chain's VenueModule (its built-in venues are the chain's Uniswap V3 factory's pools)
 * and venue adapters (once; hardhat-deploy keeps what it recorded).
 * `Adapter_UniswapV3` trades Uniswap V3 pools through the chain's router: SwapRouter where the
 * address book has it, else SwapRouter02. Local networks get every adapter of the local market; with
 * BALLAST_FORK the in-process network deploys as that live network does (`deployTarget`).
 */
export async function deployVenueModule(hre: HardhatRuntimeEnvironment): Promise<void> {
  const { deployer } = await hre.getNamedAccounts();
  const deploy = (name: string, contract: string, args: unknown[]) =>
    hre.deployments.deploy(name, { contract, from: deployer, args });
  const get = async (name: string) => (await hre.deployments.get(name)).address;
  const target = deployTarget(hre.network.name);
  if (isLocalNetwork(target)) {
    await deploy(NAMES.VenueModule, "VenueModule", [await get(NAMES.UniswapV3Factory)]);
    await deploy(NAMES.adapter("UniswapV3"), "UniswapV3RouterAdapter", [await get(NAMES.SwapRouter), false]);
    await deploy(NAMES.adapter("UniswapV3Router02"), "UniswapV3RouterAdapter", [
      await get(NAMES.SwapRouter02),
      true,
    ]);
    await deploy(NAMES.adapter("UniswapV2"), "UniswapV2RouterAdapter", [await get(NAMES.UniswapV2Router02)]);
    await deploy(NAMES.adapter("BalancerV2"), "BalancerV2Adapter", [await get(NAMES.BalancerVault)]);
    return;
  }
  const book = addressBook(target);
  await deploy(NAMES.VenueModule, "VenueModule", [book.uniswapV3.UniswapV3Factory.address]);
  const router = chainRouter(book);
  await deploy(NAMES.adapter("UniswapV3"), "UniswapV3RouterAdapter", [router.address, router.is02]);
}

/** The Uniswap V3 router a chain's vaults use: SwapRouter where it exists, else SwapRouter02. */
export function chainRouter(book: NetworkAddressBook): { address: string; is02: boolean } {
  const v1 = book.uniswapV3.SwapRouter;
  return v1
    ? { address: v1.address, is02: false }
    : { address: book.uniswapV3.SwapRouter02!.address, is02: true };
}
