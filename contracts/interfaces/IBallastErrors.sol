// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {Reason} from "./Types.sol";

/// @title IBallastErrors
/// @notice Every custom error a Ballast vault (core or extension) reverts with, declared once. Only
/// the merged vault interfaces inherit it (the contracts revert with `IBallastErrors.X`), so an ABI
/// built from a merged interface decodes every revert.
interface IBallastErrors {
    /// @notice The trigger predicate says no rebalance is due; `detail` is the asset index or timestamp it names.
    error RebalanceNotDue(Reason reason, uint256 detail);
    /// @notice The caller is neither the guardian nor the admin.
    error NotGuardian(address caller);
    /// @notice `activate()` was called twice.
    error AlreadyActive();
    /// @notice The asset list length is outside [MIN_ASSETS, MAX_ASSETS] or does not match the input.
    error InvalidAssetCount(uint256 count);
    /// @notice An asset or feed address is zero, repeated, or the quote asset has a pool.
    error InvalidAsset(uint256 index, address token);
    /// @notice Token or feed decimals exceed MAX_DECIMALS.
    error InvalidDecimals(uint256 index, uint256 decimals);
    /// @notice The configured pool does not hold this asset and the quote asset at the fee tier given.
    error InvalidPool(uint256 index, address pool);
    /// @notice A parameter lies outside its immutable bounds.
    error OutOfBounds(bytes32 parameter, uint256 value, uint256 min, uint256 max);
    /// @notice Target weights do not sum to 10,000 bps.
    error TargetsDoNotSum(uint256 sumBps);
    /// @notice A loosening change must be queued first (`eta` 0), its delay has not run out (now <
    /// `eta`), or its grace has (queue it again).
    error ChangeNotReady(bytes32 id, uint256 eta);
    /// @notice No change `id` is queued (nothing to cancel).
    error NoChangeQueued(bytes32 id);
    /// @notice A token moved a different amount than asked: fee-on-transfer or rebasing tokens are refused.
    error TransferAmountMismatch(address token, uint256 expected, uint256 actual);
    /// @notice The post-condition failed: the rebalance did not reduce the deviation.
    error DeviationNotReduced(uint256 beforeWad, uint256 afterWad);
    /// @notice The post-condition failed: NAV fell by more than the slippage bound on the traded value.
    error NavLossExceeded(uint256 lossWad, uint256 boundWad);
    /// @notice A zero address was given where an account is required.
    error ZeroAddress();
    /// @notice Zero shares or assets were asked for.
    error ZeroAmount();
    /// @notice The oracle cannot price the vault (stale, invalid or sequencer down); `reason` says which.
    error OracleUnhealthy(Reason reason, uint256 asset);
    /// @notice The extension given to a vault's constructor is of another vault kind (or not an extension).
    error ExtensionMismatch(address extension);
    /// @notice `initialize` runs only inside the vault's constructor, through its DELEGATECALL.
    error NotInitializing();
    /// @notice A venue's adapter built a call to an address other than the venue's recorded target,
    /// or one that sends ETH: refused, nothing sent.
    error VenueCallRefused(uint256 venue, address target, uint256 value);
    /// @notice A swap on a venue took more of the input token than its amount.
    error VenueOverspent(uint256 venue, uint256 spent, uint256 amountIn);
    /// @notice A swap on a venue delivered less than its oracle-bounded minimum output (measured).
    error VenueOutputTooLow(uint256 venue, uint256 received, uint256 minAmountOut);
    /// @notice Venue `index` of a list is malformed: asset or counter out of range or equal, a
    /// duplicate, too many venues, or its adapter refuses the pool for the pair.
    error InvalidVenue(uint256 index);
    /// @notice Asset `asset` would have no venue against the quote asset.
    error NoVenue(uint256 asset);
    /// @notice The vault has no function with this selector.
    error UnknownSelector(bytes4 selector);
    /// @notice A swap callback from an address the vault is not swapping on, or after it was paid.
    error UnexpectedCallback(address caller);
    /// @notice A VenueModule function that only runs inside a vault (by DELEGATECALL) was called directly.
    error NotDelegated();
    /// @notice A keeper's route gives `length` weights for a list of `venueCount` venues: one per venue.
    error RouteLengthMismatch(uint256 length, uint256 venueCount);
    /// @notice A keeper's route weight for venue `venue` (or, for a pair's direct venues, their sum)
    /// is above 10,000 bp.
    error RouteWeightTooHigh(uint256 venue, uint256 weight);
    /// @notice ERC-4626 (Solady's error): more assets asked for than `maxWithdraw` allows.
    error WithdrawMoreThanMax();
    /// @notice ERC-4626 (Solady's error): more shares asked for than `maxRedeem` allows.
    error RedeemMoreThanMax();
    /// @notice ERC-4626 (Solady's error): more assets asked for than `maxDeposit` allows (paused or inactive).
    error DepositMoreThanMax();
    /// @notice ERC-4626 (Solady's error): more shares asked for than `maxMint` allows (paused or inactive).
    error MintMoreThanMax();
}
