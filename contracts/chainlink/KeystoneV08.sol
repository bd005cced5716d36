// SPDX-License-Identifier: MIT
pragma solidity 0.8.24;

// TESTS ONLY. Compiles Chainlink's KeystoneForwarder from @chainlink/contracts 1.2.0 (the pinned
// dependency) with solc 0.8.24 from npm (`solc-0.8.24`, its exact pragma): the contract that checks a
// CRE DON's signatures and delivers its reports to a receiver's onReport. Nothing here is ours.
import "@chainlink/contracts/src/v0.8/keystone/KeystoneForwarder.sol";
