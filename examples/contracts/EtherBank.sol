// SPDX-License-Identifier: MIT
// A deliberately vulnerable bank (Solidity 0.4): withdraw pays before it zeroes the balance.
pragma solidity 0.4.24;

contract EtherBank {
    mapping(address => uint256) public balances;

    function deposit() public payable {
        balances[msg.sender] += msg.value;
    }

    function withdraw() public {
        uint256 amount = balances[msg.sender];
        require(msg.sender.call.value(amount)());
        balances[msg.sender] = 0;
    }
}
