// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {CommonBase} from "forge-std/Base.sol";
import {StdCheats} from "forge-std/StdCheats.sol";
import {StdUtils} from "forge-std/StdUtils.sol";

import {IRebalanceEngine, RebalanceStatus, Reason} from "../../../contracts/interfaces/IRebalanceEngine.sol";
import {IFeed, IMintable, LocalMarket} from "./LocalMarket.sol";

/// @title HandlerBase
/// @notice TEST ONLY. What both vaults' invariant handlers share: the market, the actors, the ghost
/// ledger of every token the vault holds, and the first violation a handler saw (an invariant
/// reads it). Handlers never revert: each action catches its own failure, so the fuzzer's calls all
/// count, and a violation is recorded rather than thrown (a revert inside a handler would be lost).
abstract contract HandlerBase is CommonBase, StdCheats, StdUtils {
    uint256 internal constant WAD = 1e18;
    uint256 internal constant BPS = 10_000;

    address internal constant ADMIN = address(0xAD);
    address internal constant GUARDIAN = address(0x6A);
    address internal constant KEEPER = address(0x4EE);

    LocalMarket public immutable market;
    IRebalanceEngine internal immutable engine;
    address[] internal actors;
    /// @dev Everyone who can hold the market's tokens: the vault, its counterparties, the market.
    address[] internal holders;
    address[] internal tokens;

    /// @notice What the vault should hold of each token: every action adds what its counterparties
    /// lost and takes away what they gained, measured on their side.
    mapping(address token => uint256) public ghostBalance;
    /// @notice The first broken property a handler saw; empty while all hold.
    string public violation;
    /// @notice Calls that got through, by action (for the run's summary).
    mapping(bytes32 action => uint256) public done;

    /// @dev Executed rebalances' cost to holders (NAV lost + reward), in bps of NAV, by time.
    uint256[] internal costAt;
    uint256[] internal costBps;

    constructor(LocalMarket market_, address vault_) {
        market = market_;
        engine = IRebalanceEngine(vault_);
        // forge-lint: disable-next-line(unsafe-typecast) -- a small constant address
        for (uint256 i; i < 3; ++i) actors.push(address(uint160(0xA11CE0 + i)));
        uint256 n = market_.assetCount();
        for (uint256 i; i < n; ++i) {
            tokens.push(market_.tokens(i));
            if (i != 0) holders.push(market_.pools(i));
        }
        holders.push(vault_);
        holders.push(address(market_));
        holders.push(market_.router());
        holders.push(ADMIN);
        holders.push(GUARDIAN);
        holders.push(KEEPER);
        holders.push(address(this));
        for (uint256 i; i < actors.length; ++i) holders.push(actors[i]);
    }

    function tokenCount() external view returns (uint256) {
        return tokens.length;
    }

    function tokenAt(uint256 i) external view returns (address) {
        return tokens[i];
    }

    function holderCount() external view returns (uint256) {
        return holders.length;
    }

    function holderAt(uint256 i) external view returns (address) {
        return holders[i];
    }

    /* ------------------------------------------------------------------ market actions */

    /// @notice A feed publishes a move of up to ±20 % (the quote asset's up to ±2 %), and an
    /// arbitrageur brings every pool back in line.
    function movePrice(uint256 assetSeed, int256 moveBps) external {
        uint256 i = assetSeed % tokens.length;
        int256 limit = i == 0 ? int256(200) : int256(2_000);
        moveBps = _bound(moveBps, -limit, limit);
        int256 answer = IFeed(market.feeds(i)).latestAnswer();
        // forge-lint: disable-next-line(unsafe-typecast) -- BPS is a small constant
        int256 next = (answer * (int256(BPS) + moveBps)) / int256(BPS);
        if (next < 1e6) next = 1e6;
        market.setPrice(i, next);
        done["movePrice"]++;
    }

    /// @notice Time passes; most of the time the feeds publish a heartbeat, sometimes they go stale.
    function warp(uint256 secondsSeed, uint256 heartbeatSeed) external {
        skip(_bound(secondsSeed, 1, 1 days));
        if (heartbeatSeed % 4 != 0) market.heartbeat();
        done["warp"]++;
    }

    /// @notice The guardian pauses (one call in four: a vault is mostly live).
    function pause(uint256 seed) external {
        if (seed % 4 != 0) return;
        vm.prank(GUARDIAN);
        try engine.pause() {
            done["pause"]++;
        } catch {
            _fail("guardian could not pause");
        }
    }

    /// @notice The admin unpauses.
    function unpause() external {
        vm.prank(ADMIN);
        try engine.unpause() {
            done["unpause"]++;
        } catch {
            _fail("admin could not unpause");
        }
    }

    /* ------------------------------------------------------------------ rebalance */

    /// @notice Anyone calls `rebalance()`; the views must say due exactly when it succeeds, and a
    /// success must keep its loss and the breaker's cost within their bounds.
    function rebalance(uint256 callerSeed, bool viaUpkeep) external {
        address caller = callerSeed % 5 < actors.length ? actors[callerSeed % 5] : KEEPER;
        RebalanceStatus memory st = engine.rebalanceStatus();
        bool due = st.reason == Reason.Due;
        (bool upkeep, ) = engine.checkUpkeep("");
        (bool canExec, ) = engine.checker();
        if (upkeep != due || canExec != due) _fail("checkUpkeep/checker disagree with rebalanceStatus");

        uint256 navBefore = oracleNavWad();
        bool scaled = due && _planScaled(st);
        uint256[][] memory before = _balances();
        bool ok;
        bytes memory err;
        vm.prank(caller);
        if (viaUpkeep) {
            try engine.performUpkeep("") {
                ok = true;
            } catch (bytes memory e) {
                err = e;
            }
        } else {
            try engine.rebalance() {
                ok = true;
            } catch (bytes memory e) {
                err = e;
            }
        }
        if (ok != due) {
            _debug(st);
            _fail(
                ok
                    ? "rebalance succeeded while the views said not due"
                    : string.concat("views said due, rebalance reverted with ", vm.toString(err))
            );
            return;
        }
        if (!ok) {
            // It must have reverted with the predicate's own answer.
            bytes memory expected = abi.encodeWithSignature(
                "RebalanceNotDue(uint8,uint256)",
                st.reason,
                st.detail
            );
            if (keccak256(err) != keccak256(expected))
                _fail("rebalance reverted with another reason than the views'");
            return;
        }
        _settle(before);
        done["rebalance"]++;
        _checkLoss(st, navBefore);
        _afterRebalance(st, scaled);
    }

    /// @dev NAV lost to trading (at most the slippage bound on the traded value) plus the reward (at
    /// most rewardBps of it); and the breaker's cost over any period.
    function _checkLoss(RebalanceStatus memory st, uint256 navBefore) internal {
        uint256 planned;
        for (uint256 i; i < st.legs.length; ++i) planned += st.legs[i].valueWad;
        uint256 navAfter = oracleNavWad();
        uint256 loss = navBefore > navAfter ? navBefore - navAfter : 0;
        (
            ,
            ,
            uint16 maxSlippageBps,
            ,
            ,
            ,
            ,
            ,
            uint32 period,
            ,
            uint16 maxCostBps,
            uint16 rewardBps
        ) = _settings();
        if (loss > (planned * (uint256(maxSlippageBps) + rewardBps)) / BPS + 10 * tokens.length)
            _fail("rebalance lost more than its bound");
        _recordCost(loss, navBefore, period, maxCostBps);
    }

    /// @dev Whether the plan was cut to maxTradeBps of NAV or to the breaker's cost budget (SPEC §5:
    /// what is left of the period's cost cap, over the worst-case cost per unit traded): then the
    /// rebalance moves part of the way and the next call carries on.
    function _planScaled(RebalanceStatus memory st) internal view returns (bool) {
        (
            ,
            ,
            uint16 slip,
            ,
            uint16 maxTradeBps,
            ,
            ,
            ,
            uint32 period,
            ,
            uint16 maxCostBps,
            uint16 rewardBps
        ) = _settings();
        (bool ok, bytes memory ret) = address(engine).staticcall(abi.encodeWithSignature("engineState()"));
        require(ok, "engineState");
        (, , , , uint40 costClearAt, ) = abi.decode(ret, (bool, bool, uint40, uint40, uint40, uint40));
        // forge-lint: disable-next-line(block-timestamp) -- restates the breaker's time rule
        uint256 from = costClearAt > block.timestamp ? costClearAt : block.timestamp;
        // forge-lint: disable-next-line(block-timestamp) -- restates the breaker's time rule
        uint256 left = block.timestamp + period > from + 1 ? block.timestamp + period - from - 1 : 0;
        uint256 budget = (left * maxCostBps * st.navWad) / (uint256(period) * (uint256(slip) + rewardBps));
        uint256 cap = (st.navWad * maxTradeBps) / BPS;
        if (budget < cap) cap = budget;
        uint256 planned;
        for (uint256 i; i < st.legs.length; ++i) planned += st.legs[i].valueWad;
        return planned * 100 >= cap * 90;
    }

    /// @dev The breaker's leaky bucket lets at most twice the cap through in any one period (SPEC §5).
    function _recordCost(uint256 loss, uint256 nav, uint256 period, uint256 maxCostBps) internal {
        costAt.push(block.timestamp);
        costBps.push((loss * BPS * 1e6) / nav); // bps × 1e6
        uint256 sum;
        for (uint256 i = costAt.length; i > 0; --i) {
            // forge-lint: disable-next-line(block-timestamp) -- the property is over a period of time
            if (costAt[i - 1] + period <= block.timestamp) break;
            sum += costBps[i - 1];
        }
        if (sum > 2 * maxCostBps * 1e6 + 1e6)
            _fail("breaker let more than twice its cost cap through in a period");
    }

    /// @dev How far (quote WAD) a completed rebalance may land from its band: each leg fills anywhere
    /// down to its minimum output (the oracle value less maxSlippageBps), so the landing point can be
    /// off by that much of what was traded; and what is left below the minimum trade is dropped by
    /// design (twice: one leg each way).
    function _landingSlackWad(RebalanceStatus memory st) internal view returns (uint256) {
        uint256 planned;
        for (uint256 i; i < st.legs.length; ++i) planned += st.legs[i].valueWad;
        (, , uint16 maxSlippageBps, , , , , , , , , ) = _settings();
        (bool ok, bytes memory ret) = address(engine).staticcall(abi.encodeWithSignature("amountSettings()"));
        require(ok, "amountSettings");
        (uint96 minTrade, , ) = abi.decode(ret, (uint96, uint80, uint80));
        uint256 minTradeWad = (uint256(minTrade) * WAD) / 10 ** IMintable(tokens[0]).decimals();
        return (planned * maxSlippageBps) / BPS + 2 * minTradeWad;
    }

    /// @dev The vault kind's checks after an executed rebalance.
    function _afterRebalance(RebalanceStatus memory st, bool scaled) internal virtual;

    /* ------------------------------------------------------------------ accounting */

    /// @notice The vault's holdings at the feeds' answers, in quote WAD, computed from the feeds and
    /// balances the way SPEC §4 defines it (every price over the quote asset's, values rounded down).
    function oracleNavWad() public view returns (uint256 nav) {
        uint256 quoteUsd = _feedWad(0);
        for (uint256 i; i < tokens.length; ++i) {
            uint256 price = i == 0 ? WAD : (_feedWad(i) * WAD) / quoteUsd;
            uint256 unit = 10 ** IMintable(tokens[i]).decimals();
            nav += (IMintable(tokens[i]).balanceOf(address(engine)) * price) / unit;
        }
    }

    function _feedWad(uint256 i) internal view returns (uint256) {
        IFeed feed = IFeed(market.feeds(i));
        return uint256(feed.latestAnswer()) * 10 ** (18 - feed.decimals());
    }

    /// @dev balances[token][holder]
    function _balances() internal view returns (uint256[][] memory b) {
        b = new uint256[][](tokens.length);
        for (uint256 t; t < tokens.length; ++t) {
            b[t] = new uint256[](holders.length);
            for (uint256 h; h < holders.length; ++h) b[t][h] = IMintable(tokens[t]).balanceOf(holders[h]);
        }
    }

    /// @dev The vault gained what everyone else lost, token by token (no token is minted inside an
    /// action that calls this).
    function _settle(uint256[][] memory before) internal {
        for (uint256 t; t < tokens.length; ++t) {
            int256 others;
            for (uint256 h; h < holders.length; ++h) {
                if (holders[h] == address(engine)) continue;
                others += int256(IMintable(tokens[t]).balanceOf(holders[h])) - int256(before[t][h]);
            }
            // forge-lint: disable-next-line(unsafe-typecast) -- token balances are far below 2^255, and the ledger never goes negative (the invariant checks it)
            ghostBalance[tokens[t]] = uint256(int256(ghostBalance[tokens[t]]) - others);
        }
    }

    /// @dev Mints `amount` of token `t` to `to` outside the ghost ledger's view (before a snapshot).
    function _fund(address to, uint256 t, uint256 amount) internal {
        IMintable(tokens[t]).mint(to, amount);
    }

    function _settings()
        internal
        view
        returns (uint8, uint8, uint16, uint16, uint16, uint16, uint32, uint32, uint32, uint16, uint16, uint16)
    {
        (bool ok, bytes memory ret) = address(engine).staticcall(abi.encodeWithSignature("engineSettings()"));
        require(ok, "engineSettings");
        return
            abi.decode(
                ret,
                (uint8, uint8, uint16, uint16, uint16, uint16, uint32, uint32, uint32, uint16, uint16, uint16)
            );
    }

    /* ------------------------------------------------------------------ admin changes */

    /// @dev Admin calls waiting for the change delay (loosening changes are queued first).
    bytes[] internal pendingChanges;

    /// @dev Sends an admin call; one the vault refuses as not queued is queued (up to four wait).
    function _adminCall(bytes memory data) internal returns (bool ok) {
        bytes memory ret;
        vm.prank(ADMIN);
        (ok, ret) = address(engine).call(data);
        if (ok) return true;
        // forge-lint: disable-next-line(unsafe-typecast) -- a revert's selector is its first four bytes (length checked first)
        if (ret.length >= 4 && bytes4(ret) == bytes4(keccak256("ChangeNotReady(bytes32,uint256)"))) {
            if (pendingChanges.length >= 4) return false;
            vm.prank(ADMIN);
            (bool queued, ) = address(engine).call(abi.encodeWithSignature("queueChange(bytes)", data));
            if (!queued) _fail("admin could not queue a change");
            pendingChanges.push(data);
        }
    }

    /// @notice The admin applies a queued change (it works once its delay has passed).
    function applyQueued(uint256 seed) external {
        if (pendingChanges.length == 0) return;
        uint256 i = seed % pendingChanges.length;
        bytes memory data = pendingChanges[i];
        vm.prank(ADMIN);
        (bool ok, bytes memory ret) = address(engine).call(data);
        // forge-lint: disable-next-line(unsafe-typecast) -- a revert's selector is its first four bytes (length checked first)
        bool early = ret.length == 68 && bytes4(ret) == bytes4(keccak256("ChangeNotReady(bytes32,uint256)"));
        // Still waiting, unless its grace period ran out (then it must be queued again).
        if (early) {
            uint256 eta;
            assembly ("memory-safe") {
                eta := mload(add(ret, 68))
            }
            // forge-lint: disable-next-line(block-timestamp) -- the change queue's grace period is a time rule
            early = eta != 0 && block.timestamp <= eta + 14 days;
        }
        if (ok || !early) {
            pendingChanges[i] = pendingChanges[pendingChanges.length - 1];
            pendingChanges.pop();
        }
        if (ok) done["applyQueued"]++;
    }

    function _debug(RebalanceStatus memory st) internal view virtual {}

    function _fail(string memory why) internal {
        if (bytes(violation).length == 0) violation = why;
    }
}
