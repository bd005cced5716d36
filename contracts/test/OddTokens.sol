// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {TestERC20} from "./TestERC20.sol";

/// @title NoReturnERC20
/// @notice TEST ONLY. A token whose `transfer`, `transferFrom` and `approve` return nothing, as
/// USDT's do on mainnet: a caller that expects a `bool` fails to decode the empty return data.
contract NoReturnERC20 {
    string public name;
    string public symbol;
    uint8 private immutable DECIMALS;
    uint256 public totalSupply;
    mapping(address => uint256) public balanceOf;
    mapping(address => mapping(address => uint256)) public allowance;

    event Transfer(address indexed from, address indexed to, uint256 value);
    event Approval(address indexed owner, address indexed spender, uint256 value);

    error Insufficient(uint256 have, uint256 need);

    constructor(string memory name_, string memory symbol_, uint8 decimals_) {
        name = name_;
        symbol = symbol_;
        DECIMALS = decimals_;
    }

    function decimals() external view returns (uint8) {
        return DECIMALS;
    }

    function mint(address to, uint256 amount) external {
        totalSupply += amount;
        balanceOf[to] += amount;
        emit Transfer(address(0), to, amount);
    }

    function approve(address spender, uint256 amount) external {
        allowance[msg.sender][spender] = amount;
        emit Approval(msg.sender, spender, amount);
    }

    function transfer(address to, uint256 amount) external {
        _move(msg.sender, to, amount);
    }

    function transferFrom(address from, address to, uint256 amount) external {
        uint256 allowed = allowance[from][msg.sender];
        if (allowed != type(uint256).max) {
            if (allowed < amount) revert Insufficient(allowed, amount);
            allowance[from][msg.sender] = allowed - amount;
        }
        _move(from, to, amount);
    }

    function _move(address from, address to, uint256 amount) private {
        if (balanceOf[from] < amount) revert Insufficient(balanceOf[from], amount);
        balanceOf[from] -= amount;
        balanceOf[to] += amount;
        emit Transfer(from, to, amount);
    }
}

/// @title RevertOnZeroERC20
/// @notice TEST ONLY. A token that reverts on a transfer of zero (as some mainnet tokens do): any path
/// that sends a zero amount instead of skipping it fails.
contract RevertOnZeroERC20 is TestERC20 {
    error ZeroTransfer();

    constructor(
        string memory name_,
        string memory symbol_,
        uint8 decimals_
    ) TestERC20(name_, symbol_, decimals_) {}

    function _update(address from, address to, uint256 value) internal override {
        if (value == 0) revert ZeroTransfer();
        super._update(from, to, value);
    }
}

/// @title BlocklistERC20
/// @notice TEST ONLY. A token whose issuer can block an address (as USDC's blacklister can): a
/// blocked address can neither send nor receive. Anyone may block here; the tests play the issuer.
contract BlocklistERC20 is TestERC20 {
    mapping(address => bool) public blocked;

    error Blocked(address account);

    constructor(
        string memory name_,
        string memory symbol_,
        uint8 decimals_
    ) TestERC20(name_, symbol_, decimals_) {}

    function setBlocked(address account, bool isBlocked) external {
        blocked[account] = isBlocked;
    }

    function _update(address from, address to, uint256 value) internal override {
        if (blocked[from]) revert Blocked(from);
        if (blocked[to]) revert Blocked(to);
        super._update(from, to, value);
    }
}
