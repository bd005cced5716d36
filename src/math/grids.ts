import { D, type Dec, type LegInput, SECONDS_PER_YEAR, WAD } from "./reference";

/**
 * The evaluation grids the differential tests and the benchmark share, so that the error the
 * tests assert and the gas the benchmark reports come from the same points.
 */

const HOUR = 3_600;
const DAY = 24 * HOUR;

/** A real number as the nearest WAD integer (grid points are chosen in decimal, stored in WAD). */
export function wad(x: number | string): bigint {
  return BigInt(new D(x).times(WAD.toString()).toDecimalPlaces(0).toFixed(0));
}

/** `count` points evenly spaced on [from, to], both ends included. */
export function linspace(from: number, to: number, count: number): Dec[] {
  const step = new D(to).minus(from).div(count - 1);
  return Array.from({ length: count }, (_, i) => new D(from).plus(step.times(i)));
}

/** `count` points evenly spaced in log on [from, to], both ends included. */
export function logspace(from: number, to: number, count: number): Dec[] {
  const a = D.ln(from);
  const step = D.ln(to)
    .minus(a)
    .div(count - 1);
  return Array.from({ length: count }, (_, i) => a.plus(step.times(i)).exp());
}

/** Deterministic pseudo-random stream (mulberry32), so the "random" grid points are reproducible. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Φ grid on [−10, 10]: every 0.01 (2,001 points), 500 seeded random points with all 18 decimals
 * used, and the points where the implementation changes regime (0, ±9 and one wei either side).
 */
export function cdfGrid(): bigint[] {
  const points = linspace(-10, 10, 2001).map((x) => wad(x.toFixed()));
  const random = seededRandom(5666);
  for (let i = 0; i < 500; i++) {
    const whole = BigInt(Math.floor(random() * 20e9)) - 10_000_000_000n; // [−10, 10) in 1e-9 steps
    points.push(whole * 1_000_000_000n + BigInt(Math.floor(random() * 1e9)));
  }
  for (const edge of [0n, 9n * WAD, -9n * WAD]) points.push(edge - 1n, edge, edge + 1n);
  return points;
}

export interface LegGridOptions {
  spots: number[];
  moneyness: Dec[];
  sigmas: number[];
  taus: number[];
  rates: number[];
}

/**
 * The leg grid: S ∈ [1, 1e5], K/S ∈ [0.3, 3], σ ∈ [5%, 300%], τ ∈ [1 hour, 2 years],
 * r ∈ [−10%, 20%]. K/S is log-spaced with extra points at and around the money, where delta moves
 * fastest and where the library switches how it computes ln(S/K).
 */
export const LEG_GRID: LegGridOptions = {
  spots: [1, 3_000, 100_000],
  moneyness: [
    ...logspace(0.3, 3, 13),
    ...[0.9, 0.97, 0.99, 0.999, 1, 1.001, 1.01, 1.03, 1.1].map((m) => new D(m)),
  ],
  sigmas: [0.05, 0.15, 0.4, 1, 2, 3],
  taus: [HOUR, DAY, 7 * DAY, 30 * DAY, 91 * DAY, SECONDS_PER_YEAR, 2 * SECONDS_PER_YEAR],
  rates: [-0.1, 0.2],
};

/**
 * Short-dated, low-volatility legs packed around the money, where d1 = ln(S/K)/(σ√τ) amplifies any
 * error in ln(S/K) the most: the stress case for the 1e-16 bound.
 */
export const NEAR_MONEY_GRID: LegGridOptions = {
  spots: [1, 2_500],
  moneyness: [
    0.9, 0.95, 0.99, 0.995, 0.999, 0.9995, 0.9999, 1, 1.0001, 1.0005, 1.001, 1.005, 1.01, 1.05, 1.1,
  ].map((m) => new D(m)),
  sigmas: [0.05, 0.2, 1],
  taus: [HOUR, 4 * HOUR, DAY],
  rates: [0.04],
};

export function legGrid(options: LegGridOptions): LegInput[] {
  const legs: LegInput[] = [];
  for (const spot of options.spots) {
    const spotWad = wad(spot);
    for (const m of options.moneyness) {
      const strikeWad = wad(new D(spot).times(m).toFixed(18));
      for (const sigma of options.sigmas) {
        for (const tau of options.taus) {
          for (const rate of options.rates) {
            legs.push({
              spotWad,
              strikeWad,
              sigmaWad: wad(sigma),
              tauSeconds: BigInt(tau),
              rateWad: wad(rate),
            });
          }
        }
      }
    }
  }
  return legs;
}

/** The library's documented domain (BlackScholesLib's constants, SPEC §8.2), in WAD and seconds. */
export const DOMAIN = {
  minPriceWad: 10n ** 14n,
  maxPriceWad: 10n ** 30n,
  minSigmaWad: 10n ** 15n,
  maxSigmaWad: 10n ** 19n,
  maxTauSeconds: 10n * BigInt(SECONDS_PER_YEAR),
  maxAbsRateWad: WAD,
} as const;

const clampPrice = (x: bigint) =>
  x < DOMAIN.minPriceWad ? DOMAIN.minPriceWad : x > DOMAIN.maxPriceWad ? DOMAIN.maxPriceWad : x;

