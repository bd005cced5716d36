// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// @title TestERC20
/// @notice TEST ONLY. Stands in for WETH, USDC and WBTC in the local market, with their mainnet
/// decimals. No real part exists offline for WBTC: the forked suite's replica places this token at
/// WBTC's mainnet address and names it a stand-in (WETH9 and USDC there are their own builds).
/// Anyone may mint: the local market's arbitrageur and tests fund themselves with it.
contract TestERC20 is ERC20 {
    uint8 private immutable DECIMALS;

    constructor(string memory name_, string memory symbol_, uint8 decimals_) ERC20(name_, symbol_) {
        DECIMALS = decimals_;
    }

    function decimals() public view override returns (uint8) {
        return DECIMALS;
    }

    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }
}

/// @title FeeOnTransferERC20
/// @notice TEST ONLY. Takes `feeBps` of every transfer: the kind of token the vault must refuse.
contract FeeOnTransferERC20 is ERC20 {
    uint256 public immutable FEE_BPS;

    constructor(uint256 feeBps) ERC20("Fee Token", "FEE") {
        FEE_BPS = feeBps;
    }

    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }

    function _update(address from, address to, uint256 value) internal override {
        if (from == address(0) || to == address(0)) return super._update(from, to, value);
        uint256 fee = (value * FEE_BPS) / 10_000;
        super._update(from, address(0xdead), fee);
        super._update(from, to, value - fee);
    }
}
