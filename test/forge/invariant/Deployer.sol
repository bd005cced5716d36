// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {Test} from "forge-std/Test.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

import {
    AmountSettings,
    AssetInput,
    EngineInit,
    EngineParams,
    EngineSettings,
    IRebalanceEngine,
    Mode,
    Policy
} from "../../../contracts/interfaces/IRebalanceEngine.sol";
import {Artifacts, LocalMarket} from "./LocalMarket.sol";

/// @title Deployer
/// @notice TEST ONLY. Builds the local market and vaults for the forge suites from Hardhat's build
/// artifacts (run `hardhat compile` first; `npm run test:forge` does): the bytecode tested is the
/// bytecode deployed.
abstract contract Deployer is Test {
    string internal constant HH = "artifacts/contracts/";
    string internal constant CHAINLINK_MOCK =
        "artifacts/@chainlink/contracts/src/v0.8/tests/MockV3Aggregator.sol/MockV3Aggregator.json";

    address internal constant ADMIN = address(0xAD);
    address internal constant GUARDIAN = address(0x6A);

    LocalMarket internal market;

    function _token(string memory name, uint8 decimals) internal returns (address) {
        return
            Artifacts.deploy(
                string.concat(HH, "test/TestERC20.sol/TestERC20.json"),
                abi.encode(name, name, decimals)
            );
    }

    function _feed(int256 answer) internal returns (address) {
        return Artifacts.deploy(CHAINLINK_MOCK, abi.encode(uint8(8), answer));
    }

    /// @dev A market of `decimals.length` assets (asset 0 the quote asset), each priced `answers[i]`
    /// USD (8 decimals), pools `depthQuote` deep on each side.
    function _market(
        uint8[] memory decimals,
        int256[] memory answers,
        uint24[] memory fees,
        uint256 depthQuote
    ) internal {
        vm.warp(1_750_000_000); // a realistic clock: cooldowns count from the last rebalance (0 at first)
        market = new LocalMarket(_token("Q", decimals[0]), _feed(answers[0]));
        for (uint256 i = 1; i < decimals.length; ++i) {
            market.addAsset(
                _token(string(abi.encodePacked("A", bytes1(uint8(48 + i)))), decimals[i]),
                _feed(answers[i]),
                fees[i],
                depthQuote
            );
        }
    }

    function _engineInit() internal view returns (EngineInit memory init) {
        uint256 n = market.assetCount();
        init.assets = new AssetInput[](n);
        for (uint256 i; i < n; ++i)
            init.assets[i] = AssetInput(market.tokens(i), market.feeds(i), market.pools(i));
        init.router = market.router();
    }

    function _params(
        EngineSettings memory s,
        AmountSettings memory a
    ) internal view returns (EngineParams memory p) {
        p.admin = ADMIN;
        p.guardian = GUARDIAN;
        p.settings = s;
        p.amounts = a;
        uint256 n = market.assetCount();
        p.maxStalenessSeconds = new uint32[](n);
        for (uint256 i; i < n; ++i) p.maxStalenessSeconds[i] = 1 days;
    }

    function _defaultSettings() internal pure returns (EngineSettings memory s) {
        s.policy = Policy.Hybrid;
        s.mode = Mode.ToTarget;
        s.maxSlippageBps = 200;
        s.maxPoolDeviationBps = 50;
        s.maxTradeBps = 10_000;
        s.bandHysteresisBps = 2_000;
        s.cooldownSeconds = 1 hours;
        s.intervalSeconds = 30 days;
        s.periodSeconds = 1 days;
        s.maxRebalancesPerPeriod = 24;
        s.maxCostBpsPerPeriod = 300;
        s.rewardBps = 5;
    }

    /// @dev The admin proves each token moves (activate's probe) and activates.
    function _activate(address vault) internal {
        uint256 n = market.assetCount();
        for (uint256 i; i < n; ++i) {
            address token = market.tokens(i);
            uint256 probe = IRebalanceEngine(vault).probeAmount(i);
            (bool ok, ) = token.call(abi.encodeWithSignature("mint(address,uint256)", ADMIN, probe));
            require(ok, "mint");
            vm.prank(ADMIN);
            IERC20(token).approve(vault, probe);
        }
        vm.prank(ADMIN);
        IRebalanceEngine(vault).activate();
    }
}
