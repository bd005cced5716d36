// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// @notice A venue's state for one direction of swap, as the vault's planning and its deviation check
/// read it. Raw token units throughout.
struct VenueQuote {
    // Marginal price before the fee: raw `tokenOut` per raw `tokenIn`, Q128.128.
    uint256 priceX128;
    // Effective constant-product depth, in raw `tokenIn`: a swap of `a` executes about `a / depthIn`
    // below `priceX128` (before the fee) and moves the price by about twice that.
    uint256 depthIn;
    // Swap fee, millionths of the input.
    uint256 feePpm;
}

/// @title IVenueAdapter
/// @notice How a Ballast vault trades on one kind of venue without knowing its ABI: the adapter (a
/// view contract, allow-listed by the vault's owner) reads pool state and builds calldata; the vault
/// approves the adapter's `target`, makes the call itself, and measures what it received by balance
/// difference against its own oracle-bounded minimum. Tokens go straight between vault and venue.
/// The shape follows Set Protocol's `IIndexExchangeAdapter`.
/// @dev An adapter holds no funds and no approvals and never moves tokens: a faulty one can at worst
/// build a bad call, which the vault refuses (wrong target) or bounds (measured output and input).
interface IVenueAdapter {
    /// @notice `pool` is not a pool of this adapter's venue for the pair (or not reachable through
    /// its `target`).
    error NotAVenuePool(address pool, address tokenA, address tokenB);

    /// @notice The contract every swap on `pool` calls, and the spender the vault approves: the
    /// router, the venue's vault, or the pool itself. The vault records it when the venue is listed
    /// and refuses a swap call to any other address.
    function callTarget(address pool) external view returns (address);

    /// @notice Reverts with NotAVenuePool unless `pool` trades `tokenA` against `tokenB` on this
    /// adapter's venue, through `callTarget(pool)`. The vault's owner calls it before listing a venue.
    function checkPool(address pool, address tokenA, address tokenB) external view;

    /// @notice The pool's marginal price before the fee, raw `tokenOut` per raw `tokenIn`, Q128.128:
    /// `quote`'s `priceX128` alone, read as cheaply as the venue allows (the deviation check).
    function spot(address pool, address tokenIn, address tokenOut) external view returns (uint256 priceX128);

    /// @notice The pool's state for a swap of `tokenIn` into `tokenOut`.
    function quote(address pool, address tokenIn, address tokenOut) external view returns (VenueQuote memory);

    /// @notice The call that swaps exactly `amountIn` of `tokenIn` on `pool` for at least `minAmountOut`
    /// of `tokenOut`, paid by and sent to `recipient` (the vault, which is the caller), this block.
    /// @return callTarget Always `callTarget(pool)`; the vault refuses any other.
    /// @return value ETH to send (zero: vaults trade ERC-20s only).
    /// @return data The calldata.
    function swapCall(
        address pool,
        address tokenIn,
        address tokenOut,
        uint256 amountIn,
        uint256 minAmountOut,
        address recipient
    ) external view returns (address callTarget, uint256 value, bytes memory data);
}
