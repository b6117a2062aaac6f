pragma solidity ^0.4.20;

// EtherDice: bet up to 1 ether; roll under 20 (out of 100) and get 4x your bet.
contract EtherDice {

    address public croupier;
    uint public constant MaxBet = 1 ether;
    uint public constant MinBet = 10 finney;
    uint public constant WIN_BELOW = 20;
    uint public constant PAYOUT_MULTIPLIER = 4;

    uint public totalBets;
    uint public totalPaid;

    event Roll(address indexed player, uint bet, uint rolled, uint payout);

    function EtherDice() public payable {
        croupier = msg.sender;
    }

    function() public payable {}

    function roll() public payable {
        require(msg.value >= MinBet && msg.value <= MaxBet);
        require(this.balance >= msg.value * PAYOUT_MULTIPLIER);
        totalBets += msg.value;

        uint rolled = uint(keccak256(block.difficulty, now, msg.sender)) % 100;
        uint payout = 0;
        if (rolled < WIN_BELOW) {
            payout = msg.value * PAYOUT_MULTIPLIER;
            totalPaid += payout;
            msg.sender.transfer(payout);
        }
        emit Roll(msg.sender, msg.value, rolled, payout);
    }

    function withdrawBank(uint amount) public {
        require(msg.sender == croupier);
        croupier.transfer(amount);
    }
}
