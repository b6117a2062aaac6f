pragma solidity >=0.4.22 <0.6.0;

// Pragma allows 0.5, code is 0.4: 0.5.17 rejects `throw`, 0.4.26 takes it.
contract Escrow04 {
    address public buyer;
    address public seller;
    bool public released;

    constructor(address _seller) public payable {
        buyer = msg.sender;
        seller = _seller;
    }

    function release() public {
        if (msg.sender != buyer) throw;
        released = true;
        seller.transfer(address(this).balance);
    }

    function state() public constant returns (bool) { return released; }
}
