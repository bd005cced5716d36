// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC4626} from "@openzeppelin/contracts/interfaces/IERC4626.sol";
import {ERC20} from "solady/src/tokens/ERC20.sol";
import {FixedPointMathLib} from "solady/src/utils/FixedPointMathLib.sol";
import {SafeTransferLib} from "solady/src/utils/SafeTransferLib.sol";

import {EngineBase, Rounding} from "../core/EngineBase.sol";
import {IBallastErrors} from "../interfaces/IBallastErrors.sol";
import {ILendingAdapter, LendingTerms} from "../interfaces/ILendingAdapter.sol";
import {
    ILeverageFlowsModule,
    ILeverageVaultCore,
    ILeverageVaultExt,
    ILeverageVaultFlows,
    LendingInit,
    LeverageConfig
} from "../interfaces/ILeverageVault.sol";
import {EngineSettings, IRebalanceEngineExt, Leg, Reason} from "../interfaces/IRebalanceEngine.sol";
import {BPS, ConstantsLib, WAD} from "../libraries/ConstantsLib.sol";
import {LeverageLib} from "../libraries/LeverageLib.sol";
import {LeverageStrategy} from "../strategies/LeverageStrategy.sol";

/// @title LeverageFlows
/// @notice A leverage vault's ERC-4626 flows in the underlying, its ripcord and the lending market's
/// flash-loan callback. Deployed once per vault from the vault's extension (so its immutables are the
/// vault's) and reached only by DELEGATECALL from the vault's core: it runs on the vault's storage and
/// balances with the caller's `msg.sender`. Called directly it refuses (NotDelegated).
/// @dev Its own module rather than the core, which the lending code would push past the 4,096-byte
/// headroom under EIP-170: a flow pays one DELEGATECALL more (≈ 2,700 gas), the hot `rebalance()` none.
contract LeverageFlows is ILeverageFlowsModule, LeverageStrategy, ERC20 {
    using SafeTransferLib for address;
    using FixedPointMathLib for uint256;

    /// @dev Transient slots of a repay-first delever in flight: the flag the flash-loan callback
    /// requires, then the sale it runs (amount in, minimum out, oracle value, price, deviation bound).
    bytes32 private constant FLASH_SLOT = keccak256("ballast.leverage.flash");

    address private immutable SELF;
    /// @dev Virtual shares against the donation attack: shares have 18 decimals, 10^(18 − quote
    /// decimals) of them per quote unit of equity at the start.
    uint256 private immutable VIRTUAL_SHARES;

    /// @param ext The vault's `LeverageVaultExt`: this module takes its immutables and market.
    constructor(
        address ext
    )
        EngineBase(IRebalanceEngineExt(ext).extensionImmutables())
        LeverageStrategy(ILeverageVaultExt(ext).lending())
    {
        SELF = address(this);
        uint8 quoteDecimals = _assetConfigs()[0].decimals;
        VIRTUAL_SHARES = 10 ** (quoteDecimals < 18 ? 18 - quoteDecimals : 0);
    }

    modifier delegated() {
        if (address(this) == SELF) revert IBallastErrors.NotDelegated();
        _;
    }

    /// @inheritdoc ILeverageFlowsModule
    function flowsConfig() external view returns (address, LendingInit memory) {
        return (ASSET_TABLE, LendingInit(LENDING_ADAPTER, LENDING_MARKET));
    }

    /* ---------------------------------------------------------------- FLOWS */

    /// @inheritdoc ILeverageVaultFlows
    function deposit(
        uint256 assets,
        address receiver
    ) external delegated nonReentrant returns (uint256 shares) {
        if (!_depositsOpen()) revert IBallastErrors.DepositMoreThanMax();
        if (assets == 0) revert IBallastErrors.ZeroAmount();
        if (receiver == address(0)) revert IBallastErrors.ZeroAddress();
        Valuation memory v = _valuationOrRevert(Rounding.Up);
        uint256 supply = _virtualSupply();
        UNDERLYING.safeTransferFrom(msg.sender, address(this), assets);
        uint256 unit = _unitOf(v, 1);
        uint256 price = v.prices[1];
        uint256 creditWad = assets.mulDiv(price, unit);
        // Lever the deposit to the vault's leverage: borrow its share of the net debt and buy with it.
        uint256 borrow = v.nav == 0 ? 0 : creditWad.mulDiv(_netDebtWad(v), v.nav).mulDiv(QUOTE_UNIT, WAD);
        // Supplied first, so the market lends against it.
        _supplyIdle();
        if (borrow != 0) {
            Leg memory leg = _legOf(1, false, borrow, unit, price, _engine().settings.maxSlippageBps);
            _lend(ILendingAdapter.borrowCall.selector, QUOTE, borrow);
            uint256 out = _swap(leg, v.prices, ConstantsLib.NO_DEVIATION_GATE);
            // What the buy brought, at the lower of its oracle value and its cost; less the debt taken.
            uint256 boughtWad = FixedPointMathLib.min(out.mulDiv(price, unit), leg.valueWad);
            creditWad = _sub0(creditWad + boughtWad, borrow.mulDivUp(WAD, QUOTE_UNIT));
            _supplyIdle();
        }
        shares = creditWad.mulDiv(QUOTE_UNIT, WAD).mulDiv(supply, v.nav.mulDivUp(QUOTE_UNIT, WAD) + 1);
        if (shares == 0) revert IBallastErrors.ZeroAmount();
        _mint(receiver, shares);
        emit IERC4626.Deposit(msg.sender, receiver, assets, shares);
    }

    /// @inheritdoc ILeverageVaultFlows
    function redeem(
        uint256 shares,
        address receiver,
        address owner_
    ) external delegated nonReentrant returns (uint256 assets) {
        if (shares == 0) revert IBallastErrors.ZeroAmount();
        if (receiver == address(0)) revert IBallastErrors.ZeroAddress();
        if (shares > balanceOf(owner_)) revert IBallastErrors.RedeemMoreThanMax();
        Valuation memory v = _valuationOrRevert(Rounding.Down);
        uint256 supply = _virtualSupply();
        if (msg.sender != owner_) _spendAllowance(owner_, msg.sender, shares);
        _burn(owner_, shares);
        uint256 unit = _unitOf(v, 1);
        uint256 price = v.prices[1];
        // The slice: of the collateral rounded down, of the net debt rounded up.
        assets = v.balances[1].mulDiv(shares, supply);
        uint256 debt = _netDebtWad(v).mulDivUp(QUOTE_UNIT, WAD).mulDivUp(shares, supply);
        if (debt != 0) {
            uint256 slippageBps = _engine().settings.maxSlippageBps;
            // Sell enough that even at the leg's minimum output the slice's debt is repaid.
            uint256 sell = debt.mulDivUp(WAD * unit * BPS, QUOTE_UNIT * price * (BPS - slippageBps));
            sell = FixedPointMathLib.min(sell, assets);
            Leg memory leg = _legOf(1, true, sell, unit, price, slippageBps);
            (uint256 proceeds, ) = _delever(v, leg, 0, ConstantsLib.NO_DEVIATION_GATE);
            // Only a sale capped at the whole slice can fall short (its minimum output covers the debt).
            if (proceeds < debt) revert ILeverageVaultCore.RedemptionShortOfDebt(debt, proceeds);
            assets -= sell;
            // The sale's excess over the slice's debt repaid more than the slice owed: paid back in
            // the underlying at the oracle price, rounded down.
            if (proceeds > debt) assets += (proceeds - debt).mulDiv(WAD * unit, QUOTE_UNIT * price);
        }
        _withdrawForSale(assets);
        UNDERLYING.safeTransfer(receiver, assets);
        emit IERC4626.Withdraw(msg.sender, receiver, owner_, assets, shares);
    }

    /* ---------------------------------------------------------------- RIPCORD */

    /// @inheritdoc ILeverageVaultFlows
    function ripcord() external delegated nonReentrant returns (uint256 reward) {
        if (!_engine().state.active) revert IBallastErrors.RebalanceNotDue(Reason.NotActive, 0);
        Valuation memory v = _valuationOrRevert(Rounding.Down);
        LeverageConfig memory c = _lv().config;
        uint256 lev = _leverageWad(v);
        if (lev < c.ripcordWad) revert ILeverageVaultCore.RipcordNotDue(lev, c.ripcordWad);
        EngineSettings memory s = _engine().settings;
        uint256 sellWad = FixedPointMathLib.min(
            LeverageLib.leverDown(v.values[1], _netDebtWad(v), c.targetWad, _costBps(v)),
            (v.nav * s.maxTradeBps) / BPS
        );
        uint256 unit = _unitOf(v, 1);
        Leg memory leg = _legOf(
            1,
            true,
            sellWad.mulDiv(unit, v.prices[1]),
            unit,
            v.prices[1],
            s.maxSlippageBps
        );
        uint256 reserve = FixedPointMathLib.min(
            ((leg.valueWad * c.ripcordRewardBps) / BPS).mulDiv(QUOTE_UNIT, WAD),
            c.maxRipcordReward
        );
        (, uint256 fee) = _delever(v, leg, reserve, s.maxPoolDeviationBps);

        Valuation memory afterwards = _revalue(v);
        uint256 levAfter = _leverageWad(afterwards);
        if (levAfter >= lev) revert ILeverageVaultCore.LeverageNotReduced(lev, levAfter);
        uint256 loss = _sub0(v.nav, afterwards.nav);
        uint256 bound = (leg.valueWad * s.maxSlippageBps) / BPS + fee.mulDivUp(WAD, QUOTE_UNIT);
        if (loss > bound) revert IBallastErrors.NavLossExceeded(loss, bound);
        reward = FixedPointMathLib.min(reserve, QUOTE.balanceOf(address(this)));
        if (reward != 0) QUOTE.safeTransfer(msg.sender, reward);
        emit ILeverageVaultCore.Ripcorded(msg.sender, lev, levAfter, leg.amountIn, reward);
        emit ILeverageVaultCore.Releveraged(
            lev,
            levAfter,
            afterwards.balances[1],
            _netDebtWad(afterwards).mulDivUp(QUOTE_UNIT, WAD)
        );
    }

    /// @inheritdoc ILeverageVaultFlows
    function executeOperation(
        address asset,
        uint256 amount,
        uint256,
        address initiator,
        bytes calldata
    ) external delegated returns (bool) {
        uint256 flag;
        bytes32 slot = FLASH_SLOT;
        assembly ("memory-safe") {
            flag := tload(slot)
        }
        if (msg.sender != LENDING_TARGET || initiator != address(this) || flag != 1 || asset != QUOTE)
            revert IBallastErrors.UnexpectedCallback(msg.sender);
        Leg memory leg;
        uint256[] memory prices = new uint256[](2);
        uint256 maxDeviationBps;
        assembly ("memory-safe") {
            tstore(slot, 2) // once per loan
            mstore(add(leg, 0x40), tload(add(slot, 1))) // amountIn
            mstore(add(leg, 0x60), tload(add(slot, 2))) // minAmountOut
            mstore(add(leg, 0x80), tload(add(slot, 3))) // valueWad
            mstore(add(prices, 0x40), tload(add(slot, 4)))
            maxDeviationBps := tload(add(slot, 5))
        }
        (leg.asset, leg.isSell, prices[0]) = (1, true, WAD);
        // Repay first, then the collateral can come out; the sale pays the loan back.
        _lend(ILendingAdapter.repayCall.selector, QUOTE, amount);
        _withdrawForSale(leg.amountIn);
        _swap(leg, prices, maxDeviationBps);
        return true;
    }

    /* ---------------------------------------------------------------- DELEVER */

    /// @dev Sells `leg` (the underlying) and repays with all the quote held but `reserve`.
    /// Withdraw-first when the market lets the sale's collateral out with the margin to spare;
    /// otherwise repay-first, with a flash loan of the sale's minimum output less the loan's fee,
    /// which the sale pays back inside the loan. Returns the sale's proceeds and the fee paid.
    function _delever(
        Valuation memory v,
        Leg memory leg,
        uint256 reserve,
        uint256 maxDeviationBps
    ) private returns (uint256 proceeds, uint256 fee) {
        LendingTerms memory u = _terms(UNDERLYING);
        if (!u.canUnwind) revert IBallastErrors.RebalanceNotDue(Reason.LendingUnavailable, 1);
        if (leg.valueWad <= _withdrawableWad(v, u)) {
            _withdrawForSale(leg.amountIn);
            proceeds = _swap(leg, v.prices, maxDeviationBps);
        } else {
            uint256 quoteBefore = QUOTE.balanceOf(address(this));
            fee = ILendingAdapter(LENDING_ADAPTER).flashLoanFee(LENDING_MARKET, leg.minAmountOut);
            uint256 loan = _sub0(leg.minAmountOut, fee);
            bytes32 slot = FLASH_SLOT;
            uint256 price = v.prices[1];
            assembly ("memory-safe") {
                tstore(slot, 1)
                tstore(add(slot, 1), mload(add(leg, 0x40)))
                tstore(add(slot, 2), mload(add(leg, 0x60)))
                tstore(add(slot, 3), mload(add(leg, 0x80)))
                tstore(add(slot, 4), price)
                tstore(add(slot, 5), maxDeviationBps)
            }
            _lend(ILendingAdapter.flashLoanCall.selector, QUOTE, loan);
            uint256 flag;
            assembly ("memory-safe") {
                flag := tload(slot)
                tstore(slot, 0)
            }
            // The market must have called back (a market that skips the callback sold nothing).
            if (flag != 2) revert IBallastErrors.UnexpectedCallback(LENDING_TARGET);
            // What the sale brought: the loan repaid debt, then went back out with its fee.
            proceeds = QUOTE.balanceOf(address(this)) + loan + fee - quoteBefore;
        }
        _repayHeldBut(reserve);
    }

    /* ---------------------------------------------------------------- ERC-20 */

    function _virtualSupply() private view returns (uint256) {
        return totalSupply() + VIRTUAL_SHARES;
    }

    /// @dev The vault's core answers these; the module only needs ERC20's internal bookkeeping.
    function name() public view override returns (string memory) {
        return _lv().name;
    }

    function symbol() public view override returns (string memory) {
        return _lv().symbol;
    }
}
