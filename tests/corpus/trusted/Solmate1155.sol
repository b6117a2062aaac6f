// SPDX-License-Identifier: MIT
pragma solidity ^0.8.0;

// Thin concrete wrapper over solmate's abstract ERC1155 and Owned: the owner mints, a holder
// burns their own balance; uri is the only abstract function and returns a constant.
import {ERC1155} from "../../../node_modules/solmate/src/tokens/ERC1155.sol";
import {Owned} from "../../../node_modules/solmate/src/auth/Owned.sol";

contract Solmate1155 is ERC1155, Owned {
    constructor() Owned(msg.sender) {}

    function uri(uint256) public pure override returns (string memory) {
        return "ipfs://solmate-1155/{id}";
    }

    function mint(address to, uint256 id, uint256 amount) external onlyOwner {
        _mint(to, id, amount, "");
    }

    function burn(uint256 id, uint256 amount) external {
        _burn(msg.sender, id, amount);
    }
}
