// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IReceiver} from "@chainlink/contracts/src/v0.8/keystone/interfaces/IReceiver.sol";
import {Ownable, Ownable2Step} from "@openzeppelin/contracts/access/Ownable2Step.sol";
import {IERC165} from "@openzeppelin/contracts/utils/introspection/IERC165.sol";
import {SafeTransferLib} from "solady/src/utils/SafeTransferLib.sol";

import {ILeverageVaultFlows} from "../interfaces/ILeverageVault.sol";
import {IRebalanceEngine} from "../interfaces/IRebalanceEngine.sol";

/// @title RebalanceReceiver
/// @notice Chainlink CRE's way in to Ballast's vaults: a workflow's DON signs a report naming a vault,
/// Chainlink's KeystoneForwarder checks the signatures and calls `onReport`, and this contract calls
/// the vault's permissionless `rebalance()` — the same path, checks and bounds as any keeper's — or,
/// when the report asks for it, a leverage vault's permissionless `ripcord()`, and passes the reward
/// on to the configured payee. It accepts a report only from the configured
/// forwarder, only from the configured workflow (its owner, and its id and name when set), only for a
/// listed vault, only before the report's deadline and only while the vault has not rebalanced since
/// the workflow looked (which also makes a replayed report void). Every refusal reverts with a custom
/// error and changes nothing; the forwarder records the delivery as failed. It holds nothing between
/// calls. Trust model: SPEC §11.
contract RebalanceReceiver is IReceiver, IERC165, Ownable2Step {
    using SafeTransferLib for address;

    /// @notice Who a report must come from (the workflow's identity in the report metadata).
    struct Workflow {
        address owner; // required: the workflow owner's address
        bytes32 id; // zero: any workflow of `owner` (subject to `name`)
        bytes10 name; // zero: any name
    }

    /// @notice The metadata is shorter than the forwarder's 64 bytes (id, name, owner, report id).
    error InvalidMetadata(uint256 length);
    /// @notice The report is neither `abi.encode(vault, lastRebalanceAt, deadline)` nor that with an
    /// action word appended (`length` bytes).
    error InvalidReport(uint256 length);
    /// @notice The report's action is neither ACTION_REBALANCE nor ACTION_RIPCORD.
    error UnknownAction(uint256 action);
    /// @notice `onReport` was called by someone other than the configured forwarder.
    error NotForwarder(address caller);
    /// @notice The report's workflow is not the configured one.
    error WrongWorkflow(bytes32 id, bytes10 name, address owner);
    /// @notice The report names a vault that is not on this receiver's list.
    error UnknownVault(address vault);
    /// @notice The report's deadline has passed.
    error ReportExpired(uint256 deadline);
    /// @notice The vault rebalanced after the workflow read it (a late or replayed report).
    error ReportSuperseded(address vault, uint256 observed, uint256 lastRebalanceAt);
    /// @notice A zero address where one is required.
    error ZeroAddress();

    /// @notice A report ran `action` (ACTION_REBALANCE or ACTION_RIPCORD) on `vault`; `reward` (quote
    /// units) went to `payee`.
    event ReportExecuted(
        address indexed vault,
        bytes32 indexed workflowId,
        uint256 action,
        uint256 reward,
        address payee
    );
    /// @notice The accepted workflow changed.
    event WorkflowSet(address owner, bytes32 id, bytes10 name);
    /// @notice Rewards now go to `payee`.
    event PayeeSet(address payee);
    /// @notice `vault` was listed (`allowed`) or delisted.
    event VaultSet(address indexed vault, bool allowed);

    /// @notice A report's action: call the vault's `rebalance()` (a 96-byte report means this).
    uint256 public constant ACTION_REBALANCE = 0;
    /// @notice A report's action: call a leverage vault's `ripcord()`.
    uint256 public constant ACTION_RIPCORD = 1;

    /// @notice The only caller of `onReport`: Chainlink's KeystoneForwarder on this chain.
    address public immutable FORWARDER;

    /// @notice The accepted workflow.
    Workflow public workflow;
    /// @notice Where rewards go.
    address public payee;
    /// @notice Vaults a report may name.
    mapping(address vault => bool) public isVault;

    constructor(
        address forwarder,
        address owner_,
        Workflow memory workflow_,
        address payee_
    ) Ownable(owner_) {
        if (forwarder == address(0)) revert ZeroAddress();
        FORWARDER = forwarder;
        _setWorkflow(workflow_);
        _setPayee(payee_);
    }

    /// @inheritdoc IReceiver
    /// @dev `metadata`: workflow id (32 bytes), name (10), owner (20), report id (2), packed.
    /// `report`: `abi.encode(address vault, uint256 lastRebalanceAt, uint256 deadline)` (a rebalance),
    /// or `abi.encode(vault, lastRebalanceAt, deadline, uint256 action)`, where `lastRebalanceAt` is the
    /// vault's `engineState().lastRebalanceAt` the workflow saw. A ripcord report is held to the same
    /// checks; the vault's own rules bound it (it runs only at or above the ripcord bound, and each call
    /// must lower leverage), so one delivered twice before its deadline pays at most what two keepers'
    /// calls would.
    function onReport(bytes calldata metadata, bytes calldata report) external override {
        if (msg.sender != FORWARDER) revert NotForwarder(msg.sender);
        if (metadata.length < 62) revert InvalidMetadata(metadata.length);
        bytes32 id = bytes32(metadata[0:32]);
        bytes10 name = bytes10(metadata[32:42]);
        address author = address(bytes20(metadata[42:62]));
        Workflow memory w = workflow;
        if (
            author != w.owner ||
            (w.id != bytes32(0) && id != w.id) ||
            (w.name != bytes10(0) && name != w.name)
        ) {
            revert WrongWorkflow(id, name, author);
        }
        if (report.length != 96 && report.length != 128) revert InvalidReport(report.length);
        (address vault, uint256 observed, uint256 deadline) = abi.decode(report, (address, uint256, uint256));
        uint256 action = report.length == 128 ? uint256(bytes32(report[96:128])) : ACTION_REBALANCE;
        if (action > ACTION_RIPCORD) revert UnknownAction(action);
        if (!isVault[vault]) revert UnknownVault(vault);
        // forge-lint: disable-next-line(block-timestamp) -- a deadline is a time rule by definition
        if (block.timestamp > deadline) revert ReportExpired(deadline);
        uint256 last = IRebalanceEngine(vault).engineState().lastRebalanceAt;
        if (last != observed) revert ReportSuperseded(vault, observed, last);
        // Reverts with the vault's own reason (RebalanceNotDue, RipcordNotDue, …) when it may not act now.
        uint256 reward =
            action == ACTION_RIPCORD
                ? ILeverageVaultFlows(vault).ripcord()
                : IRebalanceEngine(vault).rebalance();
        address to = payee;
        if (reward != 0) IRebalanceEngine(vault).assetConfig(0).token.safeTransfer(to, reward);
        emit ReportExecuted(vault, id, action, reward, to);
    }

    /// @inheritdoc IERC165
    /// @dev IReceiver and IERC165: Chainlink's current forwarder checks IReceiver through ERC-165
    /// before it delivers (the 1.2.0 build the tests compile does not).
    function supportsInterface(bytes4 interfaceId) external pure override returns (bool) {
        return interfaceId == type(IReceiver).interfaceId || interfaceId == type(IERC165).interfaceId;
    }

    /// @notice Sets the accepted workflow (owner required; id and name narrow it when non-zero).
    function setWorkflow(Workflow calldata workflow_) external onlyOwner {
        _setWorkflow(workflow_);
    }

    /// @notice Sets where rewards go.
    function setPayee(address payee_) external onlyOwner {
        _setPayee(payee_);
    }

    /// @notice Lists or delists a vault.
    function setVault(address vault, bool allowed) external onlyOwner {
        if (vault == address(0)) revert ZeroAddress();
        isVault[vault] = allowed;
        emit VaultSet(vault, allowed);
    }

    function _setWorkflow(Workflow memory w) private {
        if (w.owner == address(0)) revert ZeroAddress();
        workflow = w;
        emit WorkflowSet(w.owner, w.id, w.name);
    }

    function _setPayee(address payee_) private {
        if (payee_ == address(0)) revert ZeroAddress();
        payee = payee_;
        emit PayeeSet(payee_);
    }
}
