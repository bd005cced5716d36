// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {RebalanceEngine} from "../core/RebalanceEngine.sol";
import {
    HedgeInit,
    HedgeStatus,
    IDeltaHedgeVaultCore,
    IDeltaHedgeVaultExt
} from "../interfaces/IDeltaHedgeVault.sol";
import {EngineParams, VaultKind, VenueInit} from "../interfaces/IRebalanceEngine.sol";
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
    function hedgeStatus() external view returns (HedgeStatus memory) {
        return _hedgeStatus();
    }
}
