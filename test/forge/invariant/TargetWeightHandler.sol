// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {console} from "forge-std/console.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

import {
    EngineSettings,
    Mode,
    Policy,
    RebalanceStatus
} from "../../../contracts/interfaces/IRebalanceEngine.sol";
import {ITargetWeightVault} from "../../../contracts/interfaces/ITargetWeightVault.sol";
import {HandlerBase} from "./HandlerBase.sol";
import {IMintable, LocalMarket} from "./LocalMarket.sol";

/// @title TargetWeightHandler
/// @notice TEST ONLY. The actions a target-weight vault's users, keepers, guardian, admin and the
/// market take, each with the properties it must keep on its own (share price, previews, in-kind exit).
contract TargetWeightHandler is HandlerBase {
    ITargetWeightVault internal immutable vault;
    uint256 internal immutable virtualShares;

    constructor(LocalMarket market_, address vault_) HandlerBase(market_, vault_) {
        vault = ITargetWeightVault(vault_);
        virtualShares = 10 ** (vault.decimals() - IMintable(market_.tokens(0)).decimals());
        for (uint256 t; t < tokens.length; ++t) ghostBalance[tokens[t]] = IERC20(tokens[t]).balanceOf(vault_);
        for (uint256 a; a < actors.length; ++a) {
            for (uint256 t; t < tokens.length; ++t) {
                vm.prank(actors[a]);
                IERC20(tokens[t]).approve(vault_, type(uint256).max);
            }
        }
    }

    /* ------------------------------------------------------------------ holders */

    function deposit(uint256 who, uint256 amount) external {
        address a = actors[who % actors.length];
        amount = _bound(amount, 1, 2_000_000e6);
        _fund(a, 0, amount);
        uint256 preview = _previewDeposit(amount);
        (uint256 pn, uint256 pd) = sharePrice();
        uint256[][] memory before = _balances();
        vm.prank(a);
        try vault.deposit(amount, a) returns (uint256 shares) {
            _settle(before);
            if (shares < preview) _fail("deposit minted fewer shares than previewDeposit");
            _checkPrice(pn, pd, "deposit");
            done["deposit"]++;
        } catch {}
    }

    function mint(uint256 who, uint256 shares) external {
        address a = actors[who % actors.length];
        shares = _bound(shares, 1, 1e30);
        (bool ok, bytes memory ret) = address(vault).staticcall(abi.encodeCall(vault.previewMint, (shares)));
        if (!ok) return;
        uint256 preview = abi.decode(ret, (uint256));
        if (preview > 5_000_000e6) return;
        _fund(a, 0, preview);
        (uint256 pn, uint256 pd) = sharePrice();
        uint256[][] memory before = _balances();
        vm.prank(a);
        try vault.mint(shares, a) returns (uint256 assets) {
            _settle(before);
            if (assets > preview) _fail("mint took more than previewMint");
            _checkPrice(pn, pd, "mint");
            done["mint"]++;
        } catch {}
    }

    function withdraw(uint256 who, uint256 amount) external {
        address a = actors[who % actors.length];
        (bool ok, bytes memory ret) = address(vault).staticcall(abi.encodeCall(vault.maxWithdraw, (a)));
        if (!ok) return;
        uint256 max = abi.decode(ret, (uint256));
        if (max == 0) return;
        amount = _bound(amount, 1, max);
        (ok, ret) = address(vault).staticcall(abi.encodeCall(vault.previewWithdraw, (amount)));
        if (!ok) return;
        uint256 preview = abi.decode(ret, (uint256));
        (uint256 pn, uint256 pd) = sharePrice();
        uint256 quoteBefore = IERC20(tokens[0]).balanceOf(a);
        uint256[][] memory before = _balances();
        vm.prank(a);
        try vault.withdraw(amount, a, a) returns (uint256 shares) {
            _settle(before);
            if (shares > preview) _fail("withdraw burnt more shares than previewWithdraw");
            if (IERC20(tokens[0]).balanceOf(a) - quoteBefore != amount) _fail("withdraw paid another amount");
            _checkPrice(pn, pd, "withdraw");
            done["withdraw"]++;
        } catch {}
    }

    function redeem(uint256 who, uint256 fraction) external {
        address a = actors[who % actors.length];
        uint256 shares = (vault.balanceOf(a) * _bound(fraction, 1, BPS)) / BPS;
        if (shares == 0) return;
        (bool ok, bytes memory ret) = address(vault).staticcall(
            abi.encodeCall(vault.previewRedeem, (shares))
        );
        if (!ok) return;
        uint256 preview = abi.decode(ret, (uint256));
        (uint256 pn, uint256 pd) = sharePrice();
        uint256[][] memory before = _balances();
        vm.prank(a);
        try vault.redeem(shares, a, a) returns (uint256 assets) {
            _settle(before);
            if (assets < preview) _fail("redeem paid less than previewRedeem");
            _checkPrice(pn, pd, "redeem");
            done["redeem"]++;
        } catch {}
    }

    /// @notice Leaving in kind must always work for a holder: paused, stale feeds, whatever.
    function redeemInKind(uint256 who, uint256 fraction) external {
        address a = actors[who % actors.length];
        uint256 shares = (vault.balanceOf(a) * _bound(fraction, 1, BPS)) / BPS;
        if (shares == 0) return;
        (uint256[] memory held, uint256 supply) = _slices();
        uint256[][] memory before = _balances();
        vm.prank(a);
        try vault.redeemInKind(shares, a, a) {
            _settle(before);
            _checkSlices(held, supply, "redeemInKind");
            done["redeemInKind"]++;
        } catch {
            _fail("redeemInKind reverted for a holder");
        }
    }

    function mintInKind(uint256 who, uint256 shares) external {
        address a = actors[who % actors.length];
        uint256 supply = vault.totalSupply();
        if (supply == 0) return;
        shares = _bound(shares, 1, supply);
        for (uint256 t; t < tokens.length; ++t) {
            _fund(a, t, (IERC20(tokens[t]).balanceOf(address(vault)) * shares) / supply + 2);
        }
        (uint256[] memory held, uint256 supply0) = _slices();
        uint256[][] memory before = _balances();
        vm.prank(a);
        try vault.mintInKind(shares, a) {
            _settle(before);
            _checkSlices(held, supply0, "mintInKind");
            done["mintInKind"]++;
        } catch {}
    }

    function transferShares(uint256 from, uint256 to, uint256 fraction) external {
        address a = actors[from % actors.length];
        address b = actors[to % actors.length];
        uint256 shares = (vault.balanceOf(a) * _bound(fraction, 0, BPS)) / BPS;
        vm.prank(a);
        if (!vault.transfer(b, shares)) _fail("share transfer returned false");
        done["transferShares"]++;
    }

    /* ------------------------------------------------------------------ admin */

    /// @notice The admin changes the engine's settings within their bounds (loosening ones wait).
    function setSettings(uint256 seed) external {
        EngineSettings memory s = vault.engineSettings();
        s.mode = Mode(seed % 2);
        s.maxPoolDeviationBps = uint16(_bound(seed >> 8, 10, 100));
        // slippage must clear the deviation bound through the dearest pool (1 %) plus a bp
        s.maxSlippageBps = uint16(_bound(seed >> 24, s.maxPoolDeviationBps + 101, 400));
        s.maxTradeBps = uint16(_bound(seed >> 40, 100, BPS));
        s.bandHysteresisBps = uint16(_bound(seed >> 56, 0, 9_000));
        s.cooldownSeconds = uint32(_bound(seed >> 72, 0, 4 hours));
        s.rewardBps = uint16(_bound(seed >> 104, 0, 50));
        s.policy = Policy((seed >> 120) % 3);
        if (_adminCall(abi.encodeCall(vault.setEngineSettings, (s)))) done["setSettings"]++;
    }

    /// @notice The admin moves the bands (narrowing waits).
    function setBands(uint256 seed) external {
        uint16[] memory abs_ = new uint16[](tokens.length);
        uint16[] memory rel = new uint16[](tokens.length);
        for (uint256 i; i < tokens.length; ++i) {
            uint256 r = uint256(keccak256(abi.encode(seed, i)));
            abs_[i] = r % 3 == 0 ? 0 : uint16(_bound(r >> 8, 10, 2_000));
            rel[i] = abs_[i] != 0 && r % 2 == 0 ? 0 : uint16(_bound(r >> 24, 100, 5_000));
        }
        if (_adminCall(abi.encodeCall(vault.setBands, (abs_, rel)))) done["setBands"]++;
    }

    /// @notice The admin sets new target weights (always queued: holders pay for reaching them).
    function setTargets(uint256 seed) external {
        uint16[] memory t = new uint16[](tokens.length);
        uint256 left = BPS;
        for (uint256 i = 1; i < tokens.length; ++i) {
            t[i] = uint16(_bound(uint256(keccak256(abi.encode(seed, i))), 0, left));
            left -= t[i];
        }
        // forge-lint: disable-next-line(unsafe-typecast) -- left <= BPS
        t[0] = uint16(left);
        if (_adminCall(abi.encodeCall(vault.setTargets, (t)))) done["setTargets"]++;
    }

    /* ------------------------------------------------------------------ properties */

    function _debug(RebalanceStatus memory st) internal view override {
        (uint256[] memory w, uint256 nav) = vault.weightsWad();
        (uint16[] memory t, uint16[] memory abs_, uint16[] memory rel) = vault.targets();
        EngineSettings memory s = vault.engineSettings();
        console.log("mode %d hyst %d maxTrade %d", uint8(s.mode), s.bandHysteresisBps, s.maxTradeBps);
        console.log("nav %d dev %d", nav, st.deviationWad);
        for (uint256 i; i < w.length; ++i) console.log("w %d t %d", w[i], t[i]);
        for (uint256 i; i < w.length; ++i) console.log("abs %d rel %d", abs_[i], rel[i]);
        for (uint256 i; i < st.legs.length; ++i)
            console.log(
                "leg asset %d sell %s value %d",
                st.legs[i].asset,
                st.legs[i].isSell ? "y" : "n",
                st.legs[i].valueWad
            );
    }

    /// @notice Share price as a fraction: (NAV + one virtual quote unit) / (supply + virtual shares),
    /// with NAV the oracle value in quote WAD. (`totalAssets` floors NAV to whole quote units, which
    /// would show sub-unit rounding as a move; WAD does not.)
    function sharePrice() public view returns (uint256, uint256) {
        return (
            oracleNavWad() + WAD / 10 ** IMintable(tokens[0]).decimals(),
            vault.totalSupply() + virtualShares
        );
    }

    function _checkPrice(uint256 n0, uint256 d0, string memory action) internal {
        (uint256 n1, uint256 d1) = sharePrice();
        if (n1 * d0 < n0 * d1) {
            _fail(
                string.concat(
                    action,
                    " lowered the share price: NAV / supply from ",
                    vm.toString(n0),
                    " / ",
                    vm.toString(d0),
                    " to ",
                    vm.toString(n1),
                    " / ",
                    vm.toString(d1)
                )
            );
        }
    }

    /// @dev The vault's holdings and its supply with the virtual shares: in-kind flows move each
    /// asset pro rata over that supply, so no asset's holding per share may fall.
    function _slices() internal view returns (uint256[] memory held, uint256 supply) {
        held = new uint256[](tokens.length);
        for (uint256 t; t < tokens.length; ++t) held[t] = IERC20(tokens[t]).balanceOf(address(vault));
        supply = vault.totalSupply() + virtualShares;
    }

    function _checkSlices(uint256[] memory held0, uint256 supply0, string memory action) internal {
        (uint256[] memory held1, uint256 supply1) = _slices();
        for (uint256 t; t < tokens.length; ++t) {
            if (held1[t] * supply0 < held0[t] * supply1)
                _fail(string.concat(action, " lowered an asset's holding per share"));
        }
    }

    function _previewDeposit(uint256 amount) internal view returns (uint256) {
        (bool ok, bytes memory ret) = address(vault).staticcall(
            abi.encodeCall(vault.previewDeposit, (amount))
        );
        return ok ? abi.decode(ret, (uint256)) : 0;
    }

    /// @dev After a rebalance that ran its whole plan (not scaled by maxTradeBps or the breaker's
    /// budget, no leg dropped below the minimum trade), every asset is inside its band.
    function _afterRebalance(RebalanceStatus memory st, bool scaled) internal override {
        if (scaled) return;
        (uint256[] memory w, ) = vault.weightsWad();
        (uint16[] memory t, uint16[] memory abs_, uint16[] memory rel) = vault.targets();
        uint256 slack = _landingSlackWad(st);
        for (uint256 i; i < w.length; ++i) {
            uint256 target = uint256(t[i]) * 1e14;
            uint256 off = w[i] > target ? w[i] - target : target - w[i];
            uint256 band = type(uint256).max;
            if (abs_[i] != 0) band = uint256(abs_[i]) * 1e14;
            if (rel[i] != 0 && (target * rel[i]) / BPS < band) band = (target * rel[i]) / BPS;
            if (off > band && ((off - band) * st.navWad) / WAD > slack)
                _fail("a completed rebalance left an asset outside its band");
        }
    }

    function actorCount() external view returns (uint256) {
        return actors.length;
    }

    function actorAt(uint256 i) external view returns (address) {
        return actors[i];
    }
}
