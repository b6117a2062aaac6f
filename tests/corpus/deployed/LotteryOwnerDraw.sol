pragma solidity ^0.4.16;

// LuckySeven weekly edition: tickets are sold until the organiser closes the sale; the
// winning ticket is drawn from a block hash in a later block, by the organiser only.
contract LuckySevenWeekly {

    address public owner;
    uint public constant TICKET_PRICE = 100 finney;
    address[] public tickets;
    bool public salesClosed;
    uint public closedAtBlock;
    bool public drawn;
    address public winner;

    mapping (address => uint) public pendingWithdrawals;

    event TicketBought(address indexed player, uint ticket);
    event Drawn(address indexed winner, uint ticket, uint prize);

    modifier onlyOwner() {
        require(msg.sender == owner);
        _;
    }

    function LuckySevenWeekly() public payable {
        owner = msg.sender;
    }

    function buyTicket() public payable {
        require(!salesClosed);
        require(msg.value == TICKET_PRICE);
        tickets.push(msg.sender);
        TicketBought(msg.sender, tickets.length - 1);
    }

    function closeSales() public onlyOwner {
        require(!salesClosed && tickets.length > 0);
        salesClosed = true;
        closedAtBlock = block.number;
    }

    function draw() public onlyOwner {
        require(salesClosed && !drawn && block.number > closedAtBlock);
        uint ticket = uint(block.blockhash(block.number - 1)) % tickets.length;
        winner = tickets[ticket];
        drawn = true;
        uint prize = this.balance * 90 / 100;
        pendingWithdrawals[winner] += prize;
        pendingWithdrawals[owner] += this.balance - prize;
        Drawn(winner, ticket, prize);
    }

    function withdraw() public {
        uint amount = pendingWithdrawals[msg.sender];
        pendingWithdrawals[msg.sender] = 0;
        msg.sender.transfer(amount);
    }

    function ticketCount() public constant returns (uint) {
        return tickets.length;
    }
}
