import { expect } from "chai";
import hre from "hardhat";

import type { ForkMarket } from "../../src/fork/market";
import { describeMarket, forkActors, forkMarket, forkMode } from "./fixture";
import { type ForkContext, SCENARIOS, localRebalanceGas, scenariosFor } from "./scenarios";

/**
 * The forked suite's scenarios on mainnet: the mainnet preset deployed through the deploy scripts,
 * then deposits, status, rebalances, redemptions and attacks, on mainnet's contracts at mainnet's
 * addresses — a live fork when MAINNET_RPC_URL is given to `npm run test:fork`, else the replica.
 */
const mode = forkMode();

describe(`forked suite (${mode} mode): mainnet`, () => {
  const ctx = { gas: {} } as ForkContext;
  let release: () => Promise<void>;

  before(async function () {
    this.timeout(600_000);
    let market: ForkMarket;
    ({ market, release } = await forkMarket());
    const [deployer, guardian, keeper, , alice] = await hre.ethers.getSigners();
    Object.assign(ctx, {
      market,
      deployer,
      guardian,
      keeper,
      alice,
      attacker: (await forkActors()).attacker,
    });
    console.log(describeMarket(market));
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
          `(the local market's single-hop feeds: ${localRebalanceGas().toLocaleString("en-US")}, test/gas-snapshot.json)`,
      );
    }
    await release?.();
  });

  it("runs the same test bodies in live and replica mode", () => {
    expect(scenariosFor("live")).to.deep.equal(scenariosFor("replica"));
    expect(scenariosFor(mode)).to.equal(SCENARIOS);
    expect(SCENARIOS.length).to.be.gte(10);
  });

  for (const scenario of scenariosFor(mode)) it(scenario.title, () => scenario.body(ctx));
});
