// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

// Concrete wrappers over solmate (abstract ERC20, ERC721 and ERC4626): a constructor, a public
// mint used only to set up the conformance checks, and the two functions solmate leaves
// unimplemented - ERC721.tokenURI (here: "" for a minted token, a revert otherwise, as EIP-721
// asks) and ERC4626.totalAssets (here: the vault's balance of the asset, solmate's documented
// meaning). No function solmate implements is overridden.

import {ERC20} from "solmate/tokens/ERC20.sol";
import {ERC721} from "solmate/tokens/ERC721.sol";
import {ERC4626} from "solmate/tokens/ERC4626.sol";

contract SolmateERC20 is ERC20 {
    constructor() ERC20("Solmate Token", "SMT", 18) {}

    function mint(address to, uint256 value) external {
        _mint(to, value);
    }
}

contract SolmateERC721 is ERC721 {
    uint256 private _next = 1;

    constructor() ERC721("Solmate Collection", "SMC") {}

    function mint(address to) external returns (uint256 id) {
        id = _next++;
        _mint(to, id);
    }

    function tokenURI(uint256 id) public view override returns (string memory) {
        require(_ownerOf[id] != address(0), "NOT_MINTED");
        return "";
    }
}

contract SolmateERC4626 is ERC4626 {
    constructor(ERC20 asset_) ERC4626(asset_, "Solmate Vault", "smV") {}

    function totalAssets() public view override returns (uint256) {
        return asset.balanceOf(address(this));
    }
}
