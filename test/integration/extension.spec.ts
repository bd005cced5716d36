import { expect } from "chai";
import hre from "hardhat";

import { NAMES } from "../../src/deployments";
import { demoVaultPreset } from "../../src/vault/targetWeight";
import { bothVaultsFixture } from "../shared/fixtures";

/**
 * The core/extension split as an attacker sees it: the extension's `initialize` cannot be run again
 * (through the vault or on the extension), the extension on its own can be configured by no one,
 * a core refuses an extension of another kind, and the two halves agree on their immutables.
 */
describe("the vault's extension", () => {
  it("refuses initialize after construction, through the vault and on the extension; nothing changes", async () => {
    const { vault, admin, stranger } = await bothVaultsFixture();
    const p = demoVaultPreset();
    const params = {
      admin: stranger.address,
      guardian: stranger.address,
      settings: p.settings,
      amounts: p.amounts,
      maxStalenessSeconds: [3600, 3600, 3600],
    };
    const weights = { targetBps: [10_000, 0, 0], absBandBps: [500, 500, 500], relBandBps: [0, 0, 0] };
    const twv = await hre.ethers.getContractAt(
      "ITargetWeightVault",
      (await hre.deployments.get(NAMES.vault("funded"))).address,
    );
    for (const who of [admin, stranger]) {
      await expect(twv.connect(who).initialize("x", "x", params, weights)).to.be.revertedWithCustomError(
        twv,
        "NotInitializing",
      );
    }
    const ext = await hre.ethers.getContractAt("TargetWeightVaultExt", await twv.extension());
    await expect(ext.connect(stranger).initialize("x", "x", params, weights)).to.be.revertedWithCustomError(
      ext,
      "NotInitializing",
    );
    expect(await twv.owner()).to.equal(admin.address);
    expect((await twv.targets())[0].map(Number)).to.deep.equal([4000, 3000, 3000]);
    void vault;
  });

  it("cannot be configured on its own: its owner is itself, and it holds nothing", async () => {
    const { vault, admin, stranger } = await bothVaultsFixture();
    const ext = await hre.ethers.getContractAt("DeltaHedgeVaultExt", await vault.extension());
    expect(await ext.owner()).to.equal(await ext.getAddress());
    for (const who of [admin, stranger]) {
      await expect(ext.connect(who).setRate(0)).to.be.revertedWithCustomError(
        ext,
        "OwnableUnauthorizedAccount",
      );
      await expect(ext.connect(who).pause()).to.be.revertedWithCustomError(ext, "NotGuardian");
    }
    // The vault's own state is untouched by anything done to the extension.
    expect(await vault.rateWad()).to.equal(4n * 10n ** 16n);
    expect(await vault.paused()).to.equal(false);
  });

  it("a core refuses an extension of another kind", async () => {
    const { vault } = await bothVaultsFixture();
    const hedgeExt = await vault.extension();
    const factory = await hre.ethers.getContractFactory("TargetWeightVault");
    const p = demoVaultPreset();
    await expect(
      factory.deploy(
        hedgeExt,
        "x",
        "x",
        {
          admin: hedgeExt,
          guardian: hedgeExt,
          settings: p.settings,
          amounts: p.amounts,
          maxStalenessSeconds: [60, 60],
        },
        { targetBps: [5000, 5000], absBandBps: [500, 500], relBandBps: [0, 0] },
        { venues: [], minSplitGainWad: 0 },
      ),
    )
      .to.be.revertedWithCustomError(factory, "ExtensionMismatch")
      .withArgs(hedgeExt);
  });

  it("core and extension hold the same immutables, and the vault answers as its kind", async () => {
    const { vault } = await bothVaultsFixture();
    const twv = await hre.ethers.getContractAt(
      "ITargetWeightVault",
      (await hre.deployments.get(NAMES.vault("funded"))).address,
    );
    for (const v of [vault, twv]) {
      const own = await hre.ethers.getContractAt("IRebalanceEngine", await v.extension());
      expect([...(await v.extensionImmutables())]).to.deep.equal([...(await own.extensionImmutables())]);
    }
    expect(await twv.vaultKind()).to.equal(1n);
    expect(await vault.vaultKind()).to.equal(2n);
  });

  it("refuses ETH: the fallback is not payable", async () => {
    const { vault, stranger } = await bothVaultsFixture();
    await expect(stranger.sendTransaction({ to: await vault.getAddress(), value: 1n })).to.be.reverted;
    await expect(stranger.sendTransaction({ to: await vault.getAddress(), value: 1n, data: "0x12345678" })).to
      .be.reverted;
  });
});
