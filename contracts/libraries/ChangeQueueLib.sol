// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IBallastErrors} from "../interfaces/IBallastErrors.sol";
import {ConstantsLib} from "./ConstantsLib.sol";

/// @title ChangeQueueLib
/// @notice The change queue's one rule (SPEC 3.5), for every setter that may wait: the extension's
/// and the venue module's.
library ChangeQueueLib {
    /// @notice Uses up the queue entry of this call (its calldata, byte for byte): it must exist, its
    /// eta must have come and the grace after it must not have passed; otherwise ChangeNotReady.
    /// @param queue The engine's `changeEta` mapping (id => eta).
    function consume(mapping(bytes32 => uint256) storage queue) internal {
        bytes32 id = keccak256(msg.data);
        uint256 eta = queue[id];
        // forge-lint: disable-next-line(block-timestamp) -- the change delay is a time rule by design; a builder's seconds of drift move it by those seconds
        if (eta == 0 || block.timestamp < eta || block.timestamp > eta + ConstantsLib.CHANGE_GRACE_SECONDS)
            revert IBallastErrors.ChangeNotReady(id, eta);
        delete queue[id];
    }
}
