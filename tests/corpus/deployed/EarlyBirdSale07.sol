// SPDX-License-Identifier: MIT
pragma solidity ^0.7.0;

/// @title Sale of the FLOCK token with a 20% early-bird bonus on the first day.
contract EarlyBirdSale {
    string public constant name = "Flock";
    string public constant symbol = "FLK";
    uint8 public constant decimals = 18;

    uint256 public constant RATE = 1000;            // tokens per ether
    uint256 public constant BONUS_PERCENT = 20;
    uint256 public constant BONUS_PERIOD = 1 days;
    uint256 public constant SALE_PERIOD = 14 days;

    address payable public wallet;
    uint256 public immutable startTime;
    uint256 public totalSupply;
    uint256 public weiRaised;
    mapping(address => uint256) public balanceOf;

    event Transfer(address indexed from, address indexed to, uint256 value);
    event Purchase(address indexed buyer, uint256 value, uint256 tokens, bool bonus);

    constructor(address payable _wallet, uint256 _startTime) {
        wallet = _wallet;
        startTime = _startTime;
    }

    function buy() external payable {
        require(block.timestamp >= startTime && block.timestamp < startTime + SALE_PERIOD, "sale closed");
        require(msg.value > 0, "no ether");
        uint256 tokens = msg.value * RATE;
        bool bonus = block.timestamp < startTime + BONUS_PERIOD;
        if (bonus) {
            tokens += (tokens * BONUS_PERCENT) / 100;
        }
        totalSupply += tokens;
        balanceOf[msg.sender] += tokens;
        weiRaised += msg.value;
        emit Transfer(address(0), msg.sender, tokens);
        emit Purchase(msg.sender, msg.value, tokens, bonus);
        wallet.transfer(msg.value);
    }

    function transfer(address to, uint256 value) external returns (bool) {
        require(balanceOf[msg.sender] >= value, "balance too low");
        balanceOf[msg.sender] -= value;
        balanceOf[to] += value;
        emit Transfer(msg.sender, to, value);
        return true;
    }
}
