import { expect } from "chai";
import fc from "fast-check";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";

import { Reason } from "../../src/vault/enums";
import { demoVaultPreset } from "../../src/vault/targetWeight";
import { sampleSize } from "../shared/coverage";
import { balancedVaultFixture, fund, type VaultFixture } from "../shared/fixtures";
import {
  BPS,
  advanceAndMove,
  currentPrices,
  expectPredicateAgreement,
  rebalanceEvents,
} from "../shared/helpers";

/**
 * Stateful property test of vault accounting: random sequences of deposits, quote and in-kind
 * redemptions, market moves and keeper rebalances on the demo vault (real Uniswap V3), with the
 * invariants checked after every step.
 */

type Action =
  | { kind: "deposit"; user: 0 | 1; usdc: number }
  | { kind: "redeemInKind"; user: 0 | 1; fraction: number }
  | { kind: "redeemQuote"; user: 0 | 1; fraction: number }
  | { kind: "move"; eth: number; btc: number }
  | { kind: "keeper" };

const action: fc.Arbitrary<Action> = fc.oneof(
  fc.record({
    kind: fc.constant("deposit" as const),
    user: fc.constantFrom(0 as const, 1 as const),
    usdc: fc.integer({ min: 1, max: 300_000 }),
  }),
  fc.record({
    kind: fc.constant("redeemInKind" as const),
    user: fc.constantFrom(0 as const, 1 as const),
    fraction: fc.double({ min: 0.01, max: 1, noNaN: true }),
  }),
  fc.record({
    kind: fc.constant("redeemQuote" as const),
    user: fc.constantFrom(0 as const, 1 as const),
    fraction: fc.double({ min: 0.01, max: 1, noNaN: true }),
  }),
  fc.record({
    kind: fc.constant("move" as const),
    eth: fc.double({ min: 0.75, max: 1.35, noNaN: true }),
    btc: fc.double({ min: 0.75, max: 1.35, noNaN: true }),
  }),
  fc.constant({ kind: "keeper" as const }),
);

const VIRTUAL_SHARES = 10n ** 12n; // USDC quote: decimals offset 12

/** Share price as a fraction (NAV + 1) / (supply + virtual shares), for exact comparison. */
async function sharePrice(f: VaultFixture): Promise<[bigint, bigint]> {
  return [(await f.vault.totalAssets()) + 1n, (await f.vault.totalSupply()) + VIRTUAL_SHARES];
}

const notBelow = ([n1, d1]: [bigint, bigint], [n0, d0]: [bigint, bigint]) => n1 * d0 >= n0 * d1;

/**
 * Sends a quote flow. A flow trades its own slice through the venues with the oracle-bounded minimum
 * output, so one too large for the pools' depth at that bound must revert (VenueOutputTooLow) and
 * change nothing; returns true when it did, false when it went through.
 */
async function tooDeep(f: VaultFixture, send: () => Promise<{ wait(): Promise<unknown> }>): Promise<boolean> {
  const addr = await f.vault.getAddress();
  const state = async () => [
    await f.vault.totalSupply(),
    ...(await Promise.all(["USDC", "WETH", "WBTC"].map((s) => f.market.tokens[s].balanceOf(addr)))),
  ];
  const before = await state();
  try {
    await (await send()).wait();
    return false;
  } catch (e) {
    // The vault's own measurement of the slice (a pool called directly checks no minimum), or a
    // router's check when the venue is an adapter's.
    expect(String(e)).to.match(/VenueOutputTooLow|Too little received/);
    expect(await state()).to.deep.equal(before);
    return true;
  }
}

async function step(f: VaultFixture, a: Action, users: HardhatEthersSigner[]): Promise<void> {
  const { vault, market } = f;
  const addr = await vault.getAddress();
  const before = await sharePrice(f);
  if (a.kind === "deposit") {
    const u = users[a.user];
    const units = await fund(market, "USDC", u, String(a.usdc), addr);
    if (await tooDeep(f, () => vault.connect(u).deposit(units, u.address))) return;
    expect(notBelow(await sharePrice(f), before), "deposit must not dilute holders").to.equal(true);
  } else if (a.kind === "redeemInKind" || a.kind === "redeemQuote") {
    const u = users[a.user];
    // In bigint: Number(balance) rounds 1e24-scale balances, and could ask for more than is held.
    let shares = ((await vault.balanceOf(u.address)) * BigInt(Math.floor(a.fraction * 1e6))) / 1_000_000n;
    if (a.kind === "redeemQuote")
      shares = shares < (await vault.maxRedeem(u.address)) ? shares : await vault.maxRedeem(u.address);
    if (shares === 0n) return;
    if (a.kind === "redeemInKind") {
      const supply = (await vault.totalSupply()) + VIRTUAL_SHARES;
      const held = await Promise.all(["USDC", "WETH", "WBTC"].map((s) => market.tokens[s].balanceOf(addr)));
      const r = await (await vault.connect(u).redeemInKind(shares, u.address, u.address)).wait();
      const ev = r!.logs
        .map((l) => vault.interface.parseLog({ topics: [...l.topics], data: l.data }))
        .find((p) => p?.name === "RedeemedInKind")!;
      for (let i = 0; i < 3; i++) expect(ev.args.amounts[i]).to.equal((held[i] * shares) / supply);
    } else {
      if (await tooDeep(f, () => vault.connect(u).redeem(shares, u.address, u.address))) return;
    }
    expect(notBelow(await sharePrice(f), before), "redemption must not dilute holders").to.equal(true);
  } else if (a.kind === "move") {
    const p = await currentPrices(market, ["WETH", "WBTC"]);
    await advanceAndMove(market, f.arbitrageur, 2 * 3600, {
      WETH: (Number(p.WETH) * a.eth).toFixed(8),
      WBTC: (Number(p.WBTC) * a.btc).toFixed(8),
    });
  } else {
    const st = await expectPredicateAgreement(vault, f.keeper);
    if (st.reason !== BigInt(Reason.Due)) return;
    const r = await (await vault.connect(f.keeper).rebalance()).wait();
    const { summary } = rebalanceEvents(vault, r!.logs);
    const bound =
      (summary!.tradedValueWad * BigInt(demoVaultPreset().settings.maxSlippageBps as number)) / BPS;
    expect(summary!.navBeforeWad - summary!.navAfterWad).to.be.lte(bound);
    expect(summary!.deviationAfterWad).to.be.lt(summary!.deviationBeforeWad);
  }
}

describe("vault accounting invariants (random action sequences)", () => {
  it("holds share-price monotonicity, supply accounting, pro-rata payouts and predicate agreement", async function () {
    this.timeout(300_000);
    await fc.assert(
      fc.asyncProperty(fc.array(action, { minLength: 5, maxLength: 14 }), async (actions) => {
        const f = await balancedVaultFixture();
        const users = [f.alice, f.bob];
        for (const a of actions) {
          await step(f, a, users);
          const held = (await f.vault.balanceOf(f.alice.address)) + (await f.vault.balanceOf(f.bob.address));
          expect(await f.vault.totalSupply()).to.equal(held);
        }
        // Everyone can always leave in kind, and the vault keeps only rounding dust.
        for (const u of users) {
          const s = await f.vault.balanceOf(u.address);
          if (s > 0n) await (await f.vault.connect(u).redeemInKind(s, u.address, u.address)).wait();
        }
        expect(await f.vault.totalSupply()).to.equal(0n);
      }),
      { numRuns: sampleSize(process.env.INVARIANT_RUNS, 20, 3) },
    );
  });
});
