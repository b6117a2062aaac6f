pragma solidity 0.4.24;

contract PersonalWallet {

    address public owner;

    event Received(address from, uint amount);
    event Sent(address to, uint amount);

    constructor() public payable {
        owner = msg.sender;
    }

    function() public payable {
        emit Received(msg.sender, msg.value);
    }

    function transferTo(address dest, uint amount) public {
        require(tx.origin == owner);
        dest.transfer(amount);
        emit Sent(dest, amount);
    }

    function changeOwner(address _newOwner) public {
        require(tx.origin == owner);
        owner = _newOwner;
    }
}
