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
    Policy,
    VenueInit,
    VenueInput
} from "../../../contracts/interfaces/IRebalanceEngine.sol";
import {WeightInit} from "../../../contracts/interfaces/ITargetWeightVault.sol";
import {HandlerBase} from "./HandlerBase.sol";
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
        return _token("TestERC20.sol/TestERC20.json", name, decimals);
    }

    /// @dev A test token from contracts/test (`file` is "<File>.sol/<Contract>.json").
    function _token(string memory file, string memory name, uint8 decimals) internal returns (address) {
        return Artifacts.deploy(string.concat(HH, "test/", file), abi.encode(name, name, decimals));
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
        address[] memory tokens = new address[](decimals.length);
        for (uint256 i; i < decimals.length; ++i) {
            // forge-lint: disable-next-line(unsafe-typecast) -- i < 10: an ASCII digit
            tokens[i] = _token(string(abi.encodePacked("A", bytes1(uint8(48 + i)))), decimals[i]);
        }
        _market(tokens, answers, fees, depthQuote);
    }

    /// @dev The same over tokens already deployed.
    function _market(
        address[] memory tokens,
        int256[] memory answers,
        uint24[] memory fees,
        uint256 depthQuote
    ) internal {
        vm.warp(1_750_000_000); // a realistic clock: cooldowns count from the last rebalance (0 at first)
        market = new LocalMarket(tokens[0], _feed(answers[0]));
        for (uint256 i = 1; i < tokens.length; ++i) {
            market.addAsset(tokens[i], _feed(answers[i]), fees[i], depthQuote);
        }
    }

    /// @dev The suites' usual market: a 6-decimal quote asset, an 18-decimal asset at 3,000 (0.05 %
    /// pool) and an 8-decimal one at 60,000 (0.3 %), pools $10bn deep on each side (a $2m flow moves
    /// a pool by less than 0.1 %).
    function _threeAssetMarket() internal {
        uint8[] memory decimals = new uint8[](3);
        (decimals[0], decimals[1], decimals[2]) = (6, 18, 8);
        int256[] memory answers = new int256[](3);
        (answers[0], answers[1], answers[2]) = (1e8, 3_000e8, 60_000e8);
        uint24[] memory fees = new uint24[](3);
        (fees[1], fees[2]) = (500, 3_000);
        _market(decimals, answers, fees, 1e10 * 1e6);
    }

    /// @dev The ledger properties both campaigns check: the vault holds exactly what its
    /// counterparties' balances say it received, and no token reaches an address nobody knows.
    function _assertLedger(HandlerBase handler, address vault) internal view {
        uint256 n = handler.tokenCount();
        for (uint256 t; t < n; ++t) {
            address token = handler.tokenAt(t);
            assertEq(IERC20(token).balanceOf(vault), handler.ghostBalance(token), "ghost ledger");
            uint256 sum;
            for (uint256 h; h < handler.holderCount(); ++h)
                sum += IERC20(token).balanceOf(handler.holderAt(h));
            assertEq(sum, IERC20(token).totalSupply(), "a token went to an unknown address");
        }
    }

    function _engineInit() internal view returns (EngineInit memory init) {
        uint256 n = market.assetCount();
        init.assets = new AssetInput[](n);
        for (uint256 i; i < n; ++i)
            init.assets[i] = AssetInput(market.tokens(i), market.feeds(i), market.pools(i));
        init.venueModule = market.venueModule();
    }

    /// @dev Each non-quote asset's pool, a built-in venue of the module (adapter zero).
    function _venueInit() internal view returns (VenueInit memory v) {
        uint256 n = market.assetCount();
        v.venues = new VenueInput[](n - 1);
        for (uint256 i = 1; i < n; ++i) {
            // forge-lint: disable-next-line(unsafe-typecast) -- i < assetCount <= 8
            v.venues[i - 1] = VenueInput(address(0), market.pools(i), uint8(i), 0);
        }
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
            (ok, ) = token.call(abi.encodeWithSignature("approve(address,uint256)", vault, probe));
            require(ok, "approve");
        }
        vm.prank(ADMIN);
        IRebalanceEngine(vault).activate();
    }

    /// @dev A 40/30/30 target-weight vault over the market's three assets, ±5-point bands, a one-day
    /// change delay, the default settings; not activated.
    function _targetWeightVault() internal returns (address) {
        address ext = Artifacts.deploy(
            string.concat(HH, "vaults/TargetWeightVaultExt.sol/TargetWeightVaultExt.json"),
            abi.encode(_engineInit(), uint256(1 days))
        );
        WeightInit memory w;
        w.targetBps = new uint16[](3);
        (w.targetBps[0], w.targetBps[1], w.targetBps[2]) = (4_000, 3_000, 3_000);
        w.absBandBps = new uint16[](3);
        (w.absBandBps[0], w.absBandBps[1], w.absBandBps[2]) = (500, 500, 500);
        w.relBandBps = new uint16[](3);
        AmountSettings memory a = AmountSettings(100e6, 50e6, 200e6);
        return
            Artifacts.deploy(
                string.concat(HH, "vaults/TargetWeightVault.sol/TargetWeightVault.json"),
                abi.encode(ext, "Ballast test", "bT", _params(_defaultSettings(), a), w, _venueInit())
            );
    }
}
