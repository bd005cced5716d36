// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {RebalanceEngine} from "../core/RebalanceEngine.sol";
import {
    HedgeInit,
    IDeltaHedgeLendingModule,
    IDeltaHedgeLendingVaultExt
} from "../interfaces/IDeltaHedgeVault.sol";
import {LendingInit} from "../interfaces/ILendingAdapter.sol";
import {EngineParams, EngineSettings, Leg, VaultKind, VenueInit} from "../interfaces/IRebalanceEngine.sol";
import {DeltaHedgeLendingStrategy} from "../strategies/DeltaHedgeLendingStrategy.sol";

/// @title DeltaHedgeLendingVault
/// @notice A delta-hedged vault that can go short: the `DeltaHedgeVault` job, plus a lending market
/// on which it supplies its quote asset (asset 0) and borrows the underlying (asset 1) to sell when
/// the book needs negative underlying (long calls, short puts), buying it back and repaying as the
/// need falls. The vault's core: `rebalance()` and `rebalanceStatus()`, with the predicate, the
/// valuation and the post-condition. Its trades with their lending steps and `hedgeStatus()` run in
/// `DeltaHedgeLendingModule`, its admin, funding and lending views in `DeltaHedgeLendingVaultExt`,
/// both by DELEGATECALL. Call it with the merged `IDeltaHedgeLendingVault` ABI; it reports
/// `VaultKind.DeltaHedge`. SPEC §9.6 describes it.
contract DeltaHedgeLendingVault is RebalanceEngine, DeltaHedgeLendingStrategy {
    /// @dev The module: a rebalance's trades and lending steps, and `hedgeStatus()`.
    address internal immutable MODULE;

    /// @param ext A `DeltaHedgeLendingVaultExt` deployed with this vault's `EngineInit` and market.
    /// @param module A `DeltaHedgeLendingModule` deployed from `ext`; refused unless built for it.
    /// @param params Admin, guardian, staleness limits and settings, checked by the extension.
    /// @param hedge Book, σ, r, target delta and band, checked by the extension.
    /// @param maxLtvBps The LTV cap a short may not pass, checked by the extension against the market.
    /// @param venues The first venue list, checked by the venue module.
    constructor(
        address ext,
        address module,
        EngineParams memory params,
        HedgeInit memory hedge,
        uint16 maxLtvBps,
        VenueInit memory venues
    )
        RebalanceEngine(ext, VaultKind.DeltaHedge)
        DeltaHedgeLendingStrategy(IDeltaHedgeLendingVaultExt(ext).lending())
    {
        (address table, LendingInit memory lending) = IDeltaHedgeLendingModule(module).moduleConfig();
        if (table != ASSET_TABLE || lending.adapter != LENDING_ADAPTER || lending.market != LENDING_MARKET)
            revert IDeltaHedgeLendingVaultExt.LendingModuleMismatch(module);
        MODULE = module;
        _initializeThroughExtension(
            abi.encodeCall(IDeltaHedgeLendingVaultExt.initializeLending, (params, hedge, maxLtvBps)),
            venues
        );
    }

    /// @dev `hedgeStatus()` goes to the module; the rest as every vault routes them.
    function _fallbackTarget(bytes4 sig) internal view override returns (address) {
        if (sig == IDeltaHedgeLendingModule.hedgeStatus.selector) return MODULE;
        return super._fallbackTarget(sig);
    }

    /// @dev The module runs the leg with its lending steps on this vault's storage and balances.
    function _tradeLegs(
        Valuation memory before,
        Leg[] memory legs,
        EngineSettings memory s
    ) internal override returns (uint256) {
        bytes memory ret = _delegate(
            MODULE,
            abi.encodeCall(
                IDeltaHedgeLendingModule.tradeLegs,
                (legs, before.prices, before.values[0], before.debtWad, s.rewardBps, s.maxPoolDeviationBps)
            )
        );
        return abi.decode(ret, (uint256));
    }
}
