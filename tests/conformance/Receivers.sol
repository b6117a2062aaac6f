// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

/// @notice Implements onERC721Received as EIP-721 asks and records the last call.
contract GoodReceiver {
    address public lastOperator;
    address public lastFrom;
    uint256 public lastTokenId;
    bytes public lastData;
    uint256 public calls;

    function onERC721Received(address operator, address from, uint256 tokenId, bytes calldata data)
        external
        returns (bytes4)
    {
        lastOperator = operator;
        lastFrom = from;
        lastTokenId = tokenId;
        lastData = data;
        calls += 1;
        return 0x150b7a02; // bytes4(keccak256("onERC721Received(address,address,uint256,bytes)"))
    }
}

/// @notice A contract with no onERC721Received at all (and no fallback).
contract NonReceiver {
    uint256 public x;
}

/// @notice Implements onERC721Received but answers the wrong magic value.
contract WrongReceiver {
    function onERC721Received(address, address, uint256, bytes calldata) external pure returns (bytes4) {
        return 0x12345678;
    }
}

/// @notice Implements onERC721Received but refuses every token.
contract RefusingReceiver {
    function onERC721Received(address, address, uint256, bytes calldata) external pure returns (bytes4) {
        revert("no thanks");
    }
}
