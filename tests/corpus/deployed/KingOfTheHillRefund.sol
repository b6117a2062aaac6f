pragma solidity 0.4.24;

/// King of the Hill: outbid the king by 10% and you are king; the old king gets his
/// stake back plus a premium. Whoever stays king for a full day wins the jackpot.
contract KingOfTheHill {

    address public owner;
    address public king;
    uint public kingStake;
    uint public crownedAt;
    uint public jackpot;
    uint public round;

    uint public constant ROUND_DURATION = 1 days;
    uint public constant JACKPOT_SHARE = 10;  // percent of every new stake

    event NewKing(address indexed king, uint stake, uint round);
    event JackpotWon(address indexed king, uint amount, uint round);

    constructor() public payable {
        owner = msg.sender;
        king = msg.sender;
        kingStake = 1 ether;
        crownedAt = now;
        jackpot = msg.value;
    }

    function minimumBid() public view returns (uint) {
        return kingStake * 110 / 100;
    }

    function claimThrone() public payable {
        require(now < crownedAt + ROUND_DURATION);
        require(msg.value >= minimumBid());

        uint toJackpot = msg.value * JACKPOT_SHARE / 100;
        uint refund = msg.value - toJackpot;

        // pay the dethroned king his money back plus the premium
        require(king.send(refund));

        jackpot += toJackpot;
        king = msg.sender;
        kingStake = msg.value;
        crownedAt = now;
        emit NewKing(msg.sender, msg.value, round);
    }

    function claimJackpot() public {
        require(msg.sender == king);
        require(now >= crownedAt + ROUND_DURATION);
        uint amount = jackpot;
        jackpot = 0;
        round += 1;
        crownedAt = now;
        kingStake = 1 ether;
        emit JackpotWon(msg.sender, amount, round - 1);
        msg.sender.transfer(amount);
    }
}
