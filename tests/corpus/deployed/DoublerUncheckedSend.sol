pragma solidity ^0.4.11;

// Doubler: every deposit of at least 1 ether is paid back twice, first come first served,
// as soon as the pot can cover it. 3% goes to the operator.
contract Doubler {

    struct Participant {
        address etherAddress;
        uint payout;
    }

    Participant[] public participants;

    uint public payoutIdx = 0;
    uint public collectedFees;
    uint public balance = 0;

    address public owner;

    uint constant MinDeposit = 1 ether;
    uint constant MaxDeposit = 10 ether;

    event Entered(address indexed who, uint amount, uint position);
    event Payout(address indexed who, uint amount);

    modifier onlyowner { if (msg.sender == owner) _; }

    function Doubler() {
        owner = msg.sender;
    }

    function() payable {
        enter();
    }

    function enter() payable {
        if (msg.value < MinDeposit || msg.value > MaxDeposit) {
            msg.sender.send(msg.value);
            return;
        }

        // add a new participant to array, payout is double the deposit
        uint idx = participants.length;
        participants.length += 1;
        participants[idx].etherAddress = msg.sender;
        participants[idx].payout = msg.value * 2;
        Entered(msg.sender, msg.value, idx);

        // 3% for the operator, the rest into the pot
        collectedFees += msg.value * 3 / 100;
        balance += msg.value * 97 / 100;

        // while there are enough ether on the balance we can pay out to an earlier participant
        while (balance > participants[payoutIdx].payout) {
            uint transactionAmount = participants[payoutIdx].payout;
            participants[payoutIdx].etherAddress.send(transactionAmount);
            Payout(participants[payoutIdx].etherAddress, transactionAmount);
            balance -= transactionAmount;
            payoutIdx += 1;
        }
    }

    function collectFees() onlyowner {
        if (collectedFees == 0) return;
        owner.send(collectedFees);
        collectedFees = 0;
    }

    function setOwner(address _owner) onlyowner {
        owner = _owner;
    }

    function queueLength() constant returns (uint) {
        return participants.length - payoutIdx;
    }
}
