pragma solidity ^0.4.19;

// All-or-nothing crowdfund: if the goal is not met by the deadline every backer is refunded
// in one go by refundAll().
contract CrowdFund {

    address public creator;
    uint public goal;
    uint public deadline;
    uint public raised;
    bool public refunded;
    bool public paidOut;

    address[] private refundAddresses;
    mapping (address => uint) public refundAmount;

    event Pledged(address backer, uint amount);
    event Refunded(address backer, uint amount);

    function CrowdFund(uint _goal, uint _duration) public {
        creator = msg.sender;
        goal = _goal;
        deadline = now + _duration;
    }

    function pledge() public payable {
        require(now < deadline);
        require(msg.value > 0);
        if (refundAmount[msg.sender] == 0) {
            refundAddresses.push(msg.sender);
        }
        refundAmount[msg.sender] += msg.value;
        raised += msg.value;
        Pledged(msg.sender, msg.value);
    }

    function payOut() public {
        require(msg.sender == creator);
        require(now >= deadline && raised >= goal && !paidOut);
        paidOut = true;
        creator.transfer(this.balance);
    }

    // goal missed: anyone can trigger the refund of every backer
    function refundAll() public {
        require(now >= deadline && raised < goal && !refunded);
        for (uint x = 0; x < refundAddresses.length; x++) {
            require(refundAddresses[x].send(refundAmount[refundAddresses[x]]));
            Refunded(refundAddresses[x], refundAmount[refundAddresses[x]]);
        }
        refunded = true;
    }

    function backers() public constant returns (uint) {
        return refundAddresses.length;
    }
}
