/** Fixed-point scales shared with the contracts (ConstantsLib's WAD and BPS), defined once. */
export const WAD = 10n ** 18n;
export const BPS = 10_000n;
