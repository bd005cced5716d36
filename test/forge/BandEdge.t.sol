// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {EngineSettings, Mode, Reason, RebalanceStatus} from "../../contracts/interfaces/IRebalanceEngine.sol";
import {ITargetWeightVault} from "../../contracts/interfaces/ITargetWeightVault.sol";
import {Deployer} from "./invariant/Deployer.sol";
import {IMintable} from "./invariant/LocalMarket.sol";

/// @title BandEdgeTest
/// @notice Band-edge mode when the quote asset pays for the move (SPEC §5). Found by the deep
/// invariant campaign (seed 0x5eed): a vault whose quote asset sat under its target planned a
/// band-edge buy of the one asset out of band; the quote drifted as far from its target as the
/// asset came back, the deviation measure did not fall, and `rebalance()` reverted with
/// DeviationNotReduced while every view said due. The plan now goes to target in that case.
contract BandEdgeTest is Deployer {
    address internal constant ALICE = address(0xA11CE);
    address internal constant KEEPER = address(0x4EE);

    ITargetWeightVault internal vault;

    function setUp() public {
        _threeAssetMarket();
        vault = ITargetWeightVault(_targetWeightVault());
        _activate(address(vault));
        IMintable(market.tokens(0)).mint(ALICE, 1_000_000e6);
        vm.startPrank(ALICE);
        (bool ok, ) = market.tokens(0).call(
            abi.encodeWithSignature("approve(address,uint256)", address(vault), type(uint256).max)
        );
        require(ok, "approve");
        vault.deposit(1_000_000e6, ALICE);
        vm.stopPrank();
        vm.prank(KEEPER);
        vault.rebalance(); // 40 / 30 / 30

        // The campaign's settings: band-edge mode, hysteresis 53.55 %, a narrow WETH band (0.84 points).
        EngineSettings memory s = vault.engineSettings();
        s.mode = Mode.ToBandEdge;
        s.bandHysteresisBps = 5_355;
        _adminChange(abi.encodeCall(vault.setEngineSettings, (s)));
        uint16[] memory abs_ = new uint16[](3);
        (abs_[0], abs_[1], abs_[2]) = (1_921, 84, 0);
        uint16[] memory rel = new uint16[](3);
        (rel[0], rel[1], rel[2]) = (1_556, 2_740, 4_701);
        _adminChange(abi.encodeCall(vault.setBands, (abs_, rel)));
    }

    function _adminChange(bytes memory data) internal {
        vm.prank(ADMIN);
        (bool ok, ) = address(vault).call(data);
        if (ok) return;
        vm.prank(ADMIN);
        vault.queueChange(data);
        skip(vault.changeDelaySeconds());
        market.heartbeat();
        vm.prank(ADMIN);
        (ok, ) = address(vault).call(data);
        require(ok, "admin change");
    }

    function _rebalanceAndCheck() internal returns (uint256[] memory w) {
        RebalanceStatus memory st = vault.rebalanceStatus();
        assertEq(uint8(st.reason), uint8(Reason.Due), "due");
        vm.prank(KEEPER);
        vault.rebalance();
        (w, ) = vault.weightsWad();
        uint256 dev;
        for (uint256 i; i < 3; ++i) dev += w[i] > _t(i) ? w[i] - _t(i) : _t(i) - w[i];
        assertLt(dev, st.deviationWad, "the deviation fell");
    }

    function _t(uint256 i) internal pure returns (uint256) {
        return i == 0 ? 0.4e18 : 0.3e18;
    }

    /// @notice WBTC up 10 %: WETH falls out of its band below target, and so does the quote (inside
    /// its wide band). A band-edge buy of WETH would move the quote as far away as WETH comes back:
    /// the plan goes to target instead, and `rebalance()` succeeds as the views said.
    function test_quoteOnTheSameSideGoesToTarget() public {
        market.setPrice(2, 66_000e8);
        (uint256[] memory w0, ) = vault.weightsWad();
        assertLt(w0[0], 0.4e18, "quote under target");
        assertLt(w0[1], 0.3e18 - 0.0084e18, "WETH out of its band, under target");
        uint256[] memory w = _rebalanceAndCheck();
        for (uint256 i; i < 3; ++i) assertApproxEqAbs(w[i], _t(i), 0.001e18, "to target");
    }

    /// @notice WETH down 5 %: WETH out of its band below target while the quote is above its own: the
    /// buy moves both toward target, and band-edge mode lands WETH at its inner edge, not at target.
    function test_quoteOnTheOtherSideStaysBandEdge() public {
        market.setPrice(1, 2_850e8);
        (uint256[] memory w0, ) = vault.weightsWad();
        assertGt(w0[0], 0.4e18, "quote over target");
        uint256[] memory w = _rebalanceAndCheck();
        // inner edge: 30 % − 0.84 % · (1 − 53.55 %) = 29.61 %
        assertApproxEqAbs(w[1], 0.296098e18, 0.0005e18, "WETH at the inner band edge");
        assertApproxEqAbs(w[2], w0[2], 0.0005e18, "WBTC, inside its band, untouched");
    }
}
