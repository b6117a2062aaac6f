pragma solidity ^0.4.25;

// Spin for 1 ether. If the block is mined at a time divisible by 15 you take the table.
contract TimeRoulette {

    uint public pastBlockTime; // forces one bet per block
    uint public constant betPrice = 1 ether;
    address public croupier;

    event Spin(address indexed player, uint time, bool won);

    constructor() public payable {
        croupier = msg.sender;
    }

    function spin() public payable {
        require(msg.value == betPrice);      // must send 1 ether to play
        require(now != pastBlockTime);       // only 1 transaction per block
        pastBlockTime = now;
        if (now % 15 == 0) {                 // winner
            emit Spin(msg.sender, now, true);
            msg.sender.transfer(address(this).balance);
        } else {
            emit Spin(msg.sender, now, false);
        }
    }

    function () public payable {}
}
