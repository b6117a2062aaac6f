// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

// Thin concrete wrapper over OpenZeppelin 5's abstract ERC20 and Ownable: the owner mints,
// anyone burns their own tokens.
import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";

contract OZToken is ERC20, Ownable {
    constructor() ERC20("OZ Token", "OZT") Ownable(msg.sender) {
        _mint(msg.sender, 1_000_000e18);
    }

    function mint(address to, uint256 amount) external onlyOwner {
        _mint(to, amount);
    }

    function burn(uint256 amount) external {
        _burn(msg.sender, amount);
    }
}
