pragma solidity = 0.5.16;

contract Splitter {
    address payable[2] public payees;

    constructor(address payable a, address payable b) public {
        payees[0] = a;
        payees[1] = b;
    }

    function () external payable {}

    function split() external {
        uint256 half = address(this).balance / 2;
        payees[0].transfer(half);
        payees[1].transfer(half);
    }
}
