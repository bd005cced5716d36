// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {ERC4626} from "solady/src/tokens/ERC4626.sol";
import {FixedPointMathLib} from "solady/src/utils/FixedPointMathLib.sol";
import {SafeTransferLib} from "solady/src/utils/SafeTransferLib.sol";

import {EngineInit, RebalanceEngine} from "../core/RebalanceEngine.sol";
import {AssetConfig, EngineSettings, Mode} from "../interfaces/IRebalanceEngine.sol";
import {ITargetWeightVault, WeightInit} from "../interfaces/ITargetWeightVault.sol";
import {ConstantsLib} from "../libraries/ConstantsLib.sol";
import {ErrorsLib} from "../libraries/ErrorsLib.sol";

/// @title TargetWeightVault
/// @notice Keeps 2..8 assets at target weights; see ITargetWeightVault and SPEC.md.
contract TargetWeightVault is ITargetWeightVault, RebalanceEngine, ERC4626 {
    using SafeTransferLib for address;
    using FixedPointMathLib for uint256;

    /* ---------------------------------------------------------------- IMMUTABLES */

    /// @notice Delay between proposing and applying targets.
    uint256 public immutable TARGET_DELAY_SECONDS;
    /// @dev Virtual-share offset against the donation (inflation) attack: shares have at least 18 decimals.
    uint8 private immutable DECIMALS_OFFSET;
    uint8 private immutable QUOTE_DECIMALS;

    /* ---------------------------------------------------------------- STORAGE */

    uint16[8] internal _targetBps;
    uint16[8] internal _absBandBps;
    uint16[8] internal _relBandBps;
    uint16[8] internal _pendingTargetBps;
    uint40 internal _pendingTargetsEta; // 0 = nothing pending
    string private _name;
    string private _symbol;

    /* ---------------------------------------------------------------- CONSTRUCTOR */

    constructor(
        string memory name_,
        string memory symbol_,
        EngineInit memory init,
        WeightInit memory w
    ) RebalanceEngine(init) {
        _name = name_;
        _symbol = symbol_;
        _checkBound(
            "targetDelaySeconds",
            w.targetDelaySeconds,
            ConstantsLib.MIN_TARGET_DELAY_SECONDS,
            ConstantsLib.MAX_TARGET_DELAY_SECONDS
        );
        TARGET_DELAY_SECONDS = w.targetDelaySeconds;
        uint8 quoteDecimals = _assetConfigs()[0].decimals;
        QUOTE_DECIMALS = quoteDecimals;
        DECIMALS_OFFSET = quoteDecimals < 12 ? 18 - quoteDecimals : 6;
        _setTargets(_checkTargets(w.targetBps));
        _setBands(w.absBandBps, w.relBandBps);
    }

    /* ---------------------------------------------------------------- PERMISSIONLESS */

    /// @inheritdoc ITargetWeightVault
    function redeemInKind(
        uint256 shares,
        address receiver,
        address owner_
    ) external nonReentrant returns (uint256[] memory amounts) {
        if (shares == 0) revert ErrorsLib.ZeroAmount();
        if (receiver == address(0)) revert ErrorsLib.ZeroAddress();
        if (msg.sender != owner_) _spendAllowance(owner_, msg.sender, shares);
        // Same virtual supply as the ERC-4626 conversions, so in-kind and quote exits agree.
        uint256 supply = _virtualSupply();
        _burn(owner_, shares);
        AssetConfig[] memory cfg = _assetConfigs();
        amounts = new uint256[](cfg.length);
        for (uint256 i; i < cfg.length; ++i) {
            amounts[i] = cfg[i].token.balanceOf(address(this)).mulDiv(shares, supply);
            if (amounts[i] != 0) cfg[i].token.safeTransfer(receiver, amounts[i]);
        }
        emit RedeemedInKind(owner_, receiver, shares, amounts);
    }

    /// @inheritdoc ITargetWeightVault
    function applyTargets() external {
        uint256 eta = _pendingTargetsEta;
        if (eta == 0 || block.timestamp < eta) revert ErrorsLib.TargetsNotReady(eta);
        uint16[] memory t = _toArray(_pendingTargetBps);
        delete _pendingTargetBps;
        _pendingTargetsEta = 0;
        _setTargets(t);
    }

    /// @notice ERC-4626 deposit; stopped while paused or inactive.
    /// @dev Who: anyone. Priced at oracle NAV (rounded up), so pool manipulation cannot move it; an
    /// oracle that lags the market lets a depositor trade against that lag, bounded by the feed's
    /// deviation threshold (SPEC.md, "Known limits").
    function deposit(uint256 assets, address receiver) public override nonReentrant returns (uint256) {
        return super.deposit(assets, receiver);
    }

    /// @notice ERC-4626 mint; stopped while paused or inactive.
    function mint(uint256 shares, address receiver) public override nonReentrant returns (uint256) {
        return super.mint(shares, receiver);
    }

    /// @notice ERC-4626 withdrawal in the quote asset, up to the quote the vault holds; works when paused.
    function withdraw(
        uint256 assets,
        address receiver,
        address owner_
    ) public override nonReentrant returns (uint256) {
        return super.withdraw(assets, receiver, owner_);
    }

    /// @notice ERC-4626 redemption in the quote asset, up to the quote the vault holds; works when paused.
    function redeem(
        uint256 shares,
        address receiver,
        address owner_
    ) public override nonReentrant returns (uint256) {
        return super.redeem(shares, receiver, owner_);
    }

    /* ---------------------------------------------------------------- ONLY ADMIN */

    /// @inheritdoc ITargetWeightVault
    function proposeTargets(uint16[] calldata targetBps) external onlyOwner {
        uint16[] memory t = _checkTargets(targetBps);
        for (uint256 i; i < t.length; ++i) {
            _pendingTargetBps[i] = t[i];
        }
        uint256 eta = block.timestamp + TARGET_DELAY_SECONDS;
        _pendingTargetsEta = uint40(eta);
        emit TargetsProposed(t, eta);
    }

    /// @inheritdoc ITargetWeightVault
    function cancelTargets() external onlyOwner {
        delete _pendingTargetBps;
        _pendingTargetsEta = 0;
        emit TargetsCancelled();
    }

    /// @inheritdoc ITargetWeightVault
    function setBands(uint16[] calldata absBandBps, uint16[] calldata relBandBps) external onlyOwner {
        _setBands(absBandBps, relBandBps);
    }

    /* ---------------------------------------------------------------- VIEWS */

    /// @notice NAV in quote units at oracle prices, rounded down. Reverts when prices are unusable.
    function totalAssets() public view override returns (uint256) {
        return _valuationOrRevert(false).nav.mulDiv(QUOTE_UNIT, ConstantsLib.WAD);
    }

    /// @notice 0 while paused or inactive: deposits are stopped.
    function maxDeposit(address) public view override returns (uint256) {
        return _state.paused || !_state.active ? 0 : type(uint256).max;
    }

    /// @notice 0 while paused or inactive: deposits are stopped.
    function maxMint(address) public view override returns (uint256) {
        return _state.paused || !_state.active ? 0 : type(uint256).max;
    }

    /// @notice Bounded by the quote asset the vault holds; use `redeemInKind` for the rest.
    function maxWithdraw(address owner_) public view override returns (uint256) {
        return FixedPointMathLib.min(super.maxWithdraw(owner_), QUOTE.balanceOf(address(this)));
    }

    /// @notice Bounded by the quote asset the vault holds; use `redeemInKind` for the rest.
    function maxRedeem(address owner_) public view override returns (uint256) {
        return FixedPointMathLib.min(balanceOf(owner_), previewWithdraw(QUOTE.balanceOf(address(this))));
    }

    /// @inheritdoc ITargetWeightVault
    function targets()
        external
        view
        returns (uint16[] memory targetBps, uint16[] memory absBandBps, uint16[] memory relBandBps)
    {
        return (_toArray(_targetBps), _toArray(_absBandBps), _toArray(_relBandBps));
    }

    /// @inheritdoc ITargetWeightVault
    function pendingTargets() external view returns (uint16[] memory targetBps, uint256 eta) {
        return (_toArray(_pendingTargetBps), _pendingTargetsEta);
    }

    /// @inheritdoc ITargetWeightVault
    function weightsWad() external view returns (uint256[] memory weights, uint256 navWad) {
        Valuation memory v = _valuationOrRevert(false);
        return (_weights(v), v.nav);
    }

    /// @notice The quote asset: deposits, withdrawals and NAV are in its units.
    function asset() public view override returns (address) {
        return QUOTE;
    }

    function name() public view override returns (string memory) {
        return _name;
    }

    function symbol() public view override returns (string memory) {
        return _symbol;
    }

    /* ---------------------------------------------------------------- STRATEGY HOOKS */

    /// @dev Deviation = sum over assets of |weight - target| (WAD). Out of band when any asset's
    /// |weight - target| exceeds its band. ToTarget: every asset to its target. ToBandEdge: each
    /// non-quote asset outside its band to `(1 - hysteresis) * band` from target on its side, others
    /// untouched; if that would leave the quote asset outside its own band, everything to target.
    function _targetDeltas(
        Valuation memory v,
        EngineSettings memory s
    ) internal view override returns (int256[] memory deltas, uint256 deviationWad, bool outOfBand) {
        uint16[8] memory t = _targetBps;
        uint256[] memory bands;
        bool[] memory out;
        (deviationWad, outOfBand, bands, out) = _scan(v, t);
        deltas = new int256[](v.values.length);
        if (s.mode == Mode.ToBandEdge) {
            if (!outOfBand) return (deltas, deviationWad, false);
            if (_toBandEdge(v, s, t, bands, out, deltas)) return (deltas, deviationWad, true);
        }
        for (uint256 i = 1; i < deltas.length; ++i) {
            deltas[i] = int256((uint256(t[i]) * v.nav) / ConstantsLib.BPS) - int256(v.values[i]);
        }
    }

    /// @dev Per asset: |weight - target| against its band. Returns the summed deviation (WAD), whether
    /// any asset is out of band, the bands (WAD) and which assets are out.
    function _scan(
        Valuation memory v,
        uint16[8] memory t
    ) private view returns (uint256 deviationWad, bool anyOut, uint256[] memory bands, bool[] memory out) {
        uint256 n = v.values.length;
        bands = new uint256[](n);
        out = new bool[](n);
        for (uint256 i; i < n; ++i) {
            uint256 drift = v.values[i].mulDiv(ConstantsLib.WAD, v.nav).dist(
                (uint256(t[i]) * ConstantsLib.WAD) / ConstantsLib.BPS
            );
            deviationWad += drift;
            bands[i] = _bandWad(i, t[i]);
            out[i] = drift > bands[i];
            anyOut = anyOut || out[i];
        }
    }

    /// @dev Fills `deltas` for band-edge mode; false when the quote asset would end outside its band.
    function _toBandEdge(
        Valuation memory v,
        EngineSettings memory s,
        uint16[8] memory t,
        uint256[] memory bands,
        bool[] memory out,
        int256[] memory deltas
    ) private pure returns (bool) {
        int256 quoteValue = int256(v.values[0]);
        for (uint256 i = 1; i < deltas.length; ++i) {
            if (!out[i]) continue;
            uint256 inner = (bands[i] * (ConstantsLib.BPS - s.bandHysteresisBps)) / ConstantsLib.BPS;
            uint256 target = (uint256(t[i]) * ConstantsLib.WAD) / ConstantsLib.BPS;
            bool over = v.values[i] * ConstantsLib.WAD > target * v.nav;
            uint256 landing = over ? target + inner : target - FixedPointMathLib.min(inner, target);
            deltas[i] = int256(landing.mulDiv(v.nav, ConstantsLib.WAD)) - int256(v.values[i]);
            quoteValue -= deltas[i];
        }
        uint256 quoteTarget = (uint256(t[0]) * v.nav) / ConstantsLib.BPS;
        uint256 quoteDrift = FixedPointMathLib.dist(quoteValue, int256(quoteTarget));
        return quoteDrift.mulDiv(ConstantsLib.WAD, v.nav) <= bands[0];
    }

    function _deviation(Valuation memory v) internal view override returns (uint256 deviationWad) {
        uint256[] memory w = _weights(v);
        for (uint256 i; i < w.length; ++i) {
            deviationWad += w[i].dist((uint256(_targetBps[i]) * ConstantsLib.WAD) / ConstantsLib.BPS);
        }
    }

    function _afterRebalance(Valuation memory before, Valuation memory afterwards) internal override {
        emit WeightsRebalanced(_weights(before), _weights(afterwards));
    }

    /* ---------------------------------------------------------------- ERC-4626 PRICING */

    // Every conversion prices against NAV rounded in the vault's favour: shares handed out are
    // priced against the larger NAV, assets handed out against the smaller one, and each result
    // rounds against the caller. Virtual shares (10 ** DECIMALS_OFFSET) and one virtual asset as in
    // the OpenZeppelin/Solady mitigation of the donation attack.

    function convertToShares(uint256 assets) public view override returns (uint256) {
        return previewDeposit(assets);
    }

    function convertToAssets(uint256 shares) public view override returns (uint256) {
        return previewRedeem(shares);
    }

    function previewDeposit(uint256 assets) public view override returns (uint256) {
        return assets.fullMulDiv(_virtualSupply(), _navQuote(true) + 1);
    }

    function previewMint(uint256 shares) public view override returns (uint256) {
        return shares.fullMulDivUp(_navQuote(true) + 1, _virtualSupply());
    }

    function previewWithdraw(uint256 assets) public view override returns (uint256) {
        return assets.fullMulDivUp(_virtualSupply(), _navQuote(false) + 1);
    }

    function previewRedeem(uint256 shares) public view override returns (uint256) {
        return shares.fullMulDiv(_navQuote(false) + 1, _virtualSupply());
    }

    function _virtualSupply() private view returns (uint256) {
        return totalSupply() + 10 ** DECIMALS_OFFSET;
    }

    function _decimalsOffset() internal view override returns (uint8) {
        return DECIMALS_OFFSET;
    }

    function _underlyingDecimals() internal view override returns (uint8) {
        return QUOTE_DECIMALS;
    }

    /// @dev NAV in quote units, rounded up or down.
    function _navQuote(bool roundUp) private view returns (uint256) {
        uint256 navWad = _valuationOrRevert(roundUp).nav;
        return
            roundUp
                ? navWad.mulDivUp(QUOTE_UNIT, ConstantsLib.WAD)
                : navWad.mulDiv(QUOTE_UNIT, ConstantsLib.WAD);
    }

    /* ---------------------------------------------------------------- INTERNALS */

    function _weights(Valuation memory v) private pure returns (uint256[] memory w) {
        w = new uint256[](v.values.length);
        for (uint256 i; i < w.length; ++i) {
            w[i] = v.values[i].mulDiv(ConstantsLib.WAD, v.nav);
        }
    }

    /// @dev The tighter of the absolute and relative band, in WAD of NAV; a band set to 0 is off.
    function _bandWad(uint256 i, uint256 targetBps) private view returns (uint256) {
        uint256 absWad = (uint256(_absBandBps[i]) * ConstantsLib.WAD) / ConstantsLib.BPS;
        uint256 relWad =
            (uint256(_relBandBps[i]) * targetBps * ConstantsLib.WAD) / (ConstantsLib.BPS * ConstantsLib.BPS);
        if (_relBandBps[i] == 0) return absWad;
        if (_absBandBps[i] == 0) return relWad;
        return FixedPointMathLib.min(absWad, relWad);
    }

    function _checkTargets(uint16[] memory t) private view returns (uint16[] memory) {
        if (t.length != ASSET_COUNT) revert ErrorsLib.InvalidAssetCount(t.length);
        uint256 sum;
        for (uint256 i; i < t.length; ++i) {
            sum += t[i];
        }
        if (sum != ConstantsLib.BPS) revert ErrorsLib.TargetsDoNotSum(sum);
        return t;
    }

    function _setTargets(uint16[] memory t) private {
        for (uint256 i; i < t.length; ++i) {
            _targetBps[i] = t[i];
        }
        emit TargetsApplied(t);
    }

    function _setBands(uint16[] memory absBps, uint16[] memory relBps) private {
        uint256 n = ASSET_COUNT;
        if (absBps.length != n || relBps.length != n) revert ErrorsLib.InvalidAssetCount(absBps.length);
        for (uint256 i; i < n; ++i) {
            if (absBps[i] == 0 && relBps[i] == 0) {
                revert ErrorsLib.OutOfBounds(
                    "band",
                    0,
                    ConstantsLib.MIN_ABS_BAND_BPS,
                    ConstantsLib.MAX_ABS_BAND_BPS
                );
            }
            if (absBps[i] != 0) {
                _checkBound(
                    "absBandBps",
                    absBps[i],
                    ConstantsLib.MIN_ABS_BAND_BPS,
                    ConstantsLib.MAX_ABS_BAND_BPS
                );
            }
            if (relBps[i] != 0) {
                _checkBound(
                    "relBandBps",
                    relBps[i],
                    ConstantsLib.MIN_REL_BAND_BPS,
                    ConstantsLib.MAX_REL_BAND_BPS
                );
            }
            _absBandBps[i] = absBps[i];
            _relBandBps[i] = relBps[i];
        }
        emit BandsSet(absBps, relBps);
    }

    function _toArray(uint16[8] storage packed) private view returns (uint16[] memory a) {
        a = new uint16[](ASSET_COUNT);
        for (uint256 i; i < a.length; ++i) {
            a[i] = packed[i];
        }
    }
}
