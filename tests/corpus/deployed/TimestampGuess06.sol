// SPDX-License-Identifier: MIT
pragma solidity ^0.6.0;

/// @title Guess the digit: bet exactly 1 ether on a digit 0-9, a right guess pays 8 ether.
contract GuessTheDigit {
    address payable public house;
    uint256 public constant BET = 1 ether;
    uint256 public constant PRIZE = 8 ether;
    uint256 public rounds;

    event Guessed(address indexed player, uint8 guess, uint8 digit, bool won);

    constructor() public payable {
        house = msg.sender;
    }

    receive() external payable {}

    function guess(uint8 _digit) external payable {
        require(msg.value == BET, "bet is 1 ether");
        require(_digit < 10, "digit 0-9");
        require(address(this).balance >= PRIZE, "house cannot cover the prize");
        rounds += 1;
        uint8 digit = uint8(uint256(keccak256(abi.encodePacked(block.timestamp))) % 10);
        bool won = digit == _digit;
        emit Guessed(msg.sender, _digit, digit, won);
        if (won) {
            msg.sender.transfer(PRIZE);
        }
    }

    function withdraw(uint256 amount) external {
        require(msg.sender == house, "only house");
        house.transfer(amount);
    }
}
