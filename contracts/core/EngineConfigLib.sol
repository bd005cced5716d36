// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC20Metadata} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Metadata.sol";
import {SSTORE2} from "solady/src/utils/SSTORE2.sol";

import {IBallastErrors} from "../interfaces/IBallastErrors.sol";
import {AssetConfig, AssetInput, EngineImmutables, EngineInit} from "../interfaces/IRebalanceEngine.sol";
import {IAggregatorDecimals} from "../interfaces/external/IChainlink.sol";
import {IUniswapV3PoolMinimal} from "../interfaces/external/IUniswapV3.sol";
import {ConstantsLib} from "../libraries/ConstantsLib.sol";

/// @title EngineConfigLib
/// @notice Turns an `EngineInit` into the immutables a vault's extension and core share: checks the
/// asset list, reads decimals, pool fee and token order from the chain, and writes the asset table
/// (SSTORE2). Runs once, in the extension's constructor.
library EngineConfigLib {
    /// @dev Reverts with the error naming the first bad input (count, asset, decimals, pool, bound).
    function deriveImmutables(EngineInit memory init) internal returns (EngineImmutables memory im) {
        uint256 n = init.assets.length;
        if (n < ConstantsLib.MIN_ASSETS || n > ConstantsLib.MAX_ASSETS)
            revert IBallastErrors.InvalidAssetCount(n);
        if (init.venueModule == address(0)) revert IBallastErrors.ZeroAddress();
        ConstantsLib.checkBound(
            "sequencerGraceSeconds",
            init.sequencerGraceSeconds,
            0,
            ConstantsLib.MAX_SEQUENCER_GRACE_SECONDS
        );
        AssetConfig[] memory cfg = new AssetConfig[](n);
        for (uint256 i; i < n; ++i) {
            cfg[i] = _readAssetConfig(i, init.assets, cfg);
        }
        im.assetCount = n;
        im.assetTable = SSTORE2.write(abi.encode(cfg));
        im.quote = cfg[0].token;
        im.quoteUnit = 10 ** cfg[0].decimals;
        im.sequencerFeed = init.sequencerFeed;
        im.sequencerGraceSeconds = init.sequencerGraceSeconds;
        im.venueModule = init.venueModule;
    }

    function _readAssetConfig(
        uint256 i,
        AssetInput[] memory inputs,
        AssetConfig[] memory done
    ) private view returns (AssetConfig memory c) {
        AssetInput memory a = inputs[i];
        if (a.token == address(0) || a.feed == address(0)) revert IBallastErrors.InvalidAsset(i, a.token);
        for (uint256 j; j < i; ++j) {
            if (done[j].token == a.token) revert IBallastErrors.InvalidAsset(i, a.token);
        }
        c.token = a.token;
        c.feed = a.feed;
        c.decimals = IERC20Metadata(a.token).decimals();
        c.feedDecimals = IAggregatorDecimals(a.feed).decimals();
        if (c.decimals > ConstantsLib.MAX_DECIMALS) revert IBallastErrors.InvalidDecimals(i, c.decimals);
        if (c.feedDecimals > ConstantsLib.MAX_DECIMALS)
            revert IBallastErrors.InvalidDecimals(i, c.feedDecimals);
        if (i == 0) {
            if (a.pool != address(0)) revert IBallastErrors.InvalidAsset(0, a.token);
            return c;
        }
        // The pool must pair this asset with the quote asset; its fee is read, not trusted.
        if (a.pool == address(0)) revert IBallastErrors.InvalidPool(i, a.pool);
        address t0 = IUniswapV3PoolMinimal(a.pool).token0();
        address t1 = IUniswapV3PoolMinimal(a.pool).token1();
        address quote = inputs[0].token;
        if (!((t0 == a.token && t1 == quote) || (t0 == quote && t1 == a.token)))
            revert IBallastErrors.InvalidPool(i, a.pool);
        c.pool = a.pool;
        c.poolFee = IUniswapV3PoolMinimal(a.pool).fee();
        c.assetIsToken0 = t0 == a.token;
    }
}
