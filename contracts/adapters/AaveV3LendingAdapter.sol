// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {FixedPointMathLib} from "solady/src/utils/FixedPointMathLib.sol";

import {AaveReserveData, IAaveV3PoolMinimal} from "../interfaces/external/IAaveV3.sol";
import {ILendingAdapter, LendingTerms} from "../interfaces/ILendingAdapter.sol";
import {ConstantsLib} from "../libraries/ConstantsLib.sol";

interface IERC20Supply {
    function balanceOf(address account) external view returns (uint256);
    function totalSupply() external view returns (uint256);
}

/// @title AaveV3LendingAdapter
/// @notice Aave V3 pools (any version from 3.0): the market is the Pool itself, which every call
/// goes to; debt is always at the variable rate (stable borrowing is off on every V3 market).
contract AaveV3LendingAdapter is ILendingAdapter {
    /// @dev Aave's variable interest rate mode.
    uint256 internal constant VARIABLE_RATE = 2;
    uint256 internal constant RAY = 1e27;
    /// @dev `getReserveData`'s answer: fifteen static words.
    uint256 private constant RESERVE_DATA_BYTES = 15 * 32;

    // The reserve configuration bitmap (Aave V3's ReserveConfiguration): field offsets and flags.
    uint256 private constant LIQUIDATION_THRESHOLD_SHIFT = 16;
    uint256 private constant LIQUIDATION_BONUS_SHIFT = 32;
    uint256 private constant DECIMALS_SHIFT = 48;
    uint256 private constant ACTIVE_BIT = 56;
    uint256 private constant FROZEN_BIT = 57;
    uint256 private constant BORROWING_BIT = 58;
    uint256 private constant PAUSED_BIT = 60;
    uint256 private constant BORROW_CAP_SHIFT = 80;
    uint256 private constant SUPPLY_CAP_SHIFT = 116;
    uint256 private constant CAP_MASK = (1 << 36) - 1;

    /// @inheritdoc ILendingAdapter
    function callTarget(address market) external pure returns (address) {
        return market;
    }

    /// @inheritdoc ILendingAdapter
    /// @dev Listed: the pool answers `getReserveData` with an aToken for the asset. An address that is
    /// not a pool fails the call, and that failure is reported the same way.
    function checkMarket(address market, address asset) external view {
        if (_reserve(market, asset).aTokenAddress == address(0)) revert NotALendingMarket(market, asset);
    }

    /// @inheritdoc ILendingAdapter
    /// @dev The aToken's and the variable debt token's balances, which accrue to the current block.
    function position(
        address market,
        address collateralAsset,
        address debtAsset,
        address account
    ) external view returns (uint256 collateral, uint256 debt) {
        collateral = IERC20Supply(_listed(market, collateralAsset).aTokenAddress).balanceOf(account);
        debt = IERC20Supply(_listed(market, debtAsset).variableDebtTokenAddress).balanceOf(account);
    }

    /// @inheritdoc ILendingAdapter
    /// @dev The supplied total behind the supply cap counts the treasury's accrued share at the
    /// reserve's last index, as Aave's own check does up to this block's accrual on that share.
    function terms(address market, address asset) external view returns (LendingTerms memory t) {
        AaveReserveData memory r = _listed(market, asset);
        uint256 c = r.configuration;
        t.ltvBps = c & 0xffff;
        t.liquidationThresholdBps = (c >> LIQUIDATION_THRESHOLD_SHIFT) & 0xffff;
        t.liquidationBonusBps = (c >> LIQUIDATION_BONUS_SHIFT) & 0xffff;
        bool open = _bit(c, ACTIVE_BIT) && !_bit(c, PAUSED_BIT);
        t.canUnwind = open;
        t.canSupply = open && !_bit(c, FROZEN_BIT);
        t.canBorrow = t.canSupply && _bit(c, BORROWING_BIT);
        uint256 unit = ConstantsLib.unit((c >> DECIMALS_SHIFT) & 0xff);

        uint256 supplyCap = (c >> SUPPLY_CAP_SHIFT) & CAP_MASK;
        if (supplyCap == 0) {
            t.supplyRoom = type(uint256).max;
        } else {
            uint256 supplied =
                IERC20Supply(r.aTokenAddress).totalSupply() +
                    FixedPointMathLib.mulDiv(r.accruedToTreasury, r.liquidityIndex, RAY);
            t.supplyRoom = _room(supplyCap * unit, supplied);
        }
        uint256 cash = IERC20Supply(asset).balanceOf(r.aTokenAddress);
        uint256 borrowCap = (c >> BORROW_CAP_SHIFT) & CAP_MASK;
        if (borrowCap == 0) {
            t.borrowRoom = cash;
        } else {
            uint256 owed =
                IERC20Supply(r.variableDebtTokenAddress).totalSupply() +
                    IERC20Supply(r.stableDebtTokenAddress).totalSupply();
            t.borrowRoom = FixedPointMathLib.min(_room(borrowCap * unit, owed), cash);
        }
        t.borrowRateRay = r.currentVariableBorrowRate;
    }

    /// @inheritdoc ILendingAdapter
    function supplyCall(
        address market,
        address asset,
        uint256 amount,
        address account
    ) external pure returns (address, uint256, bytes memory) {
        return (market, 0, abi.encodeCall(IAaveV3PoolMinimal.supply, (asset, amount, account, 0)));
    }

    /// @inheritdoc ILendingAdapter
    function withdrawCall(
        address market,
        address asset,
        uint256 amount,
        address account
    ) external pure returns (address, uint256, bytes memory) {
        return (market, 0, abi.encodeCall(IAaveV3PoolMinimal.withdraw, (asset, amount, account)));
    }

    /// @inheritdoc ILendingAdapter
    function borrowCall(
        address market,
        address asset,
        uint256 amount,
        address account
    ) external pure returns (address, uint256, bytes memory) {
        return (
            market,
            0,
            abi.encodeCall(IAaveV3PoolMinimal.borrow, (asset, amount, VARIABLE_RATE, 0, account))
        );
    }

    /// @inheritdoc ILendingAdapter
    function repayCall(
        address market,
        address asset,
        uint256 amount,
        address account
    ) external pure returns (address, uint256, bytes memory) {
        return (market, 0, abi.encodeCall(IAaveV3PoolMinimal.repay, (asset, amount, VARIABLE_RATE, account)));
    }

    /// @inheritdoc ILendingAdapter
    function flashLoanCall(
        address market,
        address asset,
        uint256 amount,
        address receiver
    ) external pure returns (address, uint256, bytes memory) {
        return (
            market,
            0,
            abi.encodeCall(IAaveV3PoolMinimal.flashLoanSimple, (receiver, asset, amount, "", 0))
        );
    }

    /// @inheritdoc ILendingAdapter
    /// @dev Aave's premium: `amount · FLASHLOAN_PREMIUM_TOTAL / 10,000`, rounded half up (its
    /// `percentMul`); one unit more here, so the vault never plans on less than the pool takes.
    function flashLoanFee(address market, uint256 amount) external view returns (uint256) {
        uint256 premiumBps = IAaveV3PoolMinimal(market).FLASHLOAN_PREMIUM_TOTAL();
        return (amount * premiumBps) / 10_000 + 1;
    }

    /// @dev The pool's reserve data for `asset`; all zero when `market` does not answer as a pool (no
    /// code, a revert, or a shorter answer than the 15-word struct).
    function _reserve(address market, address asset) private view returns (AaveReserveData memory r) {
        (bool ok, bytes memory ret) = market.staticcall(
            abi.encodeCall(IAaveV3PoolMinimal.getReserveData, (asset))
        );
        if (ok && ret.length >= RESERVE_DATA_BYTES) r = abi.decode(ret, (AaveReserveData));
    }

    function _listed(address market, address asset) private view returns (AaveReserveData memory r) {
        r = _reserve(market, asset);
        if (r.aTokenAddress == address(0)) revert NotALendingMarket(market, asset);
    }

    function _bit(uint256 word, uint256 bit) private pure returns (bool) {
        return (word >> bit) & 1 == 1;
    }

    function _room(uint256 cap, uint256 used) private pure returns (uint256) {
        return cap > used ? cap - used : 0;
    }
}
