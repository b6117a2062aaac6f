// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

/// @title A stand-in for a contract ouro only knows by its interface.
/// @notice Deployed where the code under test calls an address as an interface that no contract
/// of the file implements. Every call succeeds and returns one word holding 1 (true, 1, or
/// address 0x..01), which satisfies any single-value return a caller decodes; ETH is accepted.
contract OuroStub {
    fallback(bytes calldata) external payable returns (bytes memory) {
        return abi.encode(uint256(1), uint256(1), uint256(1));
    }
}
