// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {RebalanceEngine} from "../core/RebalanceEngine.sol";
import {
    HedgeInit,
    HedgeStatus,
    IDeltaHedgeVaultCore,
    IDeltaHedgeVaultExt
} from "../interfaces/IDeltaHedgeVault.sol";
import {
    EngineParams,
    HEALTHY,
    RebalanceStatus,
    VaultKind,
    VenueInit
} from "../interfaces/IRebalanceEngine.sol";
import {DeltaHedgeStrategy} from "../strategies/DeltaHedgeStrategy.sol";

/// @title DeltaHedgeVault
/// @notice Keeps an options book plus the underlying it holds at a target net delta: the vault's core,
/// holding the hot path (`rebalance()`, `rebalanceStatus()`) and `hedgeStatus()`, which shares its
/// Greeks code. Funding, the book, σ, r and the band run in `DeltaHedgeVaultExt`, through the engine's `fallback`. Call the vault
/// with the merged `IDeltaHedgeVault` ABI; SPEC.md §9 describes it. Asset 0 is the quote asset,
/// asset 1 the underlying.
contract DeltaHedgeVault is IDeltaHedgeVaultCore, RebalanceEngine, DeltaHedgeStrategy {
    /// @param ext A `DeltaHedgeVaultExt` deployed with this vault's `EngineInit` (two assets).
    /// @param params Admin, guardian, staleness limits and settings, checked by the extension.
    /// @param hedge Book, σ, r, target delta and band, checked by the extension.
    /// @param venues The first venue list, checked by the venue module.
    constructor(
        address ext,
        EngineParams memory params,
        HedgeInit memory hedge,
        VenueInit memory venues
    ) RebalanceEngine(ext, VaultKind.DeltaHedge) {
        _initializeThroughExtension(abi.encodeCall(IDeltaHedgeVaultExt.initialize, (params, hedge)), venues);
    }

    /// @inheritdoc IDeltaHedgeVaultCore
    /// @dev Values the book twice (once inside the predicate, once for its own fields); a view only.
    function hedgeStatus() external view returns (HedgeStatus memory out) {
        (RebalanceStatus memory st, Valuation memory v, ) = _assess(false);
        out.reason = st.reason;
        out.targetDeltaWad = _dh().targetDeltaWad;
        // The engine stopped before valuing (inactive, paused, sequencer or oracle): nothing to show.
        if (v.prices.length < 2 || v.prices[1] == 0) return out;
        Hedge memory h = _hedge(v);
        out.sigmaWad = h.sigmaWad;
        out.underlyingWad = h.underlyingWad;
        if (h.reason != HEALTHY) return out;
        out.bookDeltaWad = h.greeks.deltaWad;
        out.bookGammaE36 = h.greeks.gammaE36;
        out.liveLegs = h.greeks.liveLegs;
        out.netDeltaWad = h.offWad + out.targetDeltaWad;
        out.halfWidthWad = h.halfWidthWad;
        out.clipped = h.offWad > 0 && uint256(h.offWad) > h.underlyingWad + h.halfWidthWad;
    }
}
