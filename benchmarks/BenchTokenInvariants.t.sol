// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

import {BenchToken} from "../src/BenchToken.sol";

/// forge's side of benchmarks/property_engine.py: random calls to the token, one invariant.
contract BenchTokenInvariants {
    BenchToken token;

    function setUp() public {
        token = new BenchToken();
    }

    function targetContracts() public view returns (address[] memory t) {
        t = new address[](1);
        t[0] = address(token);
    }

    function invariant_supplyCoversSender() public view {
        require(token.balanceOf(address(this)) <= token.totalSupply());
    }
}
