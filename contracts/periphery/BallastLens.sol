// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {
    BandConfig,
    BookLimits,
    HedgeLendingStatus,
    IDeltaHedgeLendingVaultExt,
    IDeltaHedgeVault,
    HedgeStatus,
    VolatilitySettings
} from "../interfaces/IDeltaHedgeVault.sol";
import {
    AmountSettings,
    AssetConfig,
    EngineSettings,
    EngineState,
    IRebalanceEngine,
    IRebalanceEngineCore,
    IRebalanceEngineExt,
    RebalanceStatus,
    Reason,
    VaultKind
} from "../interfaces/IRebalanceEngine.sol";
import {
    ILeverageVault,
    ILeverageVaultFlows,
    LeverageConfig,
    LeverageStatus
} from "../interfaces/ILeverageVault.sol";
import {ITargetWeightVault} from "../interfaces/ITargetWeightVault.sol";
import {ChainlinkOracleLib} from "../oracles/ChainlinkOracleLib.sol";

/// @notice One asset of a vault as the lens sees it.
// solhint-disable-next-line gas-struct-packing
struct AssetStatus {
    address token;
    string symbol; // "" when the token's symbol() cannot be read
    uint8 decimals;
    address feed;
    uint8 feedDecimals;
    bool feedOk; // latestRoundData() answered with five words
    int256 feedAnswer;
    uint256 feedUpdatedAt; // unix seconds
    uint256 maxStalenessSeconds;
    address pool; // zero for the quote asset
    uint24 poolFee;
    uint256 balance; // token units held by the vault
    uint256 weightWad; // weight at oracle prices; 0 when prices are unusable
    uint16 targetBps; // target-weight vaults
    uint16 absBandBps;
    uint16 relBandBps;
}

/// @notice What `rebalance()` would do if sent now, found by running it (then undoing it).
struct Simulation {
    bool ran; // false when the predicate is not Due (nothing was run)
    bool ok; // rebalance() succeeded
    uint256 reward; // the exact reward it paid, quote units (0 unless ok)
    uint256 gasUsed; // execution gas of the call as the simulator made it (warm accounts: a lower bound)
    bytes revertData; // its revert data when it failed
}

/// @notice A delta-hedged vault's own parameters (what its vault:* tasks set).
struct HedgeParams {
    address book;
    VolatilitySettings volatility;
    int256 rateWad;
    BandConfig band;
    BookLimits limits;
}

/// @notice A leverage vault's position, its leverage settings and, when the ripcord is due, what
/// `ripcord()` would do if sent now (found by running it, as `rebalance()` is).
struct LeverageView {
    LeverageStatus status;
    LeverageConfig config;
    Simulation ripcord; // ran only while status.ripcordDue
}

/// @notice A vault's whole status, everything `npx hardhat status`, `rebalance` and `keeper` read.
struct VaultStatus {
    address vault;
    VaultKind kind; // None: not a Ballast vault (the other fields are then empty)
    bool hedgeLends; // a delta-hedged vault on a lending market (it may go short): hedgeLending is set
    address extension;
    address owner;
    address guardian;
    RebalanceStatus status; // the predicate's answer and the legs it would execute
    Simulation simulation;
    uint256[] pricesWad; // empty when prices are unusable (status.reason says why)
    EngineSettings settings;
    AmountSettings amounts;
    EngineState state;
    AssetStatus[] assets;
    uint256 totalSupply; // target-weight vaults: shares outstanding
    uint256 changeDelaySeconds; // how long targets and loosening changes wait (0: delta-hedged)
    HedgeStatus hedge; // delta-hedged vaults
    HedgeParams hedgeParams; // delta-hedged vaults
    HedgeLendingStatus hedgeLending; // when hedgeLends
    LeverageView leverage; // leverage vaults
}

/// @notice The chain's state the reads were made at, and the keeper's ETH. (No base fee: nodes run
/// `eth_call` with a base fee of 0 unless a gas price is given, so BASEFEE here would mislead.)
struct ChainStatus {
    uint256 blockNumber;
    uint256 timestamp;
    uint256 keeperBalance; // wei held by the keeper address given
}

