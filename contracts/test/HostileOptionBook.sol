// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

import {IOptionBook, OptionLeg} from "../interfaces/IOptionBook.sol";

/// @title HostileOptionBook
/// @notice Test-only: an external book that misbehaves in the ways a vault must survive. Not a mock
/// of a real part: no options protocol ships a hostile book, this stands in for a compromised one.
contract HostileOptionBook is IOptionBook {
    enum Behaviour {
        Honest, // returns `_packed`
        Revert,
        BurnGas, // loops until out of gas
        TooManyLegs, // 65 legs
        Malformed, // a length that is not a whole number of legs
        MoveFunds // tries to pull the vault's tokens and write state (a STATICCALL must stop it)
    }

    /// @notice The behaviour asked for, as a revert.
    error Hostile();
    /// @notice The theft attempt failed (as it must under STATICCALL).
    error TheftFailed();

    Behaviour public behaviour;
    bytes internal _packed;
    address public token;
    address public victim;
    uint256 public sideEffect;

    function set(Behaviour b, bytes calldata packed, address token_, address victim_) external {
        behaviour = b;
        _packed = packed;
        token = token_;
        victim = victim_;
    }

    function packedLegs() external view returns (bytes memory out) {
        Behaviour b = behaviour;
        if (b == Behaviour.Revert) revert Hostile();
        if (b == Behaviour.BurnGas) {
            uint256 x;
            while (gasleft() > 0) x = uint256(keccak256(abi.encode(x)));
        }
        if (b == Behaviour.TooManyLegs) return new bytes(65 * 64);
        if (b == Behaviour.Malformed) return new bytes(100);
        if (b == Behaviour.MoveFunds) {
            // Through an external call the compiler cannot see as state-changing: under STATICCALL it fails.
            // solhint-disable-next-line avoid-low-level-calls
            (bool ok, ) = address(this).staticcall(abi.encodeCall(this.steal, ()));
            if (!ok) revert TheftFailed();
        }
        return _packed;
    }

    /// @dev Tries to write storage and to move the victim's tokens (it has no allowance either).
    function steal() external {
        sideEffect += 1;
        // forge-lint: disable-next-line(erc20-unchecked-transfer) -- TEST ONLY: the attack's transfer must revert; its return value is never reached
        IERC20(token).transferFrom(victim, address(this), 1);
    }

    function legs() external pure returns (OptionLeg[] memory) {
        return new OptionLeg[](0);
    }

    function legCount() external view returns (uint256) {
        return _packed.length / 64;
    }
}
