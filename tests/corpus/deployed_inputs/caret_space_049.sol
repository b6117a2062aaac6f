pragma solidity ^ 0.4 .9;

contract Faucet {
    mapping (address => uint) public lastClaim;
    uint public constant AMOUNT = 0.01 ether;

    function claim() {
        if (now - lastClaim[msg.sender] < 1 days) throw;
        lastClaim[msg.sender] = now;
        msg.sender.transfer(AMOUNT);
    }

    function () payable {}

    function remaining() constant returns (uint) { return this.balance; }
}
