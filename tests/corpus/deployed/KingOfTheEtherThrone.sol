pragma solidity ^0.4.0;

// King of the Ether Throne (2016 edition).
// Pay the claim price to take the throne; the monarch you replace is paid that price
// minus 1% for the wizard. Every claim raises the price by half.
contract KingOfTheEtherThrone {

    struct Monarch {
        address etherAddress;       // where the compensation goes
        string name;
        uint claimPrice;            // what they paid
        uint coronationTimestamp;
    }

    // the wizard sits on the throne while it is vacant and keeps the commissions
    address wizardAddress;

    modifier onlywizard { if (msg.sender == wizardAddress) _; }

    uint constant startingClaimPrice = 100 finney;

    // next price = price * 3 / 2
    uint constant claimPriceAdjustNum = 3;
    uint constant claimPriceAdjustDen = 2;

    // wizard's share of every claim: 1/100
    uint constant wizardCommissionFractionNum = 1;
    uint constant wizardCommissionFractionDen = 100;

    uint public currentClaimPrice;

    Monarch public currentMonarch;

    Monarch[] public pastMonarchs;

    event ThroneClaimed(address usurperEtherAddress, string usurperName, uint newClaimPrice);

    function KingOfTheEtherThrone() {
        wizardAddress = msg.sender;
        currentClaimPrice = startingClaimPrice;
        currentMonarch = Monarch(wizardAddress, "[Vacant]", 0, block.timestamp);
    }

    function numberOfMonarchs() constant returns (uint n) {
        return pastMonarchs.length;
    }

    // a plain transfer claims the throne; the data is taken as the name
    function() payable {
        claimThrone(string(msg.data));
    }

    function claimThrone(string name) payable {

        uint valuePaid = msg.value;

        // too little: refund and stop
        if (valuePaid < currentClaimPrice) {
            msg.sender.send(valuePaid);
            return;
        }

        // too much: refund the excess and go on
        if (valuePaid > currentClaimPrice) {
            uint excessPaid = valuePaid - currentClaimPrice;
            msg.sender.send(excessPaid);
            valuePaid = valuePaid - excessPaid;
        }

        uint wizardCommission = (valuePaid * wizardCommissionFractionNum) / wizardCommissionFractionDen;

        uint compensation = valuePaid - wizardCommission;

        if (currentMonarch.etherAddress != wizardAddress) {
            currentMonarch.etherAddress.send(compensation);
        } else {
            // vacant throne: everything stays with the wizard
        }

        pastMonarchs.push(currentMonarch);
        currentMonarch = Monarch(
            msg.sender,
            name,
            valuePaid,
            block.timestamp
        );

        // raise the price, rounded to keep the figures readable
        uint rawNewClaimPrice = currentClaimPrice * claimPriceAdjustNum / claimPriceAdjustDen;
        if (rawNewClaimPrice < 10 finney) {
            currentClaimPrice = rawNewClaimPrice;
        } else if (rawNewClaimPrice < 1 ether) {
            currentClaimPrice = 1 finney * (rawNewClaimPrice / 1 finney);
        } else if (rawNewClaimPrice < 100 ether) {
            currentClaimPrice = 100 finney * (rawNewClaimPrice / 100 finney);
        } else {
            currentClaimPrice = 1 ether * (rawNewClaimPrice / 1 ether);
        }

        ThroneClaimed(currentMonarch.etherAddress, currentMonarch.name, currentClaimPrice);
    }

    function sweepCommission(uint amount) onlywizard {
        wizardAddress.send(amount);
    }

    function transferOwnership(address newOwner) onlywizard {
        wizardAddress = newOwner;
    }
}
