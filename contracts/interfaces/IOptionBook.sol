// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// @notice One European option position of a book, as a reader sees it.
struct OptionLeg {
    bool isCall; // call or put
    bool isLong; // long (the book owns it) or short (the book wrote it)
    uint40 expiry; // unix seconds
    uint128 strikeWad; // quote per underlying, WAD
    uint128 sizeWad; // underlying units, WAD, > 0
    int128 lnStrikeE36; // ln(strike) × 1e36 as BlackScholesLib.strike computes it (lnRatioE36, within 1.3e-25)
}

/// @title IOptionBook
/// @notice The options book a delta-hedged vault reads. Ballast's `OptionBook` implements it; an
/// options protocol can instead point the vault at its own book (through an adapter that speaks this
/// interface).
/// @dev The vault reads the book with one STATICCALL per valuation: a book can report positions, it
/// can never move the vault's funds or change state during the read. Gas: the packed form lets the
/// vault decode a leg for ~30 gas instead of ABI-decoding a struct.
interface IOptionBook {
    /// @notice The legs, packed 64 bytes each (OptionLegLib's format), ordered by expiry (ascending),
    /// at most OptionLegLib.MAX_LEGS. Readers must not assume the order for correctness (an
    /// unordered book costs more gas, nothing else).
    function packedLegs() external view returns (bytes memory);

    /// @notice The same legs, ABI-decoded (for off-chain readers).
    function legs() external view returns (OptionLeg[] memory);

    /// @notice How many legs the book holds (expired ones included until pruned).
    function legCount() external view returns (uint256);
}
