// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

// Concrete wrappers over OpenZeppelin Contracts (abstract ERC20, ERC721, ERC721Enumerable and
// ERC4626): a constructor and, where the standard has no way to create tokens, a public mint used
// only to set up the conformance checks. No standard function is overridden.

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {ERC4626} from "@openzeppelin/contracts/token/ERC20/extensions/ERC4626.sol";
import {ERC721} from "@openzeppelin/contracts/token/ERC721/ERC721.sol";
import {ERC721Enumerable} from "@openzeppelin/contracts/token/ERC721/extensions/ERC721Enumerable.sol";

contract OzERC20 is ERC20 {
    constructor() ERC20("OZ Token", "OZT") {}

    function mint(address to, uint256 value) external {
        _mint(to, value);
    }
}

contract OzERC721 is ERC721 {
    uint256 private _next = 1;

    constructor() ERC721("OZ Collection", "OZC") {}

    function mint(address to) external returns (uint256 id) {
        id = _next++;
        _mint(to, id);
    }
}

contract OzERC721Enumerable is ERC721Enumerable {
    uint256 private _next = 1;

    constructor() ERC721("OZ Enumerable", "OZE") {}

    function mint(address to) external returns (uint256 id) {
        id = _next++;
        _mint(to, id);
    }
}

contract OzERC4626 is ERC4626 {
    constructor(IERC20 asset_) ERC4626(asset_) ERC20("OZ Vault", "ozV") {}
}
