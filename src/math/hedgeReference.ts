import { type BookLeg } from "../hedge/book";
import { D, type Dec, SECONDS_PER_YEAR, blackScholes, fromWad } from "./reference";

/** The book's Greeks on the exact inputs (50-digit reference), expired legs ignored. */
export interface BookReference {
  delta: Dec;
  gamma: Dec;
  grossSize: Dec;
  /** Σ |size·Γ|·e^{−rτ} / Σ |size·Γ|; 1 when the book has no gamma. */
  discount: Dec;
  /** Σ |size·Γ| (the scale gamma's relative bound applies to; the sum above can cancel). */
  absGamma: Dec;
  /** Σ size·3e-18/(S·σ√τ): the library's absolute gamma floor, summed over the legs. */
  gammaFloor: Dec;
}

export function bookReference(
  legs: BookLeg[],
  spotWad: bigint,
  sigmaWad: bigint,
  rateWad: bigint,
  now: bigint,
): BookReference {
  let delta = new D(0);
  let gamma = new D(0);
  let grossSize = new D(0);
  let absGamma = new D(0);
  let weighted = new D(0);
  let gammaFloor = new D(0);
  for (const leg of legs) {
    if (leg.expiry <= now) continue;
    const tauSeconds = leg.expiry - now;
    const g = blackScholes({ spotWad, strikeWad: leg.strikeWad, sigmaWad, tauSeconds, rateWad });
    const size = fromWad(leg.sizeWad);
    const sign = leg.isLong ? 1 : -1;
    delta = delta.plus(size.times(leg.isCall ? g.callDelta : g.putDelta).times(sign));
    const legGamma = size.times(g.gamma);
    gamma = gamma.plus(legGamma.times(sign));
    grossSize = grossSize.plus(size);
    absGamma = absGamma.plus(legGamma);
    const discount = fromWad(rateWad).neg().times(new D(tauSeconds.toString()).div(SECONDS_PER_YEAR)).exp();
    weighted = weighted.plus(legGamma.times(discount));
    const volSqrtTau = fromWad(sigmaWad).times(new D(tauSeconds.toString()).div(SECONDS_PER_YEAR).sqrt());
    gammaFloor = gammaFloor.plus(size.times("3e-18").div(fromWad(spotWad).times(volSqrtTau)));
  }
  const discount = absGamma.isZero() ? new D(1) : weighted.div(absGamma);
  return { delta, gamma, grossSize, discount, absGamma, gammaFloor };
}

/** Whalley–Wilmott half-width H = (3/2 · D · λ · S · Γ² / γ)^{1/3}, underlying units. */
export function whalleyWilmott(
  gamma: Dec,
  spot: Dec,
  discount: Dec,
  costBps: number,
  riskAversion: Dec,
): Dec {
  const lambda = new D(costBps).div(10_000);
  return new D(1.5).times(discount).times(lambda).times(spot).times(gamma.pow(2)).div(riskAversion).cbrt();
}
