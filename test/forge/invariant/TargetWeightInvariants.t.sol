// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {console} from "forge-std/console.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

import {ITargetWeightVault} from "../../../contracts/interfaces/ITargetWeightVault.sol";
import {Deployer} from "./Deployer.sol";
import {TargetWeightHandler} from "./TargetWeightHandler.sol";

/// @title TargetWeightInvariants
/// @notice Stateful fuzzing of a three-asset target-weight vault (a 6-decimal quote asset, an 8- and
/// an 18-decimal asset) on real Uniswap V3 bytecode: random sequences of deposits, mints,
/// withdrawals, redemptions (in the quote asset and in kind), price moves with arbitrage, time, keeper
/// rebalances by anyone, settings, bands and targets changes, pause and unpause. After every call:
/// the properties below and the handler's own (each action's checks).
contract TargetWeightInvariants is Deployer {
    ITargetWeightVault internal vault;
    TargetWeightHandler internal handler;

    function setUp() public {
        _threeAssetMarket();
        vault = ITargetWeightVault(_targetWeightVault());
        _activate(address(vault));
        _seed();
        handler = _handler();
        targetContract(address(handler));
    }

    function _handler() internal virtual returns (TargetWeightHandler) {
        return new TargetWeightHandler(market, address(vault));
    }

    /// @dev Every run starts from a balanced vault with three holders: the first deposit (all quote)
    /// is rebalanced to target, then two more holders buy the mix.
    function _seed() internal {
        for (uint256 i; i < 3; ++i) {
            // forge-lint: disable-next-line(unsafe-typecast) -- a small constant address
            address a = address(uint160(0xA11CE0 + i));
            (bool ok, ) = market.tokens(0).call(
                abi.encodeWithSignature("mint(address,uint256)", a, 1_000_000e6)
            );
            require(ok, "mint");
            vm.startPrank(a);
            IERC20(market.tokens(0)).approve(address(vault), type(uint256).max);
            vault.deposit(1_000_000e6 / (i + 1), a);
            vm.stopPrank();
            if (i != 0) continue;
            vm.prank(address(0x4EE)); // the handler's keeper, one of the known holders
            vault.rebalance();
        }
    }

    /// @notice Every property, after every call (one campaign checks them all).
    function invariant_targetWeightVault() public {
        // A handler action saw one of its own properties break.
        assertEq(handler.violation(), "", "handler");

        // Total assets are the oracle value of the holdings.
        assertEq(vault.totalAssets(), handler.oracleNavWad() / 1e12, "totalAssets != oracle value");

        // Ghost ledger, and no token anywhere unknown.
        _assertLedger(handler, address(vault));

        // Supply is the sum of the holders' shares.
        uint256 shares;
        uint256 m = handler.actorCount();
        for (uint256 i; i < m; ++i) shares += vault.balanceOf(handler.actorAt(i));
        assertEq(vault.totalSupply(), shares, "supply != sum of balances");

        // Every holder can leave in kind, now, whatever the state (paused, stale, any prices).
        for (uint256 i; i < m; ++i) {
            address a = handler.actorAt(i);
            uint256 held = vault.balanceOf(a);
            if (held == 0) continue;
            uint256 snap = vm.snapshotState();
            vm.prank(a);
            try vault.redeemInKind(held, a, a) {} catch {
                fail();
            }
            vm.revertToState(snap);
        }
    }

    /// @notice The run's summary (with -vv): which actions got through.
    function afterInvariant() public view {
        console.log(
            "deposits %d, withdrawals %d, rebalances %d",
            handler.done("deposit") + handler.done("mint") + handler.done("mintInKind"),
            handler.done("withdraw") + handler.done("redeem") + handler.done("redeemInKind"),
            handler.done("rebalance")
        );
    }
}
