// SPDX-License-Identifier: MIT
pragma solidity 0.6.6;

// FORKED SUITE ONLY (replica mode). Compiles Chainlink's own feed contracts from @chainlink/contracts
// 0.4.2's Solidity 0.6 sources (installed as `chainlink-v06`) with solc 0.6.6 from npm (`solc-0.6.6`):
// the EACAggregatorProxy mainnet's feeds are read through, and the FluxAggregator that served behind
// such proxies before OCR (it keeps every round). Nothing here is ours; src/fork/replica.ts places
// them at the feeds' mainnet addresses.
import "chainlink-v06/src/v0.6/EACAggregatorProxy.sol";
import "chainlink-v06/src/v0.6/FluxAggregator.sol";
