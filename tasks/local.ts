import { task } from "hardhat/config";

import { UserError } from "../src/config/env";
import { isLocalNetwork } from "../src/config/local";
import { loadLocalMarket, movePrices } from "../src/market/localMarket";
import { preflight, runTask } from "../src/cli/connect";
import { DURATION_RANGES, parseDuration } from "../src/cli/args";

task(
  "local:prices",
  "Local networks: publish feed prices, let an arbitrageur align the pools, optionally advance time",
)
  .addParam("set", "USD prices, e.g. WETH=2600,WBTC=61000")
  .addOptionalParam("advance", "how far to move the chain clock forward first: 3700, 1h, 2d (1 s … 3650 d)")
  .addFlag("dryRun", "check the prices and print what would be set; send nothing")
  .setAction(async (args: { set: string; advance?: string; dryRun: boolean }, hre) =>
    runTask(async () => {
      if (!isLocalNetwork(hre.network.name))
        throw new UserError(`local:prices only runs on hardhat or localhost, not ${hre.network.name}.`);
      await preflight(hre);
      const market = await loadLocalMarket(hre).catch(() => {
        throw new UserError(
          `no local market deployed on ${hre.network.name}: run \`npx hardhat deploy --network ${hre.network.name}\` first.`,
        );
      });
      const prices: Record<string, string> = {};
      for (const part of args.set.split(",").map((p) => p.trim())) {
        const m = /^(\w+)=(\d+(\.\d+)?)$/.exec(part);
        if (!m || !market.tokens[m[1]])
          throw new UserError(
            `--set '${part}' is not SYMBOL=price for one of ${Object.keys(market.tokens).join(", ")}.`,
          );
        prices[m[1]] = m[2];
      }
      const advance =
        args.advance === undefined
          ? undefined
          : Math.ceil(parseDuration("advance", args.advance, DURATION_RANGES.advance));
      const list = Object.entries(prices)
        .map(([s, p]) => `${s} ${p}`)
        .join(", ");
      if (args.dryRun) {
        console.log(
          `dry run: would ${advance ? `advance ${advance} s, then ` : ""}set ${list} and arbitrage the pools`,
        );
        return prices;
      }
      if (advance !== undefined) {
        await hre.network.provider.send("evm_increaseTime", [advance]);
        await hre.network.provider.send("evm_mine");
      }
      const { arbitrageur } = await hre.getNamedAccounts();
      await movePrices(market, prices, await hre.ethers.getSigner(arbitrageur));
      console.log(`prices set: ${list}; pools arbitraged`);
      return prices;
    }),
  );
