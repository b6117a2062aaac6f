pragma solidity ^0.4.18;

// Weekly lotto: tickets cost 0.1 ether, the organiser announces the drawn ticket
// (drawn off-chain, published with the draw), the winner gets 90% of the pot.
contract Lotto {

    address public organiser;
    uint public constant TICKET_PRICE = 100 finney;

    address[] public tickets;
    bool public drawn;
    bool public payedOut = false;
    address public winner;
    uint public winAmount;

    event TicketBought(address indexed player, uint ticket);
    event WinnerDrawn(address indexed winner, uint ticket, uint amount);

    function Lotto() public {
        organiser = msg.sender;
    }

    function buyTicket() public payable {
        require(!drawn);
        require(msg.value == TICKET_PRICE);
        tickets.push(msg.sender);
        TicketBought(msg.sender, tickets.length - 1);
    }

    function declareWinner(uint _ticket) public {
        require(msg.sender == organiser);
        require(!drawn && _ticket < tickets.length);
        drawn = true;
        winner = tickets[_ticket];
        winAmount = this.balance * 90 / 100;
        WinnerDrawn(winner, _ticket, winAmount);
    }

    function sendToWinner() public {
        require(drawn && !payedOut);
        winner.send(winAmount);
        payedOut = true;
    }

    function withdrawLeftOver() public {
        require(payedOut);
        msg.sender.send(this.balance);
    }
}
