pragma solidity ^0.4.16;

// LuckySeven: a ticket costs 0.1 ether. If the last digit of the previous block's hash
// is a seven, the ticket wins 90% of everything in the pot.
contract LuckySeven {

    address public owner;
    uint public constant TICKET_PRICE = 100 finney;
    uint public ticketsSold;
    address public lastWinner;
    uint public lastPrize;

    event Played(address indexed player, uint lucky);
    event Winner(address indexed player, uint prize);

    function LuckySeven() public payable {
        owner = msg.sender;
    }

    function() public payable {
        // top up the pot
    }

    function play() public payable {
        require(msg.value == TICKET_PRICE);
        ticketsSold++;
        uint lucky = uint(block.blockhash(block.number - 1)) % 10;
        Played(msg.sender, lucky);
        if (lucky == 7) {
            uint prize = this.balance * 90 / 100;
            lastWinner = msg.sender;
            lastPrize = prize;
            msg.sender.transfer(prize);
            Winner(msg.sender, prize);
        }
    }

    function withdrawHouse(uint amount) public {
        require(msg.sender == owner);
        owner.transfer(amount);
    }
}
