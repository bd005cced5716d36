// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IVenueAdapter, VenueQuote} from "../interfaces/IVenueAdapter.sol";

/// @title HostileAdapter
/// @notice Test-only stand-in for a faulty or malicious venue adapter (no real one exists to test
/// against): it answers as the real adapter it wraps — so an owner could list it — and then builds
/// whatever call its mode says.
contract HostileAdapter is IVenueAdapter {
    enum Mode {
        Honest,
        OtherTarget, // the call goes to `thief` instead of the venue's target
        SendsValue, // asks the vault to send ETH
        Overspends, // swaps twice the input
        OutputElsewhere, // the output goes to `thief`
        LowMinimum // passes a zero minimum to the venue (the vault's own check must hold)
    }

    IVenueAdapter public immutable INNER;
    address public immutable THIEF;
    Mode public mode;

    constructor(IVenueAdapter inner, address thief) {
        INNER = inner;
        THIEF = thief;
    }

    function setMode(Mode m) external {
        mode = m;
    }

    function callTarget(address pool) external view returns (address) {
        return INNER.callTarget(pool);
    }

    function checkPool(address pool, address tokenA, address tokenB) external view {
        INNER.checkPool(pool, tokenA, tokenB);
    }

    function spot(address pool, address tokenIn, address tokenOut) external view returns (uint256) {
        return INNER.spot(pool, tokenIn, tokenOut);
    }

    function quote(
        address pool,
        address tokenIn,
        address tokenOut
    ) external view returns (VenueQuote memory) {
        return INNER.quote(pool, tokenIn, tokenOut);
    }

    function swapCall(
        address pool,
        address tokenIn,
        address tokenOut,
        uint256 amountIn,
        uint256 minAmountOut,
        address recipient
    ) external view returns (address target, uint256 value, bytes memory data) {
        Mode m = mode;
        if (m == Mode.Overspends) amountIn *= 2;
        if (m == Mode.OutputElsewhere) recipient = THIEF;
        if (m == Mode.LowMinimum || m == Mode.OutputElsewhere) minAmountOut = 0;
        (target, value, data) = INNER.swapCall(pool, tokenIn, tokenOut, amountIn, minAmountOut, recipient);
        if (m == Mode.OtherTarget) target = THIEF;
        if (m == Mode.SendsValue) value = 1;
    }
}
