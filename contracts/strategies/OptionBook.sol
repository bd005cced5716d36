// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {Ownable, Ownable2Step} from "@openzeppelin/contracts/access/Ownable2Step.sol";
import {SSTORE2} from "solady/src/utils/SSTORE2.sol";

import {IOptionBook, OptionLeg} from "../interfaces/IOptionBook.sol";
import {BlackScholesLib} from "../libraries/BlackScholesLib.sol";
import {OptionLegLib} from "../libraries/OptionLegLib.sol";

/// @title OptionBook
/// @notice Ballast's default options book: a list of European option legs that a book-manager role
/// adds, resizes and removes, and that a delta-hedged vault reads. The book holds no funds and can
/// call nothing: it only describes positions.
/// @dev Legs live in an SSTORE2 data contract, kept ordered by expiry, so a vault reads the whole book
/// with one cold account access and EXTCODECOPY (~3 gas per word) instead of two cold SLOADs
/// (4,200 gas) per leg. The price is paid on writes: every change redeploys the blob (≈ 32k gas +
/// 200 gas per byte, i.e. ≈ 45k for 1 leg and ≈ 680k for 50). Books that change every block should
/// publish through their own `IOptionBook` instead.
contract OptionBook is IOptionBook, Ownable2Step {
    /// @notice Seconds past `block.timestamp` a new leg may expire at most (the Greeks' τ domain).
    uint256 public constant MAX_EXPIRY_SECONDS = BlackScholesLib.MAX_TAU_SECONDS;

    /// @notice May add, resize and remove legs. Set by the owner.
    address public bookManager;
    /// @dev SSTORE2 pointer to the packed legs; zero when the book is empty.
    address internal _pointer;

    event BookManagerSet(address indexed bookManager);
    event LegAdded(uint256 indexed index, OptionLeg leg);
    event LegResized(uint256 indexed index, uint256 oldSizeWad, uint256 newSizeWad);
    event LegRemoved(uint256 indexed index, OptionLeg leg);
    event ExpiredPruned(uint256 count);

    /// @notice The caller is not the book manager.
    error NotBookManager(address caller);
    /// @notice The book already holds OptionLegLib.MAX_LEGS legs.
    error BookFull(uint256 maxLegs);
    /// @notice No leg at this index.
    error LegIndexOutOfRange(uint256 index, uint256 count);
    /// @notice A leg's size must be in (0, 2^128).
    error InvalidLegSize(uint256 sizeWad);
    /// @notice A new leg must expire after now and within MAX_EXPIRY_SECONDS.
    error InvalidExpiry(uint256 expiry);
    /// @notice A zero address was given for the book manager.
    error ZeroBookManager();

    constructor(address owner_, address bookManager_) Ownable(owner_) {
        _setBookManager(bookManager_);
    }

    modifier onlyBookManager() {
        if (msg.sender != bookManager) revert NotBookManager(msg.sender);
        _;
    }

    /* ---------------------------------------------------------------- ONLY OWNER */

    function setBookManager(address bookManager_) external onlyOwner {
        _setBookManager(bookManager_);
    }

    /* ---------------------------------------------------------------- ONLY BOOK MANAGER */

    /// @notice Adds a leg, keeping the book ordered by expiry (a new leg goes after legs of the same
    /// expiry). Reverts with the Greeks' StrikeOutOfDomain for a strike outside [1e-4, 1e12].
    /// @return index Where the leg now sits.
    function addLeg(
        bool isCall,
        bool isLong,
        uint256 strikeWad,
        uint256 sizeWad,
        uint256 expiry
    ) external onlyBookManager returns (uint256 index) {
        if (sizeWad == 0 || sizeWad > type(uint128).max) revert InvalidLegSize(sizeWad);
        // forge-lint: disable-next-line(block-timestamp) -- an expiry is a time by definition; seconds of drift only move the accepted window by those seconds
        if (expiry <= block.timestamp || expiry > block.timestamp + MAX_EXPIRY_SECONDS)
            revert InvalidExpiry(expiry);
        BlackScholesLib.Strike memory k = BlackScholesLib.strike(strikeWad);
        OptionLeg memory leg = OptionLeg({
            isCall: isCall,
            isLong: isLong,
            // forge-lint: disable-next-line(unsafe-typecast) -- expiry <= now + MAX_EXPIRY_SECONDS, checked above: it fits uint40
            expiry: uint40(expiry),
            // forge-lint: disable-next-line(unsafe-typecast) -- strikeWad is within BlackScholesLib.strike's domain [1e14, 1e30], checked above: it fits uint128
            strikeWad: uint128(strikeWad),
            // forge-lint: disable-next-line(unsafe-typecast) -- sizeWad <= type(uint128).max, checked above
            sizeWad: uint128(sizeWad),
            // ln K ∈ [−9.3, 27.7] over the strike domain: × 1e36 it fits int128 (< 1.7e38).
            // forge-lint: disable-next-line(unsafe-typecast) -- |ln K| × 1e36 < 2.8e37 over the strike domain, checked by strike(): it fits int128
            lnStrikeE36: int128(k.lnStrikeE36)
        });

        OptionLeg[] memory current = _legs();
        uint256 n = current.length;
        if (n >= OptionLegLib.MAX_LEGS) revert BookFull(OptionLegLib.MAX_LEGS);
        OptionLeg[] memory next = new OptionLeg[](n + 1);
        index = n;
        for (uint256 i; i < n; ++i) {
            if (index == n && current[i].expiry > leg.expiry) index = i;
            next[i < index ? i : i + 1] = current[i];
        }
        next[index] = leg;
        _write(next);
        emit LegAdded(index, leg);
    }

    /// @notice Sets a leg's size; 0 removes it.
    function resizeLeg(uint256 index, uint256 sizeWad) external onlyBookManager {
        OptionLeg[] memory current = _legs();
        if (index >= current.length) revert LegIndexOutOfRange(index, current.length);
        if (sizeWad == 0) return _remove(current, index);
        if (sizeWad > type(uint128).max) revert InvalidLegSize(sizeWad);
        emit LegResized(index, current[index].sizeWad, sizeWad);
        // forge-lint: disable-next-line(unsafe-typecast) -- sizeWad <= type(uint128).max, checked above
        current[index].sizeWad = uint128(sizeWad);
        _write(current);
    }

    function removeLeg(uint256 index) external onlyBookManager {
        OptionLeg[] memory current = _legs();
        if (index >= current.length) revert LegIndexOutOfRange(index, current.length);
        _remove(current, index);
    }

    /* ---------------------------------------------------------------- PERMISSIONLESS */

    /// @notice Drops every leg at or past expiry. Anyone may call: expired legs carry no delta (vaults
    /// ignore them anyway), so pruning only saves readers gas.
    /// @return removed How many legs were dropped.
    function pruneExpired() external returns (uint256 removed) {
        OptionLeg[] memory current = _legs();
        uint256 kept;
        for (uint256 i; i < current.length; ++i) {
            // forge-lint: disable-next-line(block-timestamp) -- pruning what has expired is a time rule by definition
            if (current[i].expiry > block.timestamp) current[kept++] = current[i];
        }
        removed = current.length - kept;
        if (removed == 0) return 0;
        assembly ("memory-safe") {
            mstore(current, kept)
        }
        _write(current);
        emit ExpiredPruned(removed);
    }

    /* ---------------------------------------------------------------- VIEWS */

    /// @inheritdoc IOptionBook
    function packedLegs() external view returns (bytes memory) {
        return _packed();
    }

    /// @inheritdoc IOptionBook
    function legs() external view returns (OptionLeg[] memory) {
        return _legs();
    }

    /// @inheritdoc IOptionBook
    function legCount() external view returns (uint256) {
        return _packed().length / OptionLegLib.LEG_BYTES;
    }

    /* ---------------------------------------------------------------- INTERNAL */

    function _packed() internal view returns (bytes memory) {
        address pointer = _pointer;
        return pointer == address(0) ? new bytes(0) : SSTORE2.read(pointer);
    }

    function _legs() internal view returns (OptionLeg[] memory) {
        return OptionLegLib.decode(_packed());
    }

    function _remove(OptionLeg[] memory current, uint256 index) private {
        OptionLeg memory leg = current[index];
        uint256 n = current.length;
        for (uint256 i = index; i + 1 < n; ++i) current[i] = current[i + 1];
        assembly ("memory-safe") {
            mstore(current, sub(n, 1))
        }
        _write(current);
        emit LegRemoved(index, leg);
    }

    function _write(OptionLeg[] memory next) private {
        _pointer = next.length == 0 ? address(0) : SSTORE2.write(OptionLegLib.encode(next));
    }

    function _setBookManager(address bookManager_) private {
        if (bookManager_ == address(0)) revert ZeroBookManager();
        bookManager = bookManager_;
        emit BookManagerSet(bookManager_);
    }
}
