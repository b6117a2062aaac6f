pragma solidity ^0.6.0;

contract TwoOfThree {
    address[3] public owners;
    mapping(uint256 => mapping(address => bool)) public approved;
    struct Payment { address payable to; uint256 value; uint8 approvals; bool done; }
    Payment[] public payments;

    constructor(address[3] memory _owners) public { owners = _owners; }

    receive() external payable {}

    modifier onlyOwner() {
        require(msg.sender == owners[0] || msg.sender == owners[1] || msg.sender == owners[2], "not owner");
        _;
    }

    function propose(address payable to, uint256 value) external onlyOwner returns (uint256) {
        payments.push(Payment(to, value, 0, false));
        return payments.length - 1;
    }

    function approve(uint256 id) external onlyOwner {
        Payment storage p = payments[id];
        require(!p.done && !approved[id][msg.sender], "no");
        approved[id][msg.sender] = true;
        p.approvals += 1;
        if (p.approvals >= 2) {
            p.done = true;
            (bool ok, ) = p.to.call{value: p.value}("");
            require(ok, "send failed");
        }
    }
}
