pragma solidity ^0.5.0;

contract TimedEscrow {
    address payable public beneficiary;
    uint256 public releaseTime;

    constructor(address payable _beneficiary, uint256 _releaseTime) public payable {
        require(_releaseTime > now, "release in the past");
        beneficiary = _beneficiary;
        releaseTime = _releaseTime;
    }

    function release() public {
        require(now >= releaseTime, "too early");
        beneficiary.transfer(address(this).balance);
    }
}
