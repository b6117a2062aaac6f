// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

// Thin concrete wrapper over OpenZeppelin 5's abstract ERC4626, over the OpenZeppelin ERC20 of
// OZToken.sol. Nothing is overridden.
import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {ERC4626} from "@openzeppelin/contracts/token/ERC20/extensions/ERC4626.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {OZToken} from "./OZToken.sol";

contract OZVault is ERC4626 {
    constructor(OZToken underlying) ERC20("OZ Vault", "vOZT") ERC4626(IERC20(address(underlying))) {}
}
