// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// @notice What a lending market allows on one reserve now, as the vault's planning and its bounds
/// read it. Raw token units; risk parameters in bps.
struct LendingTerms {
    // Share of this asset's collateral value that may be borrowed against.
    uint256 ltvBps;
    // Share of this asset's collateral value at which a position becomes liquidatable.
    uint256 liquidationThresholdBps;
    // What a liquidator receives over the debt it repays, bps of that debt (10,500: 5 % more).
    uint256 liquidationBonusBps;
    // The reserve takes supply now: listed, active, not frozen, not paused.
    bool canSupply;
    // The reserve lends now: as `canSupply`, and borrowing enabled.
    bool canBorrow;
    // Withdrawals and repayments go through now: listed, active, not paused (a frozen reserve still
    // lets positions unwind).
    bool canUnwind;
    // How much more may be supplied under the supply cap (type(uint256).max without a cap).
    uint256 supplyRoom;
    // How much may be borrowed now: the lesser of the borrow cap's room and the cash the reserve holds.
    uint256 borrowRoom;
    // The variable borrow rate, per year, in rays (1e27 = 100 %).
    uint256 borrowRateRay;
}

/// @notice The lending market a vault with a lending leg uses, fixed for its life: its extension's
/// constructor takes it and checks that the market lists both assets.
struct LendingInit {
    address adapter; // an ILendingAdapter for the market's kind
    address market; // the market as the adapter names it (Aave V3: the Pool)
}

/// @title ILendingLeg
/// @notice The errors every vault with a lending leg (the leverage vault, the delta-hedged vault with
/// a lending market) shares.
interface ILendingLeg {
    /// @notice A rebalance, lever or deposit would leave debt at `ltvBps` of collateral, above
    /// `maxLtvBps`, and higher than it found it.
    error LoanToValueExceeded(uint256 ltvBps, uint256 maxLtvBps);
    /// @notice The lending adapter built a call to `target` (with `value`), not to the market's call
    /// target: refused.
    error LendingCallRefused(address target, uint256 value);
}

/// @title ILendingAdapter
/// @notice How a Ballast vault uses one kind of lending market without knowing its ABI: as with
/// `IVenueAdapter`, the adapter (a view contract, allow-listed by the vault's owner) reads the market
/// and builds calldata; the vault approves the adapter's `callTarget`, makes the call itself, and
/// checks the position it is left with. Collateral and debt are the vault's own account on the market.
/// @dev An adapter holds no funds and no approvals and never moves tokens: a faulty one can at worst
/// build a bad call, which the vault refuses (wrong target) or catches (the position afterwards).
interface ILendingAdapter {
    /// @notice `market` does not list `asset` on this adapter's lending protocol (or is not one).
    error NotALendingMarket(address market, address asset);

    /// @notice The contract every call on `market` goes to, and the spender the vault approves.
    function callTarget(address market) external view returns (address);

    /// @notice Reverts with NotALendingMarket unless `market` lists `asset`. The vault's owner calls it
    /// for the collateral and the borrowed asset before listing a market.
    function checkMarket(address market, address asset) external view;

    /// @notice What `account` has supplied of `collateralAsset` and owes of `debtAsset` on `market`,
    /// interest included to this block.
    function position(
        address market,
        address collateralAsset,
        address debtAsset,
        address account
    ) external view returns (uint256 collateral, uint256 debt);

    /// @notice The reserve's terms for `asset` on `market` now.
    function terms(address market, address asset) external view returns (LendingTerms memory);

    /// @notice The call that supplies `amount` of `asset` from `account` (the caller) as its collateral.
    /// @return callTarget Always `callTarget(market)`. @return value Zero. @return data The calldata.
    function supplyCall(
        address market,
        address asset,
        uint256 amount,
        address account
    ) external view returns (address callTarget, uint256 value, bytes memory data);

    /// @notice The call that withdraws `amount` of `account`'s collateral `asset` to `account` (the caller);
    /// `type(uint256).max` withdraws all of it.
    /// @return callTarget Always `callTarget(market)`. @return value Zero. @return data The calldata.
    function withdrawCall(
        address market,
        address asset,
        uint256 amount,
        address account
    ) external view returns (address callTarget, uint256 value, bytes memory data);

    /// @notice The call that borrows `amount` of `asset` at the variable rate, to and owed by `account`
    /// (the caller).
    /// @return callTarget Always `callTarget(market)`. @return value Zero. @return data The calldata.
    function borrowCall(
        address market,
        address asset,
        uint256 amount,
        address account
    ) external view returns (address callTarget, uint256 value, bytes memory data);

    /// @notice The call that repays up to `amount` of `account`'s variable debt in `asset`, paid by
    /// `account` (the caller); the market takes no more than is owed.
    /// @return callTarget Always `callTarget(market)`. @return value Zero. @return data The calldata.
    function repayCall(
        address market,
        address asset,
        uint256 amount,
        address account
    ) external view returns (address callTarget, uint256 value, bytes memory data);

    /// @notice The call that flash-lends `amount` of `asset` to `receiver` (the caller), which the
    /// market calls back within the loan (Aave V3: `executeOperation`) and then takes back `amount`
    /// plus `flashLoanFee` from, by `transferFrom`.
    /// @return callTarget Always `callTarget(market)`. @return value Zero. @return data The calldata.
    function flashLoanCall(
        address market,
        address asset,
        uint256 amount,
        address receiver
    ) external view returns (address callTarget, uint256 value, bytes memory data);

    /// @notice The fee a flash loan of `amount` costs on `market`, in the asset's units.
    function flashLoanFee(address market, uint256 amount) external view returns (uint256);
}
