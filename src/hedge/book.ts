/** A leg of an options book as the contracts see it (OptionLeg in IOptionBook.sol). */
export interface BookLeg {
  isCall: boolean;
  isLong: boolean;
  expiry: bigint; // unix seconds
  strikeWad: bigint;
  sizeWad: bigint; // underlying units
  lnStrikeWad: bigint; // ln K as Solady's lnWad computes it
}

const MASK_128 = (1n << 128n) - 1n;

/** Packs legs in OptionLegLib's format (64 bytes each) as a 0x-hex string. */
export function packLegs(legs: BookLeg[]): string {
  const words = legs.flatMap((leg) => {
    const word0 = (leg.strikeWad << 128n) | leg.sizeWad;
    const flags = (leg.isCall ? 1n : 0n) | (leg.isLong ? 2n : 0n);
    const word1 = ((BigInt.asUintN(128, leg.lnStrikeWad) & MASK_128) << 128n) | (leg.expiry << 64n) | flags;
    return [word0, word1];
  });
  return "0x" + words.map((w) => w.toString(16).padStart(64, "0")).join("");
}
