import { expect } from "chai";
import fs from "node:fs";
import path from "node:path";
import hre from "hardhat";

/**
 * Bytecode size is a reviewed artifact, like gas: every deployable contract's runtime size is
 * committed in size-snapshot.json and checked exactly, so every change shows its byte delta; and each
 * must keep 4,096 bytes of headroom under EIP-170 (24,576 bytes, the limit on mainnet and every L2 we
 * target) for the features still to come. Rewrite the snapshot from a clean build with
 * `npx hardhat clean && UPDATE_SIZE_SNAPSHOT=1 npx hardhat test test/unit/size.spec.ts`.
 */
const EIP170_LIMIT = 24_576;
const HEADROOM = 4_096;
const SNAPSHOT = path.join(__dirname, "..", "size-snapshot.json");

/** Every contract a deployment or a tool puts on a chain (or runs as creation code, the lens). */
const DEPLOYABLE = [
  "TargetWeightVault",
  "TargetWeightVaultExt",
  "DeltaHedgeVault",
  "DeltaHedgeVaultExt",
  "LeverageVault",
  "LeverageVaultExt",
  "LeverageFlows",
  "DeltaHedgeLendingVault",
  "DeltaHedgeLendingVaultExt",
  "DeltaHedgeLendingModule",
  "OptionBook",
  "BallastLens",
  "UniswapV3RouterAdapter",
  "UniswapV2RouterAdapter",
  "BalancerV2Adapter",
  "AaveV3LendingAdapter",
  "VenueModule",
  "RebalanceReceiver",
] as const;

describe("contract size", () => {
  const sizes: Record<string, number> = {};

  before(async () => {
    for (const name of DEPLOYABLE) {
      const artifact = await hre.artifacts.readArtifact(name);
      sizes[name] = (artifact.deployedBytecode.length - 2) / 2;
    }
  });

  for (const name of DEPLOYABLE) {
    it(`${name} keeps ${HEADROOM.toLocaleString("en-US")} bytes of headroom under EIP-170`, () => {
      expect(sizes[name], `${name}: ${EIP170_LIMIT - sizes[name]} bytes of headroom`).to.be.at.most(
        EIP170_LIMIT - HEADROOM,
      );
    });
  }

  it("matches the committed size snapshot byte for byte", () => {
    if (process.env.UPDATE_SIZE_SNAPSHOT === "1") {
      fs.writeFileSync(SNAPSHOT, JSON.stringify(sizes, null, 2) + "\n");
      return;
    }
    const committed = JSON.parse(fs.readFileSync(SNAPSHOT, "utf8")) as Record<string, number>;
    expect(
      sizes,
      "bytecode size moved: review, then npx hardhat clean && UPDATE_SIZE_SNAPSHOT=1 npx hardhat test test/unit/size.spec.ts",
    ).to.deep.equal(committed);
  });
});
