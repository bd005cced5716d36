// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

import {
    BandConfig,
    BandPolicy,
    BookLimits,
    HedgeStatus,
    IDeltaHedgeVault,
    VolatilitySettings
} from "../../../contracts/interfaces/IDeltaHedgeVault.sol";
import {RebalanceStatus} from "../../../contracts/interfaces/IRebalanceEngine.sol";
import {HandlerBase} from "./HandlerBase.sol";
import {IFeed, LocalMarket} from "./LocalMarket.sol";

interface IBook {
    function addLeg(bool isCall, bool isLong, uint256 strikeWad, uint256 sizeWad, uint256 expiry) external;
    function resizeLeg(uint256 index, uint256 sizeWad) external;
    function removeLeg(uint256 index) external;
    function pruneExpired() external returns (uint256);
    function legCount() external view returns (uint256);
}

/// @title DeltaHedgeHandler
/// @notice TEST ONLY. The actions on a delta-hedged vault: the owner funds and sweeps, the book
/// manager trades options, the owner moves σ, r, the target and the band, the market moves, time
/// passes (legs expire), anyone rebalances.
contract DeltaHedgeHandler is HandlerBase {
    address internal constant BOOK_MANAGER = address(0xB00C);

    IDeltaHedgeVault internal immutable vault;
    IBook internal immutable book;

    constructor(LocalMarket market_, address vault_, address book_) HandlerBase(market_, vault_) {
        vault = IDeltaHedgeVault(vault_);
        book = IBook(book_);
        holders.push(BOOK_MANAGER);
        for (uint256 t; t < tokens.length; ++t) ghostBalance[tokens[t]] = IERC20(tokens[t]).balanceOf(vault_);
    }

    /* ------------------------------------------------------------------ owner's money */

    function fund(uint256 assetSeed, uint256 amount) external {
        uint256 i = assetSeed % 2;
        amount = _bound(amount, 1, i == 0 ? 5_000_000e6 : 2_000e18);
        _fund(ADMIN, i, amount);
        vm.prank(ADMIN);
        IERC20(tokens[i]).approve(address(vault), amount);
        uint256[][] memory before = _balances();
        vm.prank(ADMIN);
        try vault.fund(i, amount) {
            _settle(before);
            done["fund"]++;
        } catch {
            _fail("owner could not fund");
        }
    }

    function withdrawFunds(uint256 assetSeed, uint256 fraction) external {
        uint256 i = assetSeed % 2;
        uint256 amount = (IERC20(tokens[i]).balanceOf(address(vault)) * _bound(fraction, 0, BPS)) / BPS;
        uint256[][] memory before = _balances();
        vm.prank(ADMIN);
        try vault.withdrawFunds(i, amount, ADMIN) {
            _settle(before);
            done["withdrawFunds"]++;
        } catch {
            _fail("owner could not withdraw funds");
        }
    }

    /* ------------------------------------------------------------------ the book */

    function addLeg(uint256 seed) external {
        if (book.legCount() >= 12) return;
        uint256 spot = uint256(IFeed(market.feeds(1)).latestAnswer()) * 1e10;
        uint256 strike = (spot * _bound(seed, 7_000, 13_000)) / BPS;
        uint256 size = _bound(seed >> 16, 1e17, 50e18);
        uint256 expiry = block.timestamp + _bound(seed >> 80, 1 hours, 120 days);
        vm.prank(BOOK_MANAGER);
        try book.addLeg((seed >> 120) % 2 == 0, (seed >> 121) % 2 == 0, strike, size, expiry) {
            done["addLeg"]++;
        } catch {}
    }

    function resizeLeg(uint256 index, uint256 size) external {
        uint256 n = book.legCount();
        if (n == 0) return;
        vm.prank(BOOK_MANAGER);
        try book.resizeLeg(index % n, _bound(size, 0, 50e18)) {
            done["resizeLeg"]++;
        } catch {}
    }

    function pruneExpired() external {
        try book.pruneExpired() {
            done["pruneExpired"]++;
        } catch {
            _fail("pruneExpired reverted");
        }
    }

    /* ------------------------------------------------------------------ the owner's settings */

    function setVolatility(uint256 sigmaSeed) external {
        VolatilitySettings memory v = vault.volatility();
        v.sigmaWad = uint64(_bound(sigmaSeed, 0.1e18, 2e18));
        if (_adminCall(abi.encodeCall(vault.setVolatility, (v)))) done["setVolatility"]++;
    }

    function setRate(int256 rate) external {
        if (_adminCall(abi.encodeCall(vault.setRate, (_bound(rate, -0.02e18, 0.15e18))))) done["setRate"]++;
    }

    function setTargetDelta(int256 target) external {
        if (_adminCall(abi.encodeCall(vault.setTargetDelta, (_bound(target, -20e18, 20e18)))))
            done["setTargetDelta"]++;
    }

    function setBand(uint256 seed) external {
        BandConfig memory b = vault.band();
        b.policy = BandPolicy(seed % 3);
        b.absoluteWad = uint128(_bound(seed >> 8, 0.01e18, 5e18));
        b.relativeBps = uint16(_bound(seed >> 72, 1, 2_000));
        b.costBps = uint16(_bound(seed >> 88, 1, 100));
        b.riskAversionWad = uint128(_bound(seed >> 104, 1e12, 1e18));
        b.minHalfWidthWad = uint128(_bound(seed >> 168, 0.001e18, 0.1e18));
        b.maxHalfWidthWad = uint128(_bound(seed >> 200, 1e18, 1_000e18));
        if (_adminCall(abi.encodeCall(vault.setBand, (b)))) done["setBand"]++;
    }

    function setBookLimits(uint256 seed) external {
        BookLimits memory l = BookLimits(
            uint32(_bound(seed, 1 hours, 7 days)),
            uint32(_bound(seed >> 32, 0, 1 days))
        );
        if (_adminCall(abi.encodeCall(vault.setBookLimits, (l)))) done["setBookLimits"]++;
    }

    /* ------------------------------------------------------------------ properties */

    /// @dev After a rebalance that ran its whole plan, the net delta is inside the band, unless the
    /// vault sold everything it held (clipped) or the rest is below the minimum trade.
    function _afterRebalance(RebalanceStatus memory st, bool scaled) internal override {
        if (scaled) return;
        HedgeStatus memory h = vault.hedgeStatus();
        if (h.halfWidthWad == 0 || h.clipped) return;
        int256 off = h.netDeltaWad - h.targetDeltaWad;
        uint256 absOff = uint256(off < 0 ? -off : off);
        if (absOff <= h.halfWidthWad) return;
        // What is left outside the band, in quote WAD at the oracle.
        uint256 price =
            (uint256(IFeed(market.feeds(1)).latestAnswer()) * WAD) /
                uint256(IFeed(market.feeds(0)).latestAnswer());
        uint256 leftWad = ((absOff - h.halfWidthWad) * price) / WAD;
        if (leftWad <= _landingSlackWad(st)) return;
        // A buy is clipped to the quote the vault holds (SPEC §9).
        if (off < 0 && IERC20(tokens[0]).balanceOf(address(vault)) * 1e12 <= _landingSlackWad(st)) return;
        _fail("a completed hedge left the net delta outside its band");
    }
}
