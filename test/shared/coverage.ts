import fc from "fast-check";
import hre from "hardhat";

/**
 * True while `npm run coverage` runs the suite. solidity-coverage then traces every EVM step of the
 * instrumented build into JavaScript, which makes EVM work 5–30× slower than in `npm test`.
 */
export const UNDER_COVERAGE = Boolean(
  (hre as unknown as { __SOLIDITY_COVERAGE_RUNNING?: boolean }).__SOLIDITY_COVERAGE_RUNNING,
);

// Under coverage the property tests draw from one fixed seed (COVERAGE_SEED to try another), so the
// figure CI holds to its floor is the same on every run; `npm test` keeps fresh seeds.
if (UNDER_COVERAGE) fc.configureGlobal({ seed: Number(process.env.COVERAGE_SEED ?? 1) });

/**
 * A sample count (property runs, random states): `full` in `npm test`, `coverage` under
 * `npm run coverage`, where each path needs to run once rather than the full sample; an explicit
 * environment variable (`env`, when set) wins over both. The precision and property claims are
 * `npm test`'s, at the full count.
 */
export function sampleSize(env: string | undefined, full: number, coverage: number): number {
  if (env !== undefined && env !== "") return Number(env);
  return UNDER_COVERAGE ? coverage : full;
}

/** Every `every`-th element of a reference grid under coverage; the whole grid otherwise. */
export function thinned<T>(grid: readonly T[], every: number): T[] {
  return UNDER_COVERAGE ? grid.filter((_, i) => i % every === 0) : [...grid];
}
