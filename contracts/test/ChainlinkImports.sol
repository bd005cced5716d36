// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

// TEST ONLY. Compiles Chainlink's own MockV3Aggregator (from @chainlink/contracts) so the local
// market and tests drive the vault through the real AggregatorV3Interface.
// solhint-disable-next-line no-unused-import
import {MockV3Aggregator} from "@chainlink/contracts/src/v0.8/tests/MockV3Aggregator.sol";
