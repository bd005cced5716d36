// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {console} from "forge-std/console.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

import {
    BandConfig,
    BandPolicy,
    BookLimits,
    HedgeInit,
    IDeltaHedgeVault,
    VolatilitySettings
} from "../../../contracts/interfaces/IDeltaHedgeVault.sol";
import {
    AmountSettings,
    EngineSettings,
    Mode,
    Policy,
    Reason,
    RebalanceStatus
} from "../../../contracts/interfaces/IRebalanceEngine.sol";
import {DeltaHedgeHandler, IBook} from "./DeltaHedgeHandler.sol";
import {Deployer} from "./Deployer.sol";
import {Artifacts} from "./LocalMarket.sol";

/// @title DeltaHedgeInvariants
/// @notice Stateful fuzzing of a delta-hedged vault (USDC-like quote, WETH-like underlying) on real
/// Uniswap V3 bytecode and Ballast's OptionBook: random funding and sweeps, legs added, resized and
/// expiring, σ, r, target and band changes, price moves with arbitrage, time, pause, and rebalances by
/// anyone. After every call: the properties below and the handler's own.
contract DeltaHedgeInvariants is Deployer {
    address internal constant BOOK_MANAGER = address(0xB00C);

    IDeltaHedgeVault internal vault;
    DeltaHedgeHandler internal handler;

    function setUp() public {
        uint8[] memory decimals = new uint8[](2);
        (decimals[0], decimals[1]) = (6, 18);
        int256[] memory answers = new int256[](2);
        (answers[0], answers[1]) = (1e8, 3_000e8);
        uint24[] memory fees = new uint24[](2);
        fees[1] = 500;
        _market(decimals, answers, fees, 1e10 * 1e6);
        address book = Artifacts.deploy(
            string.concat(HH, "strategies/OptionBook.sol/OptionBook.json"),
            abi.encode(ADMIN, BOOK_MANAGER)
        );
        address ext = Artifacts.deploy(
            string.concat(HH, "vaults/DeltaHedgeVaultExt.sol/DeltaHedgeVaultExt.json"),
            abi.encode(_engineInit())
        );
        EngineSettings memory s = _defaultSettings();
        s.policy = Policy.Threshold;
        s.mode = Mode.ToBandEdge;
        s.cooldownSeconds = 0;
        s.maxRebalancesPerPeriod = 48;
        HedgeInit memory h = HedgeInit({
            book: book,
            volatility: VolatilitySettings(address(0), 0, 0.8e18, 0.05e18, 3e18),
            rateWad: 0.04e18,
            targetDeltaWad: 0,
            band: BandConfig(BandPolicy.Absolute, 0, 0, 0.5e18, 0, 0.01e18, 1_000e18),
            limits: BookLimits(1 days, 4 hours)
        });
        vault = IDeltaHedgeVault(
            Artifacts.deploy(
                string.concat(HH, "vaults/DeltaHedgeVault.sol/DeltaHedgeVault.json"),
                abi.encode(ext, _params(s, AmountSettings(10e6, 50e6, 500e6)), h, _venueInit())
            )
        );
        _activate(address(vault));
        _seed(book);
        handler = new DeltaHedgeHandler(market, address(vault), book);
        targetContract(address(handler));
    }

    /// @dev Every run starts funded (1m quote, 100 underlying) with a book of short calls and long puts.
    function _seed(address book) internal {
        for (uint256 i; i < 2; ++i) {
            uint256 amount = i == 0 ? 1_000_000e6 : 100e18;
            (bool ok, ) = market.tokens(i).call(
                abi.encodeWithSignature("mint(address,uint256)", ADMIN, amount)
            );
            require(ok, "mint");
            vm.startPrank(ADMIN);
            IERC20(market.tokens(i)).approve(address(vault), amount);
            vault.fund(i, amount);
            vm.stopPrank();
        }
        vm.startPrank(BOOK_MANAGER);
        IBook(book).addLeg(true, false, 3_000e18, 100e18, block.timestamp + 30 days);
        IBook(book).addLeg(false, true, 2_700e18, 50e18, block.timestamp + 60 days);
        vm.stopPrank();
    }

    /// @notice Every property, after every call.
    function invariant_deltaHedgeVault() public view {
        assertEq(handler.violation(), "", "handler");

        // The NAV the predicate sees is the oracle value of the holdings.
        RebalanceStatus memory st = vault.rebalanceStatus();
        if (st.reason != Reason.NotActive && st.reason != Reason.Paused && st.reason != Reason.OracleStale) {
            assertEq(st.navWad, handler.oracleNavWad(), "NAV != oracle value");
        }

        _assertLedger(handler, address(vault));
    }

    function afterInvariant() public view {
        console.log(
            "rebalances %d, legs added %d, funded %d",
            handler.done("rebalance"),
            handler.done("addLeg"),
            handler.done("fund")
        );
    }
}
