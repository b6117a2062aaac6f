// SPDX-License-Identifier: MIT
pragma solidity ^0.8.0;

// Thin concrete wrapper over solmate's abstract ERC721 and Owned: the owner mints (safe mint),
// a token's owner burns it; tokenURI is the only abstract function and returns a constant.
import {ERC721} from "../../../node_modules/solmate/src/tokens/ERC721.sol";
import {Owned} from "../../../node_modules/solmate/src/auth/Owned.sol";

contract SolmateNFT is ERC721, Owned {
    constructor() ERC721("Solmate NFT", "SMN") Owned(msg.sender) {}

    function tokenURI(uint256) public pure override returns (string memory) {
        return "ipfs://solmate-nft";
    }

    function mint(address to, uint256 id) external onlyOwner {
        _safeMint(to, id);
    }

    function burn(uint256 id) external {
        require(msg.sender == ownerOf(id), "NOT_OWNER");
        _burn(id);
    }
}
