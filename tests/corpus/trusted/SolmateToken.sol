// SPDX-License-Identifier: MIT
pragma solidity ^0.8.0;

// Thin concrete wrapper over solmate's abstract ERC20 and Owned (node_modules/solmate, v6.8.0):
// the owner mints, anyone burns their own tokens. Nothing else is added.
import {ERC20} from "../../../node_modules/solmate/src/tokens/ERC20.sol";
import {Owned} from "../../../node_modules/solmate/src/auth/Owned.sol";

contract SolmateToken is ERC20, Owned {
    constructor() ERC20("Solmate Token", "SMT", 18) Owned(msg.sender) {
        _mint(msg.sender, 1_000_000e18);
    }

    function mint(address to, uint256 amount) external onlyOwner {
        _mint(to, amount);
    }

    function burn(uint256 amount) external {
        _burn(msg.sender, amount);
    }
}