/// @title BallastLens
/// @notice A read-only periphery contract for off-chain readers (as Uniswap's periphery lens contracts
/// are): one `eth_call` returns the whole status of any number of Ballast vaults — kind, trigger reason
/// and detail, the legs with their minimum outputs, NAV, prices and feed ages, token symbols and
/// decimals, weights with targets and bands or the hedge figures, settings, state and the exact reward
/// a rebalance would pay, found by simulating it.
/// @dev Not meant to be called on-chain, nor deployed: the tools send its creation code in an
/// `eth_call` (a "deployless" call), the constructor does the reads and returns their ABI encoding
/// as if it were `statuses()`'s. It may also be deployed and `statuses()` called. Each rebalance is
/// simulated inside a `RebalanceSimulator` that reverts with the outcome, so one vault's simulation
/// never changes what the next vault's reads see (shared pools stay where they were).
contract BallastLens {
    /// @dev Runs `statuses` and returns its encoding as the creation's (the eth_call's) result.
    constructor(address[] memory vaults, address keeper) {
        (ChainStatus memory chain, VaultStatus[] memory all) = statuses(vaults, keeper);
        bytes memory out = abi.encode(chain, all);
        assembly ("memory-safe") {
            return(add(out, 0x20), mload(out))
        }
    }

    /// @notice The status of each vault, and the chain's block and the keeper's balance.
    /// @dev Not a view: it simulates `rebalance()`, whose effects the simulator's revert undoes.
    function statuses(
        address[] memory vaults,
        address keeper
    ) public returns (ChainStatus memory chain, VaultStatus[] memory out) {
        chain = ChainStatus(block.number, block.timestamp, keeper.balance);
        RebalanceSimulator simulator = new RebalanceSimulator();
        out = new VaultStatus[](vaults.length);
        for (uint256 i; i < vaults.length; ++i) {
            out[i] = _status(vaults[i], simulator);
        }
    }

    function _status(address vault, RebalanceSimulator simulator) private returns (VaultStatus memory s) {
        s.vault = vault;
        s.kind = _kind(vault);
        if (s.kind == VaultKind.None) return s;
        IRebalanceEngine v = IRebalanceEngine(vault);
        s.extension = v.extension();
        s.owner = v.owner();
        s.guardian = v.guardian();
        s.changeDelaySeconds = v.changeDelaySeconds();
        s.status = v.rebalanceStatus();
        s.settings = v.engineSettings();
        s.amounts = v.amountSettings();
        s.state = v.engineState();
        try v.pricesWad() returns (uint256[] memory p) {
            s.pricesWad = p;
        } catch {} // solhint-disable-line no-empty-blocks
        s.assets = _assets(v);
        if (s.kind == VaultKind.TargetWeight) _targetWeight(ITargetWeightVault(vault), s);
        else if (s.kind == VaultKind.DeltaHedge) _hedge(IDeltaHedgeVault(vault), s);
        else _leverage(ILeverageVault(vault), s, simulator);
        if (s.status.reason == Reason.Due)
            s.simulation = simulator.run(vault, abi.encodeCall(IRebalanceEngineCore.rebalance, ()));
    }

    /// @dev A leverage vault's figures; its ripcord is simulated while due, whatever the predicate says
    /// (the ripcord ignores the cooldown, the breaker and the pause).
    function _leverage(ILeverageVault v, VaultStatus memory s, RebalanceSimulator simulator) private {
        s.leverage.status = v.leverageStatus();
        s.leverage.config = v.leverageConfig();
        if (s.leverage.status.ripcordDue)
            s.leverage.ripcord = simulator.run(address(v), abi.encodeCall(ILeverageVaultFlows.ripcord, ()));
    }

    function _hedge(IDeltaHedgeVault v, VaultStatus memory s) private view {
        s.hedge = v.hedgeStatus();
        s.hedgeParams = HedgeParams(v.book(), v.volatility(), v.rateWad(), v.band(), v.bookLimits());
        // Only a DeltaHedgeLendingVault answers lendingStatus(); the plain vault's extension reverts.
        try IDeltaHedgeLendingVaultExt(address(v)).lendingStatus() returns (
            HedgeLendingStatus memory lending
        ) {
            s.hedgeLends = true;
            s.hedgeLending = lending;
        } catch {} // solhint-disable-line no-empty-blocks
    }

    /// @dev The vault's kind, or None for an address without code or without a Ballast `vaultKind()`.
    function _kind(address vault) private view returns (VaultKind) {
        if (vault.code.length == 0) return VaultKind.None;
        (bool ok, bytes memory ret) = vault.staticcall(abi.encodeCall(IRebalanceEngineExt.vaultKind, ()));
        if (!ok || ret.length != 32) return VaultKind.None;
        uint256 k = abi.decode(ret, (uint256));
        if (k == 0 || k > uint256(type(VaultKind).max)) return VaultKind.None;
        return VaultKind(k);
    }

    function _assets(IRebalanceEngine v) private view returns (AssetStatus[] memory a) {
        uint256 n = v.assetCount();
        a = new AssetStatus[](n);
        for (uint256 i; i < n; ++i) {
            AssetConfig memory c = v.assetConfig(i);
            AssetStatus memory x = a[i];
            x.token = c.token;
            x.symbol = _symbol(c.token);
            x.decimals = c.decimals;
            x.feed = c.feed;
            x.feedDecimals = c.feedDecimals;
            (x.feedOk, x.feedAnswer, , x.feedUpdatedAt) = ChainlinkOracleLib.latestRound(c.feed);
            x.maxStalenessSeconds = v.maxStaleness(i);
            x.pool = c.pool;
            x.poolFee = c.poolFee;
            x.balance = _balanceOf(c.token, address(v));
        }
    }

    function _targetWeight(ITargetWeightVault v, VaultStatus memory s) private view {
        (uint16[] memory t, uint16[] memory absBand, uint16[] memory relBand) = v.targets();
        for (uint256 i; i < s.assets.length; ++i) {
            s.assets[i].targetBps = t[i];
            s.assets[i].absBandBps = absBand[i];
            s.assets[i].relBandBps = relBand[i];
        }
        try v.weightsWad() returns (uint256[] memory w, uint256) {
            for (uint256 i; i < w.length; ++i) s.assets[i].weightWad = w[i];
        } catch {} // solhint-disable-line no-empty-blocks
        s.totalSupply = v.totalSupply();
    }

    /// @dev `symbol()` as a string, or as bytes32 (older tokens); "" when neither decodes.
    function _symbol(address token) private view returns (string memory) {
        (bool ok, bytes memory ret) = token.staticcall(abi.encodeWithSignature("symbol()"));
        if (!ok) return "";
        if (ret.length >= 64) return abi.decode(ret, (string));
        if (ret.length == 32) {
            bytes32 raw = abi.decode(ret, (bytes32));
            uint256 len;
            while (len < 32 && raw[len] != 0) ++len;
            bytes memory b = new bytes(len);
            for (uint256 j; j < len; ++j) b[j] = raw[j];
            return string(b);
        }
        return "";
    }

    function _balanceOf(address token, address holder) private view returns (uint256) {
        (bool ok, bytes memory ret) = token.staticcall(abi.encodeWithSignature("balanceOf(address)", holder));
        return ok && ret.length >= 32 ? abi.decode(ret, (uint256)) : 0;
    }
}

