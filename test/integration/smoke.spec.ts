import { expect } from "chai";
import { formatUnits } from "ethers";

import { fundedVaultFixture } from "../shared/fixtures";
import { reasonName } from "../../src/vault/enums";

describe("smoke", () => {
  it("rebalances a funded vault", async () => {
    const { vault, keeper } = await fundedVaultFixture();
    const st = await vault.rebalanceStatus();
    console.log(
      reasonName(st.reason),
      st.legs.map((l) => [l.asset, l.isSell, l.amountIn, l.minAmountOut]),
    );
    const tx = await vault.connect(keeper).rebalance();
    const r = await tx.wait();
    console.log("gas", r!.gasUsed);
    const [w, nav] = await vault.weightsWad();
    console.log(
      w.map((x) => formatUnits(x, 16)),
      formatUnits(nav, 18),
    );
    expect(r!.status).to.equal(1);
  });
});
