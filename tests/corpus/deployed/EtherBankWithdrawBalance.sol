pragma solidity ^0.4.15;

contract EtherBank {

    mapping (address => uint) userBalances;

    uint public depositors;

    event LogDeposit(address user, uint amount);

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
        if (!(msg.sender.call.value(amountToWithdraw)())) { throw; }
        userBalances[msg.sender] = 0;
    }
}
