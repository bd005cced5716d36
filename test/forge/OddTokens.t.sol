// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {ITargetWeightVault} from "../../contracts/interfaces/ITargetWeightVault.sol";
import {IRebalanceEngine, Reason} from "../../contracts/interfaces/IRebalanceEngine.sol";
import {Deployer} from "./invariant/Deployer.sol";
import {Artifacts, IMintable} from "./invariant/LocalMarket.sol";

interface IBlocklist {
    function setBlocked(address account, bool isBlocked) external;
}

interface IBalance {
    function balanceOf(address who) external view returns (uint256);
}

/// @title OddTokensTest
/// @notice The target-weight vault over the tokens mainnet has and the standard does not promise
/// (SPEC §13, "Odd tokens"): a 6-decimal quote asset whose transfers return nothing (USDT), an
/// 8-decimal asset that reverts on a zero transfer, an 18-decimal asset whose issuer can block an
/// address (USDC) — all three in one vault, on real Uniswap V3 pools; and a fee-on-transfer token,
/// which activation must refuse.
contract OddTokensTest is Deployer {
    address internal constant ALICE = address(0xA11CE);
    address internal constant BOB = address(0xB0B);
    address internal constant KEEPER = address(0x4EE);

    ITargetWeightVault internal vault;
    address internal quote; // no return values, 6 decimals
    address internal zeroReverting; // 8 decimals
    address internal blocklist; // 18 decimals

    function setUp() public {
        quote = _token("OddTokens.sol/NoReturnERC20.json", "USDT", 6);
        zeroReverting = _token("OddTokens.sol/RevertOnZeroERC20.json", "ZRV", 8);
        blocklist = _token("OddTokens.sol/BlocklistERC20.json", "BLK", 18);
        address[] memory tokens = new address[](3);
        (tokens[0], tokens[1], tokens[2]) = (quote, zeroReverting, blocklist);
        int256[] memory answers = new int256[](3);
        (answers[0], answers[1], answers[2]) = (1e8, 60_000e8, 3_000e8);
        uint24[] memory fees = new uint24[](3);
        (fees[1], fees[2]) = (3_000, 500);
        _market(tokens, answers, fees, 1e10 * 1e6);
        vault = ITargetWeightVault(_targetWeightVault());
        _activate(address(vault));
        _deposit(ALICE, 300_000e6);
        vm.prank(KEEPER);
        vault.rebalance(); // all quote -> 40/30/30
        _deposit(BOB, 100_000e6);
    }

    function _deposit(address who, uint256 amount) internal {
        IMintable(quote).mint(who, amount);
        vm.startPrank(who);
        (bool ok, ) = quote.call(abi.encodeWithSignature("approve(address,uint256)", address(vault), amount));
        require(ok, "approve");
        vault.deposit(amount, who);
        vm.stopPrank();
    }

    function _holdings(address who) internal view returns (uint256[3] memory h) {
        (h[0], h[1], h[2]) = (
            IBalance(quote).balanceOf(who),
            IBalance(zeroReverting).balanceOf(who),
            IBalance(blocklist).balanceOf(who)
        );
    }

    /// @notice Every flow and a rebalance work with the three tokens together, and the 6-, 8- and
    /// 18-decimal amounts agree at oracle prices.
    function test_everyFlowWorksWithNoReturnZeroRevertingAndBlocklistTokens() public {
        (uint256[] memory w, ) = vault.weightsWad();
        assertApproxEqAbs(w[0], 0.4e18, 0.005e18, "quote weight after the first rebalance");
        assertApproxEqAbs(w[1], 0.3e18, 0.005e18);
        assertApproxEqAbs(w[2], 0.3e18, 0.005e18);

        // A move out of band, then anyone rebalances; the reward is paid in the no-return quote.
        skip(1 hours); // the cooldown
        market.setPrice(2, 4_500e8);
        assertEq(uint8(vault.rebalanceStatus().reason), uint8(Reason.Due));
        vm.prank(KEEPER);
        uint256 reward = vault.rebalance();
        assertGt(reward, 0, "reward in a no-return token");

        // Quote exits, in-kind exits and in-kind mints.
        uint256 shares = vault.balanceOf(BOB);
        vm.prank(BOB);
        uint256 paid = vault.redeem(shares / 2, BOB, BOB);
        assertGt(paid, 49_000e6, "half of a 100k deposit, less fees");
        vm.prank(BOB);
        vault.withdraw(1_000e6, BOB, BOB);
        uint256 left = vault.balanceOf(BOB);
        vm.prank(BOB);
        uint256[] memory out = vault.redeemInKind(left, BOB, BOB);
        assertEq(out.length, 3);
        assertEq(_holdings(BOB)[1], out[1]);
        assertEq(_holdings(BOB)[2], out[2]);
        assertEq(vault.balanceOf(BOB), 0);

        vm.startPrank(BOB);
        (bool ok, ) = quote.call(
            abi.encodeWithSignature("approve(address,uint256)", address(vault), type(uint256).max)
        );
        require(ok);
        (ok, ) = zeroReverting.call(
            abi.encodeWithSignature("approve(address,uint256)", address(vault), type(uint256).max)
        );
        require(ok);
        (ok, ) = blocklist.call(
            abi.encodeWithSignature("approve(address,uint256)", address(vault), type(uint256).max)
        );
        require(ok);
        uint256 mintShares = vault.totalSupply() / 1_000;
        for (uint256 i; i < 3; ++i) IMintable(market.tokens(i)).mint(BOB, 1_000e18);
        vault.mintInKind(mintShares, BOB);
        vm.stopPrank();
        assertGt(vault.balanceOf(BOB), 0);
    }

    /// @notice A slice that rounds to zero of the zero-reverting token is skipped, not sent: a tiny
    /// in-kind exit still works.
    function test_dustInKindExitSkipsZeroTransfers() public {
        vm.prank(ALICE);
        uint256[] memory out = vault.redeemInKind(1, ALICE, ALICE);
        assertEq(out[1], 0, "the 8-decimal slice of one share rounds to zero");
        assertEq(vault.balanceOf(ALICE) + vault.balanceOf(BOB), vault.totalSupply());
    }

    /// @notice A holder the token blocks cannot receive it: an exit paying that token to them reverts
    /// and changes nothing; they leave in kind to another address of theirs, or in the quote asset.
    function test_blockedHolderLeavesToAnotherAddressOrInQuote() public {
        IBlocklist(blocklist).setBlocked(ALICE, true);
        uint256 shares = vault.balanceOf(ALICE);
        uint256 supply = vault.totalSupply();

        vm.prank(ALICE);
        // Solady's SafeTransferLib reports any failed transfer as TransferFailed().
        vm.expectRevert(abi.encodeWithSignature("TransferFailed()"));
        vault.redeemInKind(shares, ALICE, ALICE);
        assertEq(vault.balanceOf(ALICE), shares, "nothing burnt");
        assertEq(vault.totalSupply(), supply);

        // In the quote asset: only quote reaches her (the blocked token goes vault -> pool).
        vm.prank(ALICE);
        uint256 paid = vault.redeem(shares / 2, ALICE, ALICE);
        assertGt(paid, 0);
        // In kind, to another address she controls.
        uint256 left = vault.balanceOf(ALICE);
        vm.prank(ALICE);
        uint256[] memory out = vault.redeemInKind(left, address(0xA11CE2), ALICE);
        assertEq(IBalance(blocklist).balanceOf(address(0xA11CE2)), out[2]);
    }

    /// @notice When the token blocks the vault itself, every path that moves that token reverts —
    /// deposits, quote and in-kind exits, rebalances — and loses nothing: shares and holdings stay
    /// as they were until the issuer unblocks it. The guardian's pause is the operator's answer.
    function test_blockedVaultFreezesWithoutLoss() public {
        skip(1 hours); // the cooldown
        market.setPrice(2, 4_500e8); // a rebalance is due and would trade the blocked token
        IBlocklist(blocklist).setBlocked(address(vault), true);
        uint256 supply = vault.totalSupply();
        uint256[3] memory held = _holdings(address(vault));

        IMintable(quote).mint(ALICE, 1_000e6);
        vm.startPrank(ALICE);
        (bool ok, ) = quote.call(
            abi.encodeWithSignature("approve(address,uint256)", address(vault), 1_000e6)
        );
        require(ok);
        vm.expectRevert();
        vault.deposit(1_000e6, ALICE);
        uint256 shares = vault.balanceOf(ALICE);
        vm.expectRevert(abi.encodeWithSignature("TransferFailed()"));
        vault.redeemInKind(shares, ALICE, ALICE);
        vm.expectRevert();
        vault.redeem(shares, ALICE, ALICE);
        vm.stopPrank();
        assertEq(
            uint8(vault.rebalanceStatus().reason),
            uint8(Reason.Due),
            "the views cannot see a blocklist"
        );
        vm.prank(KEEPER);
        vm.expectRevert();
        vault.rebalance();

        assertEq(vault.totalSupply(), supply, "no share moved");
        uint256[3] memory after_ = _holdings(address(vault));
        for (uint256 i; i < 3; ++i) assertEq(after_[i], held[i], "no token moved");

        IBlocklist(blocklist).setBlocked(address(vault), false);
        vm.prank(KEEPER);
        vault.rebalance();
        vm.prank(ALICE);
        vault.redeemInKind(shares, ALICE, ALICE);
        assertEq(vault.balanceOf(ALICE), 0);
    }

    /// @notice A fee-on-transfer token is still refused: activation's probe sees the short receipt.
    function test_feeOnTransferTokenIsRefusedAtActivation() public {
        address fot = Artifacts.deploy(
            string.concat(HH, "test/TestERC20.sol/FeeOnTransferERC20.json"),
            abi.encode(uint256(100))
        );
        address[] memory tokens = new address[](3);
        (tokens[0], tokens[1], tokens[2]) = (quote, fot, blocklist);
        int256[] memory answers = new int256[](3);
        (answers[0], answers[1], answers[2]) = (1e8, 10e8, 3_000e8);
        uint24[] memory fees = new uint24[](3);
        (fees[1], fees[2]) = (3_000, 500);
        _market(tokens, answers, fees, 1e8 * 1e6);
        address v = _targetWeightVault();
        uint256 probe = IRebalanceEngine(v).probeAmount(1);
        vm.expectRevert(
            abi.encodeWithSignature(
                "TransferAmountMismatch(address,uint256,uint256)",
                fot,
                probe,
                probe - probe / 100
            )
        );
        this.activate(v);
        assertFalse(IRebalanceEngine(v).active());
    }

    function activate(address v) external {
        _activate(v);
    }
}
