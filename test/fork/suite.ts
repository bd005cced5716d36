import { expect } from "chai";
import hre from "hardhat";

import type { ForkMarket } from "../../src/fork/market";
import type { ReplicaNetwork } from "../../src/fork/replica";
import { describeMarket, forkActors, forkMarket, forkMode, forkSuiteRuns } from "./fixture";
import { type ForkContext, localRebalanceGas, scenariosFor } from "./scenarios";

/**
 * Registers a network's forked suite: its preset deployed through the deploy scripts, then deposits,
 * status, rebalances, redemptions and attacks, on the network's contracts at their real addresses — a
 * live fork when `npm run test:fork` has the network's RPC URL, else the replica. Registered only in
 * the processes that run it (`forkSuiteRuns`), never skipped.
 */
export function forkSuite(network: ReplicaNetwork): void {
  if (!forkSuiteRuns(network)) return;
  const mode = forkMode();

  describe(`forked suite (${mode} mode): ${network}`, () => {
    const ctx = { network, gas: {} } as unknown as ForkContext;
    let release: () => Promise<void>;

    before(async function () {
      this.timeout(600_000);
      let market: ForkMarket;
      ({ market, release } = await forkMarket(network));
      const [deployer, guardian, keeper, , alice] = await hre.ethers.getSigners();
      Object.assign(ctx, {
        market,
        deployer,
        guardian,
        keeper,
        alice,
        attacker: (await forkActors()).attacker,
      });
      console.log(describeMarket(market, network));
    });

    after(async () => {
      const lines = Object.entries(ctx.gas).map(([k, v]) => `${k}: ${v.toLocaleString("en-US")}`);
      if (ctx.market) {
        // One feed read as a transaction (21,000 base included): through the proxy, and straight from
        // the aggregator behind it. The difference is the proxy's hop.
        const proxy = ctx.market.feeds.ETH_USD;
        const data = proxy.interface.encodeFunctionData("latestRoundData");
        const viaProxy = await hre.ethers.provider.estimateGas({ to: await proxy.getAddress(), data });
        const direct = await hre.ethers.provider.estimateGas({
          to: await proxy.getFunction("aggregator")(),
          data,
        });
        lines.push(
          `latestRoundData() as a transaction: ${viaProxy} through the proxy, ${direct} from the aggregator`,
        );
      }
      if (lines.length > 0) {
        console.log(
          `      gas through the real two-hop Chainlink proxies: ${lines.join("; ")} ` +
            `(rebalance() on the local market's single-hop feeds: ${localRebalanceGas().toLocaleString("en-US")}, test/gas-snapshot.json)`,
        );
      }
      await release?.();
    });

    it("runs the same test bodies in live and replica mode", () => {
      expect(scenariosFor(network, "live")).to.deep.equal(scenariosFor(network, "replica"));
      expect(scenariosFor(network, mode).length).to.be.gte(11);
    });

    for (const scenario of scenariosFor(network, mode)) it(scenario.title, () => scenario.body(ctx));
  });
}
