pragma solidity ^0.4.15;

// Rubixi - renamed from DynamicPyramid before launch.
// Send 1 ether or more; you are paid back 3x (later 2x, 1.5x) out of the deposits that follow.
contract Rubixi {

    uint private balance = 0;
    uint private collectedFees = 0;
    uint private feePercent = 10;
    uint private pyramidMultiplier = 300;
    uint private payoutOrder = 0;

    address private creator;

    struct Participant {
        address etherAddress;
        uint payout;
    }

    Participant[] private participants;

    event NewParticipant(address who, uint deposit, uint payout);
    event PaidOut(address who, uint amount);

    // sets the creator
    function DynamicPyramid() {
        creator = msg.sender;
    }

    modifier onlyowner {
        if (msg.sender == creator) _;
    }

    function() payable {
        enter();
    }

    function enter() payable {
        // too small: kept as a fee
        if (msg.value < 1 ether) {
            collectedFees += msg.value;
            return;
        }

        uint fee = feePercent;
        if (msg.value >= 50 ether) fee /= 2;   // whales pay half the fee

        uint payout = (msg.value * pyramidMultiplier) / 100;
        participants.push(Participant(msg.sender, payout));
        NewParticipant(msg.sender, msg.value, payout);

        if (participants.length == 10) pyramidMultiplier = 200;
        else if (participants.length == 25) pyramidMultiplier = 150;

        balance += (msg.value * (100 - fee)) / 100;
        collectedFees += (msg.value * fee) / 100;

        // pay whoever is next in line while the pot allows it
        while (balance > participants[payoutOrder].payout) {
            uint toSend = participants[payoutOrder].payout;
            participants[payoutOrder].etherAddress.send(toSend);
            PaidOut(participants[payoutOrder].etherAddress, toSend);
            balance -= toSend;
            payoutOrder += 1;
        }
    }

    // ---- creator functions ----

    function collectAllFees() onlyowner {
        if (collectedFees == 0) throw;
        creator.send(collectedFees);
        collectedFees = 0;
    }

    function collectPercentOfFees(uint _pcent) onlyowner {
        if (collectedFees == 0 || _pcent > 100) throw;
        uint feesToCollect = collectedFees / 100 * _pcent;
        creator.send(feesToCollect);
        collectedFees -= feesToCollect;
    }

    function changeOwner(address _owner) onlyowner {
        creator = _owner;
    }

    function changeMultiplier(uint _mult) onlyowner {
        if (_mult > 300 || _mult < 120) throw;
        pyramidMultiplier = _mult;
    }

    function changeFeePercentage(uint _fee) onlyowner {
        if (_fee > 10) throw;
        feePercent = _fee;
    }

    // ---- information ----

    function currentMultiplier() constant returns (uint multiplier) {
        multiplier = pyramidMultiplier;
    }

    function feesCollected() constant returns (uint fees) {
        fees = collectedFees;
    }

    function totalParticipants() constant returns (uint count) {
        count = participants.length;
    }

    function waitingForPayout() constant returns (uint count) {
        count = participants.length - payoutOrder;
    }

    function participantDetails(uint orderInPyramid) constant returns (address Address, uint Payout) {
        if (orderInPyramid < participants.length) {
            Address = participants[orderInPyramid].etherAddress;
            Payout = participants[orderInPyramid].payout;
        }
    }
}
