// SPDX-License-Identifier: MIT
pragma solidity ^0.8.0;

// Thin concrete wrapper over solmate's abstract ERC4626 (which moves the asset with
// SafeTransferLib), over the solmate ERC20 of SolmateToken.sol: totalAssets is the only
// abstract function and is the vault's balance of the asset.
import {ERC20} from "../../../node_modules/solmate/src/tokens/ERC20.sol";
import {ERC4626} from "../../../node_modules/solmate/src/tokens/ERC4626.sol";
import {SolmateToken} from "./SolmateToken.sol";

contract SolmateVault is ERC4626 {
    constructor(SolmateToken underlying) ERC4626(ERC20(address(underlying)), "Solmate Vault", "vSMT") {}

    function totalAssets() public view override returns (uint256) {
        return asset.balanceOf(address(this));
    }
}
