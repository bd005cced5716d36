// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

import {TargetWeightHandler} from "../invariant/TargetWeightHandler.sol";
import {TargetWeightInvariants} from "../invariant/TargetWeightInvariants.t.sol";
import {LocalMarket} from "../invariant/LocalMarket.sol";

/// @title LeakyHandler
/// @notice TEST ONLY: a planted bug. The target-weight handler plus one action that, once some holder
/// has left in kind, moves a little of the vault's quote asset to an address nobody knows, as a vault
/// with a broken exit would. The ghost ledger must catch it.
contract LeakyHandler is TargetWeightHandler {
    bool internal someoneLeftInKind;

    constructor(LocalMarket market_, address vault_) TargetWeightHandler(market_, vault_) {}

    function redeemInKindAndRemember(uint256 who, uint256 fraction) external {
        this.redeemInKind(who, fraction);
        someoneLeftInKind = true;
    }

    function leak(uint256 amount) external {
        if (!someoneLeftInKind) return;
        vm.prank(address(vault));
        // forge-lint: disable-next-line(erc20-unchecked-transfer) -- TEST ONLY: the planted leak; a TestERC20 transfer reverts rather than return false
        IERC20(tokens[0]).transfer(address(0xDEAD), _bound(amount, 1, 1e6));
    }
}

/// @title PlantedBugInvariants
/// @notice The harness's own test (test/unit/harness.spec.ts runs it, expecting it to fail): the
/// same campaign as TargetWeightInvariants over the leaky handler must report the broken ledger and
/// shrink the sequence that breaks it to the two calls that matter. Excluded from `npm run
/// test:forge`, which must pass.
contract PlantedBugInvariants is TargetWeightInvariants {
    function _handler() internal override returns (TargetWeightHandler) {
        return new LeakyHandler(market, address(vault));
    }
}
