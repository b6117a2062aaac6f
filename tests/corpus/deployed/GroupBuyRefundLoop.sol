pragma solidity ^0.4.19;

// Group buy: pledge ether until the deadline; if the target is reached the organiser buys
// from the seller, otherwise refundAll() returns every pledge in one go.
contract GroupBuy {

    struct Pledge {
        address buyer;
        uint amount;
    }

    address public organiser;
    address public seller;
    uint public target;
    uint public deadline;
    uint public total;
    bool public closed;

    Pledge[] public pledges;

    uint public constant MinPledge = 1 finney;

    event Pledged(address indexed buyer, uint amount, uint position);
    event Bought(address indexed seller, uint amount);
    event Refunded(uint pledges, uint amount);

    function GroupBuy(address _seller, uint _target, uint _duration) public {
        organiser = msg.sender;
        seller = _seller;
        target = _target;
        deadline = now + _duration;
    }

    function() public payable {
        pledge();
    }

    function pledge() public payable {
        require(!closed && now < deadline);
        require(msg.value >= MinPledge);
        pledges.push(Pledge(msg.sender, msg.value));
        total += msg.value;
        Pledged(msg.sender, msg.value, pledges.length - 1);
    }

    function buy() public {
        require(msg.sender == organiser);
        require(!closed && total >= target);
        closed = true;
        Bought(seller, this.balance);
        seller.transfer(this.balance);
    }

    function refundAll() public {
        require(!closed && now >= deadline && total < target);
        for (uint i = 0; i < pledges.length; i++) {
            pledges[i].buyer.send(pledges[i].amount);
        }
        closed = true;
        Refunded(pledges.length, total);
    }

    function numberOfPledges() public constant returns (uint) {
        return pledges.length;
    }
}
