import { expect } from "chai";
import hre from "hardhat";

/** EIP-170: deployed code above 24,576 bytes cannot be deployed on mainnet or any L2 we target. */
const EIP170_LIMIT = 24_576;

describe("contract size", () => {
  for (const name of ["TargetWeightVault", "DeltaHedgeVault"]) {
    it(`${name} fits EIP-170`, async () => {
      const artifact = await hre.artifacts.readArtifact(name);
      const size = (artifact.deployedBytecode.length - 2) / 2;
      expect(size).to.be.lessThanOrEqual(EIP170_LIMIT);
    });
  }
});
