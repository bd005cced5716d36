// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {EngineExtension} from "../core/EngineExtension.sol";
import {Rounding} from "../core/EngineBase.sol";
import {IBallastErrors} from "../interfaces/IBallastErrors.sol";
import {EngineInit, EngineParams, IRebalanceEngineExt, VaultKind} from "../interfaces/IRebalanceEngine.sol";
import {ITargetWeightVaultExt, WeightInit} from "../interfaces/ITargetWeightVault.sol";
import {ConstantsLib} from "../libraries/ConstantsLib.sol";
import {TargetWeightStorage, TargetWeightStrategy} from "../strategies/TargetWeightStrategy.sol";

/// @title TargetWeightVaultExt
/// @notice The cold half of a `TargetWeightVault`: the engine's admin and views, plus targets (propose,
/// cancel, apply after the delay), bands and the weight views. Reached only through the vault's
/// `fallback` (DELEGATECALL); deploy one per vault, before the vault.
contract TargetWeightVaultExt is ITargetWeightVaultExt, EngineExtension, TargetWeightStrategy {
    /// @dev Delay between proposing and applying targets.
    uint256 private immutable TARGET_DELAY_SECONDS;

    /// @param init The vault's assets, router and sequencer feed (its immutables).
    /// @param delaySeconds Delay before proposed targets can apply, in [1 hour, 30 days].
    constructor(EngineInit memory init, uint256 delaySeconds) EngineExtension(init) {
        ConstantsLib.checkBound(
            "targetDelaySeconds",
            delaySeconds,
            ConstantsLib.MIN_TARGET_DELAY_SECONDS,
            ConstantsLib.MAX_TARGET_DELAY_SECONDS
        );
        TARGET_DELAY_SECONDS = delaySeconds;
    }

    /* ---------------------------------------------------------------- CONSTRUCTION */

    /// @inheritdoc ITargetWeightVaultExt
    function initialize(
        string calldata name_,
        string calldata symbol_,
        EngineParams calldata params,
        WeightInit calldata weights
    ) external onlyInitializing {
        _initializeEngine(params);
        TargetWeightStorage storage $ = _tw();
        $.name = name_;
        $.symbol = symbol_;
        _setTargets(_checkTargets(weights.targetBps));
        _setBands(weights.absBandBps, weights.relBandBps);
    }

    /* ---------------------------------------------------------------- PERMISSIONLESS */

    /// @inheritdoc ITargetWeightVaultExt
    function applyTargets() external {
        TargetWeightStorage storage $ = _tw();
        uint256 eta = $.pendingTargetsEta;
        if (eta == 0 || block.timestamp < eta) revert IBallastErrors.TargetsNotReady(eta);
        uint16[] memory t = _toArray($.pendingTargetBps);
        delete $.pendingTargetBps;
        $.pendingTargetsEta = 0;
        _setTargets(t);
    }

    /* ---------------------------------------------------------------- ONLY ADMIN */

    /// @inheritdoc ITargetWeightVaultExt
    function proposeTargets(uint16[] calldata targetBps) external onlyOwner {
        uint16[] memory t = _checkTargets(targetBps);
        TargetWeightStorage storage $ = _tw();
        for (uint256 i; i < t.length; ++i) {
            $.pendingTargetBps[i] = t[i];
        }
        uint256 eta = block.timestamp + TARGET_DELAY_SECONDS;
        $.pendingTargetsEta = uint40(eta);
        emit TargetsProposed(t, eta);
    }

    /// @inheritdoc ITargetWeightVaultExt
    function cancelTargets() external onlyOwner {
        TargetWeightStorage storage $ = _tw();
        delete $.pendingTargetBps;
        $.pendingTargetsEta = 0;
        emit TargetsCancelled();
    }

    /// @inheritdoc ITargetWeightVaultExt
    function setBands(uint16[] calldata absBandBps, uint16[] calldata relBandBps) external onlyOwner {
        _setBands(absBandBps, relBandBps);
    }

    /* ---------------------------------------------------------------- VIEWS */

    /// @inheritdoc IRebalanceEngineExt
    function vaultKind() external pure returns (VaultKind) {
        return VaultKind.TargetWeight;
    }

    /// @inheritdoc ITargetWeightVaultExt
    function targets()
        external
        view
        returns (uint16[] memory targetBps, uint16[] memory absBandBps, uint16[] memory relBandBps)
    {
        TargetWeightStorage storage $ = _tw();
        return (_toArray($.targetBps), _toArray($.absBandBps), _toArray($.relBandBps));
    }

    /// @inheritdoc ITargetWeightVaultExt
    function pendingTargets() external view returns (uint16[] memory targetBps, uint256 eta) {
        TargetWeightStorage storage $ = _tw();
        return (_toArray($.pendingTargetBps), $.pendingTargetsEta);
    }

    /// @inheritdoc ITargetWeightVaultExt
    function weightsWad() external view returns (uint256[] memory weights, uint256 navWad) {
        Valuation memory v = _valuationOrRevert(Rounding.Down);
        return (_weights(v), v.nav);
    }

    /// @inheritdoc ITargetWeightVaultExt
    function targetDelaySeconds() external view returns (uint256) {
        return TARGET_DELAY_SECONDS;
    }
}
