import { type InterfaceAbi, getAddress } from "ethers";

/**
 * Aave V3's contracts from their published npm build (`@aave/core-v3`): the bytecode Aave compiled
 * and deployed, deployed here as-is. Pool, PoolConfigurator and FlashLoanLogic call external
 * libraries; `linked` writes the libraries' addresses where the build's link references say.
 */

interface AaveArtifact {
  abi: InterfaceAbi;
  bytecode: string;
  linkReferences: Record<string, Record<string, { start: number; length: number }[]>>;
}

/* eslint-disable @typescript-eslint/no-require-imports */
const aave = (path: string, name: string): AaveArtifact =>
  require(`@aave/core-v3/artifacts/contracts/${path}/${name}.sol/${name}.json`) as AaveArtifact;

export const AAVE_ARTIFACTS = {
  PoolAddressesProvider: aave("protocol/configuration", "PoolAddressesProvider"),
  ACLManager: aave("protocol/configuration", "ACLManager"),
  Pool: aave("protocol/pool", "Pool"),
  PoolConfigurator: aave("protocol/pool", "PoolConfigurator"),
  DefaultReserveInterestRateStrategy: aave("protocol/pool", "DefaultReserveInterestRateStrategy"),
  AaveOracle: aave("misc", "AaveOracle"),
  AaveProtocolDataProvider: aave("misc", "AaveProtocolDataProvider"),
  AToken: aave("protocol/tokenization", "AToken"),
  VariableDebtToken: aave("protocol/tokenization", "VariableDebtToken"),
  StableDebtToken: aave("protocol/tokenization", "StableDebtToken"),
  BorrowLogic: aave("protocol/libraries/logic", "BorrowLogic"),
  BridgeLogic: aave("protocol/libraries/logic", "BridgeLogic"),
  EModeLogic: aave("protocol/libraries/logic", "EModeLogic"),
  FlashLoanLogic: aave("protocol/libraries/logic", "FlashLoanLogic"),
  LiquidationLogic: aave("protocol/libraries/logic", "LiquidationLogic"),
  PoolLogic: aave("protocol/libraries/logic", "PoolLogic"),
  SupplyLogic: aave("protocol/libraries/logic", "SupplyLogic"),
  ConfiguratorLogic: aave("protocol/libraries/logic", "ConfiguratorLogic"),
};
/* eslint-enable @typescript-eslint/no-require-imports */

export type AaveContract = keyof typeof AAVE_ARTIFACTS;

/** The libraries an artifact links, by name (empty for most). */
export function librariesOf(name: AaveContract): string[] {
  return Object.values(AAVE_ARTIFACTS[name].linkReferences).flatMap((byLib) => Object.keys(byLib));
}

/**
 * The artifact's creation code with each linked library's address written at its offsets. Throws,
 * naming it, when a library the build links is missing from `libraries`.
 */
export function linked(name: AaveContract, libraries: Record<string, string>): string {
  const { bytecode, linkReferences } = AAVE_ARTIFACTS[name];
  let hex = bytecode.slice(2);
  for (const byLib of Object.values(linkReferences)) {
    for (const [lib, refs] of Object.entries(byLib)) {
      const address = libraries[lib];
      if (address === undefined)
        throw new Error(`${name} links ${lib}: deploy it first and pass its address`);
      const body = getAddress(address).slice(2).toLowerCase();
      for (const { start, length } of refs) {
        hex = hex.slice(0, start * 2) + body + hex.slice((start + length) * 2);
      }
    }
  }
  return `0x${hex}`;
}
