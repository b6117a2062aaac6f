// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

// Thin concrete wrapper over OpenZeppelin 5's abstract ERC721 and Ownable: the owner mints
// (safe mint), a token's owner or approved operator burns it.
import {ERC721} from "@openzeppelin/contracts/token/ERC721/ERC721.sol";
import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";

contract OZNFT is ERC721, Ownable {
    constructor() ERC721("OZ NFT", "OZN") Ownable(msg.sender) {}

    function mint(address to, uint256 tokenId) external onlyOwner {
        _safeMint(to, tokenId);
    }

    function burn(uint256 tokenId) external {
        _update(address(0), tokenId, _msgSender()); // checks the caller is the owner or approved
    }
}