/// @title RebalanceSimulator
/// @notice Runs a vault's `rebalance()` (or `ripcord()`: any call that returns the reward it paid) and
/// reverts with the outcome, so whatever the call did is undone. Used by BallastLens inside an
/// `eth_call`; worthless on-chain (it can only ever revert).
contract RebalanceSimulator {
    /// @notice The outcome, carried out of `simulate` by its revert.
    error Simulated(bool ok, uint256 reward, uint256 gasUsed, bytes revertData);

    /// @notice Runs `simulate` and decodes the outcome it reverts with.
    function run(address vault, bytes calldata data) external returns (Simulation memory sim) {
        sim.ran = true;
        // solhint-disable-next-line no-empty-blocks
        try this.simulate(vault, data) {
            // unreachable: simulate always reverts
        } catch (bytes memory ret) {
            // forge-lint: disable-next-line(unsafe-typecast) -- bytes4 of revert data: taking its first four bytes is the point (the length is checked first)
            if (ret.length < 4 || bytes4(ret) != Simulated.selector) {
                sim.revertData = ret; // out of gas or similar, outside the vault's own call
                return sim;
            }
            assembly ("memory-safe") {
                // Drop the selector: the rest is the error's ABI-encoded arguments.
                mstore(add(ret, 4), sub(mload(ret), 4))
                ret := add(ret, 4)
            }
            (sim.ok, sim.reward, sim.gasUsed, sim.revertData) = abi.decode(
                ret,
                (bool, uint256, uint256, bytes)
            );
        }
    }

    /// @notice Calls `vault` with `data` (a call returning the reward it paid) and always reverts with
    /// `Simulated(...)`.
    function simulate(address vault, bytes calldata data) external {
        uint256 start = gasleft();
        // solhint-disable-next-line avoid-low-level-calls
        (bool ok, bytes memory ret) = vault.call(data);
        uint256 used = start - gasleft();
        uint256 reward;
        if (ok && ret.length >= 32) reward = abi.decode(ret, (uint256));
        revert Simulated(ok, reward, used, ok ? new bytes(0) : ret);
    }
}
