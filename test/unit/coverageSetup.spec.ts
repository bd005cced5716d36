import fs from "node:fs";
import path from "node:path";
import { expect } from "chai";
import hre from "hardhat";

import { fundedVaultFixture } from "../shared/fixtures";

/**
 * The coverage setup's own test: the fixtures (hardhat-deploy's deploy path) must deploy the bytecode
 * this build compiled. Under `npm run coverage` that is solidity-coverage's instrumented build, far
 * larger than the committed optimized size; otherwise it is the optimized build, byte for byte the
 * size snapshot. A fixture that loaded other artifacts (the cause of an earlier 0% report) fails here.
 */
describe("coverage setup", () => {
  it("the fixtures deploy the bytecode this build compiled (instrumented under coverage)", async () => {
    const f = await fundedVaultFixture();
    const deployed = await hre.ethers.provider.getCode(await f.vault.getAddress());
    const compiled = (await hre.artifacts.readArtifact("TargetWeightVault")).deployedBytecode;
    expect((deployed.length - 2) / 2, "deployed size vs this build's artifact").to.equal(
      (compiled.length - 2) / 2,
    );

    const snapshot = JSON.parse(
      fs.readFileSync(path.join(__dirname, "..", "size-snapshot.json"), "utf8"),
    ) as Record<string, number>;
    const size = (deployed.length - 2) / 2;
    const underCoverage = (hre as unknown as { __SOLIDITY_COVERAGE_RUNNING?: boolean })
      .__SOLIDITY_COVERAGE_RUNNING;
    if (underCoverage) {
      expect(size, "instrumented build").to.be.greaterThan(snapshot.TargetWeightVault * 1.2);
    } else {
      expect(size, "optimized build").to.equal(snapshot.TargetWeightVault);
    }
  });
});
