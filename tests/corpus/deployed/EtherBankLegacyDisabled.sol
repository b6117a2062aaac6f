pragma solidity ^0.4.15;

// EtherBank v2: withdrawals go through withdrawBalance(); the v1 call.value path is kept for
// the audit trail but was switched off for good - nothing can turn legacyWithdrawals on.
contract EtherBank {

    mapping (address => uint) userBalances;

    uint public depositors;

    address public owner;

    bool public legacyWithdrawals;

    event LogDeposit(address user, uint amount);
    event LogWithdrawal(address user, uint amount);

    function EtherBank() {
        owner = msg.sender;
        legacyWithdrawals = false;
    }

    function getBalance(address user) constant returns(uint) {
        return userBalances[user];
    }

    function addToBalance() payable {
        if (userBalances[msg.sender] == 0) depositors++;
        userBalances[msg.sender] += msg.value;
        LogDeposit(msg.sender, msg.value);
    }

    function withdrawBalance() {
        uint amountToWithdraw = userBalances[msg.sender];
        userBalances[msg.sender] = 0;
        msg.sender.transfer(amountToWithdraw);
        LogWithdrawal(msg.sender, amountToWithdraw);
    }

    // v1 withdrawal, disabled
    function withdrawBalanceLegacy() {
        if (!legacyWithdrawals) throw;
        uint amountToWithdraw = userBalances[msg.sender];
        if (!(msg.sender.call.value(amountToWithdraw)())) { throw; }
        userBalances[msg.sender] = 0;
    }
}
