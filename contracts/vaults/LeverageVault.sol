// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {ERC20} from "solady/src/tokens/ERC20.sol";
import {FixedPointMathLib} from "solady/src/utils/FixedPointMathLib.sol";
import {SafeTransferLib} from "solady/src/utils/SafeTransferLib.sol";

import {RebalanceEngine} from "../core/RebalanceEngine.sol";
import {ILendingAdapter} from "../interfaces/ILendingAdapter.sol";
import {
    ILeverageFlowsModule,
    ILeverageVaultCore,
    ILeverageVaultExt,
    ILeverageVaultFlows,
    LendingInit,
    LeverageConfig
} from "../interfaces/ILeverageVault.sol";
import {EngineParams, EngineSettings, Leg, VaultKind, VenueInit} from "../interfaces/IRebalanceEngine.sol";
import {BPS, WAD} from "../libraries/ConstantsLib.sol";
import {LeverageStrategy} from "../strategies/LeverageStrategy.sol";

/// @title LeverageVault
/// @notice Keeps the underlying (asset 1) supplied on a lending market against borrowed quote (asset
/// 0) at a target leverage — Index Coop's FLI job — through the engine: the vault's core, holding
/// `rebalance()` (lever: borrow, buy, supply; delever: withdraw, sell, repay) and the share token.
/// Its ERC-4626 flows, the ripcord and the flash-loan callback run in `LeverageFlows`, its admin and
/// views in `LeverageVaultExt`, both through the core's `fallback`. Call it with the merged
/// `ILeverageVault` ABI; SPEC §16 describes it.
contract LeverageVault is ILeverageVaultCore, RebalanceEngine, LeverageStrategy, ERC20 {
    using SafeTransferLib for address;
    using FixedPointMathLib for uint256;

    /// @dev The flows module: deposit, redeem, ripcord and the flash-loan callback, DELEGATECALLed.
    address internal immutable FLOWS;

    /// @param ext A `LeverageVaultExt` deployed with this vault's `EngineInit` and lending market.
    /// @param flows A `LeverageFlows` deployed from `ext`; refused unless built for the same vault.
    /// @param params Admin, guardian, staleness limits and settings, checked by the extension.
    /// @param config Target, band, ripcord and LTV cap, checked by the extension.
    /// @param venues The first venue list, checked by the venue module.
    constructor(
        address ext,
        address flows,
        string memory name_,
        string memory symbol_,
        EngineParams memory params,
        LeverageConfig memory config,
        VenueInit memory venues
    ) RebalanceEngine(ext, VaultKind.Leverage) LeverageStrategy(ILeverageVaultExt(ext).lending()) {
        (address table, LendingInit memory lending) = ILeverageFlowsModule(flows).flowsConfig();
        if (table != ASSET_TABLE || lending.adapter != LENDING_ADAPTER || lending.market != LENDING_MARKET)
            revert FlowsMismatch(flows);
        FLOWS = flows;
        _initializeThroughExtension(
            abi.encodeCall(ILeverageVaultExt.initialize, (name_, symbol_, params, config)),
            venues
        );
    }

    /// @dev The flows module's four selectors go to it; the rest as every vault routes them.
    function _fallbackTarget(bytes4 sig) internal view override returns (address) {
        if (
            sig == ILeverageVaultFlows.deposit.selector ||
            sig == ILeverageVaultFlows.redeem.selector ||
            sig == ILeverageVaultFlows.ripcord.selector ||
            sig == ILeverageVaultFlows.executeOperation.selector
        ) return FLOWS;
        return super._fallbackTarget(sig);
    }

    /* ---------------------------------------------------------------- REBALANCE */

    /// @dev A lever borrows what the buy spends plus the keeper's reward, buys, and supplies what it
    /// bought; a delever (sized by the predicate within what the market lets out) withdraws, sells
    /// and repays all but the reward.
    function _tradeLegs(
        Valuation memory before,
        Leg[] memory legs,
        EngineSettings memory s
    ) internal override returns (uint256 traded) {
        Leg memory leg = legs[0]; // two assets: one leg
        traded = leg.valueWad;
        uint256 reserve = FixedPointMathLib.min(
            ((traded * s.rewardBps) / BPS).mulDiv(QUOTE_UNIT, WAD),
            _engine().amounts.maxRewardPerCall
        );
        if (leg.isSell) {
            _withdrawForSale(leg.amountIn);
            _swap(leg, before.prices, s.maxPoolDeviationBps);
            _repayHeldBut(reserve);
        } else {
            uint256 need = leg.amountIn + reserve;
            uint256 held = QUOTE.balanceOf(address(this));
            if (need > held) _lend(ILendingAdapter.borrowCall.selector, QUOTE, need - held);
            _swap(leg, before.prices, s.maxPoolDeviationBps);
            _supplyIdle();
        }
    }

    /* ---------------------------------------------------------------- ERC-20 */

    function name() public view override returns (string memory) {
        return _lv().name;
    }

    function symbol() public view override returns (string memory) {
        return _lv().symbol;
    }
}
