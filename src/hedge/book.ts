/** A leg of an options book as the contracts see it (OptionLeg in IOptionBook.sol). */
export interface BookLeg {
  isCall: boolean;
  isLong: boolean;
  expiry: bigint; // unix seconds
  strikeWad: bigint;
  sizeWad: bigint; // underlying units
  lnStrikeE36: bigint; // ln K × 1e36 as BlackScholesLib.strike computes it
}

const MASK_128 = (1n << 128n) - 1n;

/** Packs legs in OptionLegLib's format (64 bytes each) as a 0x-hex string. */
export function packLegs(legs: BookLeg[]): string {
  const words = legs.flatMap((leg) => {
    const word0 = (leg.strikeWad << 128n) | leg.sizeWad;
    const flags = (leg.isCall ? 1n : 0n) | (leg.isLong ? 2n : 0n);
    const word1 = ((BigInt.asUintN(128, leg.lnStrikeE36) & MASK_128) << 128n) | (leg.expiry << 64n) | flags;
    return [word0, word1];
  });
  return "0x" + words.map((w) => w.toString(16).padStart(64, "0")).join("");
}

/** The inverse of `packLegs`: a book as OptionBook.packedLegs() returns it (0x-hex). */
export function unpackLegs(packed: string): BookLeg[] {
  const hex = packed.startsWith("0x") ? packed.slice(2) : packed;
  const legs: BookLeg[] = [];
  for (let i = 0; i + 128 <= hex.length; i += 128) {
    const word0 = BigInt(`0x${hex.slice(i, i + 64)}`);
    const word1 = BigInt(`0x${hex.slice(i + 64, i + 128)}`);
    legs.push({
      strikeWad: word0 >> 128n,
      sizeWad: word0 & MASK_128,
      lnStrikeE36: BigInt.asIntN(128, word1 >> 128n),
      expiry: (word1 >> 64n) & ((1n << 40n) - 1n),
      isCall: (word1 & 1n) === 1n,
      isLong: (word1 & 2n) === 2n,
    });
  }
  return legs;
}
