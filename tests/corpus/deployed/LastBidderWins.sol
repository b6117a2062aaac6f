pragma solidity ^0.4.24;

// Last Bidder Wins: each bid of at least 0.1 ether goes into the pot and restarts the clock.
// When ROUND has passed without a new bid, the last bidder takes the pot.
contract LastBidderWins {

    address public owner;
    address public lastBidder;
    uint public lastBidTime;
    uint public lastBidBlock;
    uint public pot;
    uint public round;

    uint public constant ROUND = 10 minutes;
    uint public constant MinBid = 100 finney;

    event Bid(address indexed bidder, uint amount, uint pot);
    event Won(address indexed winner, uint pot, uint round);

    constructor() public {
        owner = msg.sender;
        lastBidder = msg.sender;
        lastBidTime = now;
        lastBidBlock = block.number;
    }

    function bid() public payable {
        require(msg.value >= MinBid);
        require(now <= lastBidTime + ROUND);
        lastBidder = msg.sender;
        lastBidTime = now;
        lastBidBlock = block.number;
        pot += msg.value;
        emit Bid(msg.sender, msg.value, pot);
    }

    function claim() public {
        require(msg.sender == lastBidder);
        require(now > lastBidTime + ROUND);
        uint amount = pot;
        pot = 0;
        round += 1;
        lastBidTime = now;
        lastBidBlock = block.number;
        emit Won(msg.sender, amount, round - 1);
        msg.sender.transfer(amount);
    }
}
