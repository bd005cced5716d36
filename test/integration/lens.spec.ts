import { expect } from "chai";
import { ZeroAddress } from "ethers";
import hre from "hardhat";

import { readLens } from "../../src/vault/lens";
import { bothVaultsFixture } from "../shared/fixtures";
import { rebalanceEvents } from "../shared/helpers";

/**
 * BallastLens read directly: one eth_call for several vaults, each vault's figures equal to what the
 * vault's own views say, the simulated reward equal to what rebalance() then pays, and one vault's
 * simulation leaving the next vault's reads untouched.
 */
describe("BallastLens (one eth_call, nothing deployed)", () => {
  it("reads both kinds in one call, as their own views read them", async () => {
    const { vault: hedge, market } = await bothVaultsFixture();
    const twv = await hre.ethers.getContractAt(
      "ITargetWeightVault",
      (await hre.deployments.get("Vault_funded")).address,
    );
    const { vaults } = await readLens(hre, [await twv.getAddress(), await hedge.getAddress()]);
    const [t, h] = vaults;
    expect([t.kind, h.kind]).to.deep.equal([1n, 2n]);
    const st = await twv.rebalanceStatus();
    expect(t.status.reason).to.equal(st.reason);
    expect(t.status.navWad).to.equal(st.navWad);
    expect(t.status.legs.map((l) => [l.asset, l.amountIn, l.minAmountOut])).to.deep.equal(
      st.legs.map((l) => [l.asset, l.amountIn, l.minAmountOut]),
    );
    expect([...t.pricesWad]).to.deep.equal([...(await twv.pricesWad())]);
    expect(t.assets.map((a) => [a.symbol, a.decimals])).to.deep.equal([
      ["USDC", 6n],
      ["WETH", 18n],
      ["WBTC", 8n],
    ]);
    expect(t.assets.map((a) => a.targetBps)).to.deep.equal([4000n, 3000n, 3000n]);
    expect(t.assets[0].balance).to.equal(await market.tokens.USDC.balanceOf(twv));
    expect(t.extension).to.equal(await twv.extension());
    expect(h.hedge.netDeltaWad).to.equal((await hedge.hedgeStatus()).netDeltaWad);
    expect(h.owner).to.equal(await hedge.owner());
  });

  it("simulates rebalance() for the exact reward it then pays, and undoes it before the next vault", async () => {
    const { vault: hedge, keeper } = await bothVaultsFixture();
    const funded = (await hre.deployments.get("Vault_funded")).address;
    const twv = await hre.ethers.getContractAt("ITargetWeightVault", funded);
    const together = await readLens(hre, [funded, await hedge.getAddress()]);
    const alone = await readLens(hre, [await hedge.getAddress()]);
    // The target-weight vault's simulation (which traded WETH/USDC) did not move what the hedge saw.
    expect(together.vaults[1].simulation).to.deep.equal(alone.vaults[0].simulation);
    expect(together.vaults[1].status.legs).to.deep.equal(alone.vaults[0].status.legs);
    const sim = together.vaults[0].simulation;
    expect(sim.ran && sim.ok).to.equal(true);
    expect(sim.reward).to.be.greaterThan(0n);
    // Nothing was kept: the vault is still due, and the real call pays what the simulation said.
    expect((await twv.rebalanceStatus()).reason).to.equal(0n);
    const receipt = await (await twv.connect(keeper).rebalance()).wait();
    expect(rebalanceEvents(twv, receipt!.logs).summary!.reward).to.equal(sim.reward);
  });

  it("reports kind None, and nothing else, for an address that is no Ballast vault", async () => {
    const { market, stranger } = await bothVaultsFixture();
    const { vaults, chain } = await readLens(
      hre,
      [await market.tokens.USDC.getAddress(), stranger.address, ZeroAddress],
      stranger.address,
    );
    expect(vaults.map((v) => v.kind)).to.deep.equal([0n, 0n, 0n]);
    expect(vaults.every((v) => v.assets.length === 0 && !v.simulation.ran)).to.equal(true);
    expect(chain.keeperBalance).to.equal(await hre.ethers.provider.getBalance(stranger.address));
  });

  it("reports kind None for contracts whose vaultKind() answer is not a Ballast kind", async () => {
    const { stranger } = await bothVaultsFixture();
    // Runtime code answering every call with: the word 9 (no such kind), the word 0 (None), 64 bytes starting with 1 (not one word).
    const answers = {
      "0x000000000000000000000000000000000000b001": "0x600960005260206000f3",
      "0x000000000000000000000000000000000000b002": "0x60206000f3",
      "0x000000000000000000000000000000000000b003": "0x600160005260406000f3",
    };
    for (const [address, code] of Object.entries(answers)) {
      await hre.network.provider.send("hardhat_setCode", [address, code]);
    }
    const { vaults } = await readLens(hre, Object.keys(answers), stranger.address);
    expect(vaults.map((v) => v.kind)).to.deep.equal([0n, 0n, 0n]);
    expect(vaults.every((v) => v.assets.length === 0 && v.extension === ZeroAddress)).to.equal(true);
  });
});
