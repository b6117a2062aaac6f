// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

/// A small token for throughput benchmarks: owner-only mint, transfer, burn.
contract BenchToken {
    address public immutable owner;
    mapping(address => uint256) public balanceOf;
    uint256 public totalSupply;

    constructor() {
        owner = msg.sender;
        balanceOf[msg.sender] = 1e24;
        totalSupply = 1e24;
    }

    function mint(address to, uint256 amount) external {
        require(msg.sender == owner, "owner");
        amount = amount % 1e24;
        balanceOf[to] += amount;
        totalSupply += amount;
    }

    function transfer(address to, uint256 amount) external returns (bool) {
        require(balanceOf[msg.sender] >= amount, "balance");
        balanceOf[msg.sender] -= amount;
        balanceOf[to] += amount;
        return true;
    }

    function burn(uint256 amount) external {
        require(balanceOf[msg.sender] >= amount, "balance");
        balanceOf[msg.sender] -= amount;
        totalSupply -= amount;
    }
}
