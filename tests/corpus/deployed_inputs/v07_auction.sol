// SPDX-License-Identifier: MIT
pragma solidity >=0.7.0 <0.8.0;

contract OpenAuction {
    address payable public seller;
    uint256 public endsAt;
    address public highestBidder;
    uint256 public highestBid;
    mapping(address => uint256) public refunds;

    constructor(uint256 duration) {
        seller = msg.sender;
        endsAt = block.timestamp + duration;
    }

    function bid() external payable {
        require(block.timestamp < endsAt, "ended");
        require(msg.value > highestBid, "too low");
        if (highestBidder != address(0)) refunds[highestBidder] += highestBid;
        highestBidder = msg.sender;
        highestBid = msg.value;
    }

    function refund() external {
        uint256 amount = refunds[msg.sender];
        refunds[msg.sender] = 0;
        msg.sender.transfer(amount);
    }

    function finish() external {
        require(block.timestamp >= endsAt, "running");
        seller.transfer(highestBid);
    }
}
