// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";

/// @title An owner-mintable ERC-20 built on OpenZeppelin Contracts 5.
contract SafeToken is ERC20, Ownable {
    constructor(uint256 initialSupply) ERC20("Safe Token", "SAFE") Ownable(msg.sender) {
        _mint(msg.sender, initialSupply);
    }

    function mint(address to, uint256 amount) external onlyOwner {
        _mint(to, amount);
    }
}