/**
 * Seeded random legs over the whole documented domain: S log-uniform on [1e-4, 1e12], σ log-uniform
 * on [0.1%, 1,000%], τ log-uniform on [1 s, 10 y] (one leg in twenty expired, τ = 0), r uniform on
 * [−100%, +100%]. A third of the strikes are log-uniform over the whole price range (mostly deep in or
 * out of the money); the rest put d1 uniform on [−10, 10] — K = S·e^{(r + σ²/2)τ − d1·σ√τ}, clamped to
 * the domain — so the legs where the Greeks are not at their limits, including the forward at the
 * strike with the spot far from it, are most of the sample.
 */
export function domainGrid(count: number, seed = 2026): LegInput[] {
  const random = seededRandom(seed);
  const logUniform = (lo: number, hi: number) => Math.exp(Math.log(lo) + random() * Math.log(hi / lo));
  const legs: LegInput[] = [];
  for (let i = 0; i < count; i++) {
    const spot = new D(logUniform(1e-4, 1e12).toPrecision(15));
    const sigma = new D(logUniform(1e-3, 10).toPrecision(12));
    const tauSeconds = random() < 0.05 ? 0n : BigInt(Math.round(logUniform(1, 10 * SECONDS_PER_YEAR)));
    const rate = new D((random() * 2 - 1).toFixed(12));
    let strike: Dec;
    if (random() < 1 / 3) {
      strike = new D(logUniform(1e-4, 1e12).toPrecision(15));
    } else {
      const tau = new D(tauSeconds.toString()).div(SECONDS_PER_YEAR);
      const d1 = new D((random() * 20 - 10).toFixed(9));
      const exponent = rate
        .plus(sigma.times(sigma).div(2))
        .times(tau)
        .minus(d1.times(sigma).times(tau.sqrt()));
      strike = spot.times(exponent.exp());
    }
    legs.push({
      spotWad: clampPrice(wad(spot.toFixed(18))),
      strikeWad: clampPrice(wad(strike.toDecimalPlaces(18).toFixed(18))),
      sigmaWad: wad(sigma.toFixed()),
      tauSeconds: tauSeconds > DOMAIN.maxTauSeconds ? DOMAIN.maxTauSeconds : tauSeconds,
      rateWad: wad(rate.toFixed()),
    });
  }
  return legs;
}

/**
 * Corners where earlier versions broke their documented bounds, each named for the failure message:
 * the forward at the strike with the spot 6.6% below it and σ√τ = 2.6e-4 (delta 1.4e-15 and vega
 * 5.5e-16 with WAD logarithms); r = −100% over 10 years, where the discounted strike is 22,026·K
 * (prices); and S + K near 1e-4, where whole-wei rounding is all of the error.
 */
export const CORNER_LEGS: { name: string; leg: LegInput }[] = [
  {
    name: "forward at the strike, spot 6.6% below, σ = 0.1%, τ = 24 days, r = +100%",
    leg: {
      spotWad: wad("2221.12"),
      strikeWad: wad("2371.99"),
      sigmaWad: wad("0.001"),
      tauSeconds: 24n * BigInt(DAY),
      rateWad: WAD,
    },
  },
  {
    name: "forward at the strike, spot e^{-10} of it, σ = 0.1%, τ = 10 years, r = +100%",
    leg: {
      spotWad: wad(1),
      strikeWad: wad(new D(10).exp().toFixed(18)),
      sigmaWad: wad("0.001"),
      tauSeconds: 10n * BigInt(SECONDS_PER_YEAR),
      rateWad: WAD,
    },
  },
  {
    name: "forward at the strike, spot above it, σ = 0.1%, τ = 1 year, r = −100%",
    leg: {
      spotWad: wad(3000),
      strikeWad: wad(new D(3000).times(new D(-1).exp()).toFixed(18)),
      sigmaWad: wad("0.001"),
      tauSeconds: BigInt(SECONDS_PER_YEAR),
      rateWad: -WAD,
    },
  },
  {
    name: "r = −100%, τ = 10 years: discounted strike 22,026·K, at the money forward",
    leg: {
      spotWad: wad(2000),
      strikeWad: wad(new D(2000).times(new D(-10).exp()).toFixed(18)),
      sigmaWad: wad("0.2"),
      tauSeconds: 10n * BigInt(SECONDS_PER_YEAR),
      rateWad: -WAD,
    },
  },
  {
    name: "r = −100%, τ = 10 years, spot at the strike",
    leg: {
      spotWad: wad(2000),
      strikeWad: wad(2000),
      sigmaWad: wad("0.5"),
      tauSeconds: 10n * BigInt(SECONDS_PER_YEAR),
      rateWad: -WAD,
    },
  },
  {
    name: "S + K near 1e-4 (both at the domain's lowest price), at the money",
    leg: {
      spotWad: DOMAIN.minPriceWad,
      strikeWad: DOMAIN.minPriceWad + 7n,
      sigmaWad: wad("0.8"),
      tauSeconds: 30n * BigInt(DAY),
      rateWad: wad("0.05"),
    },
  },
  {
    name: "smallest σ√τ of the domain (σ = 0.1%, τ = 1 s), spot one part in 1e7 above the strike",
    leg: {
      spotWad: wad("2000.0002"),
      strikeWad: wad(2000),
      sigmaWad: DOMAIN.minSigmaWad,
      tauSeconds: 1n,
      rateWad: WAD,
    },
  },
];
