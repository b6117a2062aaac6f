pragma solidity ^0.4.19;

// EtherDividends: invest any amount, collect 3% of it every day, paid to everybody at once.
contract EtherDividends {

    struct Investor {
        address addr;
        uint amount;
    }

    address public owner;
    Investor[] public investors;
    uint public totalInvested;
    uint public lastPayout;

    uint public constant MinInvest = 1 finney;
    uint public constant DAILY_PERCENT = 3;
    uint public constant MaxInvestors = 100;  // keeps payDividends() far below the block gas limit

    event Invested(address indexed investor, uint amount, uint position);
    event DividendsPaid(uint investors, uint total);

    function EtherDividends() public payable {
        owner = msg.sender;
        lastPayout = now;
    }

    function() public payable {
        invest();
    }

    function invest() public payable {
        require(msg.value >= MinInvest);
        require(investors.length < MaxInvestors);
        investors.push(Investor(msg.sender, msg.value));
        totalInvested += msg.value;
        Invested(msg.sender, msg.value, investors.length - 1);
    }

    function payDividends() public {
        require(now >= lastPayout + 1 days);
        lastPayout = now;
        uint total = 0;
        for (uint i = 0; i < investors.length; i++) {
            uint dividend = investors[i].amount * DAILY_PERCENT / 100;
            if (dividend > this.balance) break;
            investors[i].addr.send(dividend);
            total += dividend;
        }
        DividendsPaid(investors.length, total);
    }

    function numberOfInvestors() public constant returns (uint) {
        return investors.length;
    }
}
