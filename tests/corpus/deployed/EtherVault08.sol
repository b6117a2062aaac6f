// SPDX-License-Identifier: MIT
pragma solidity ^0.8.0;

/// @notice Simple ETH savings pool with a withdrawal fee that funds the treasury.
contract EtherVault {
    address public immutable treasury;
    uint256 public constant FEE_BPS = 30; // 0.3%
    uint256 public totalDeposits;
    mapping(address => uint256) public deposits;

    event Deposited(address indexed account, uint256 amount);
    event Withdrawn(address indexed account, uint256 amount, uint256 fee);

    constructor(address _treasury) {
        treasury = _treasury;
    }

    receive() external payable {
        deposit();
    }

    function deposit() public payable {
        require(msg.value > 0, "EtherVault: zero deposit");
        deposits[msg.sender] += msg.value;
        totalDeposits += msg.value;
        emit Deposited(msg.sender, msg.value);
    }

    function withdraw() external {
        uint256 amount = deposits[msg.sender];
        require(amount > 0, "EtherVault: nothing to withdraw");
        uint256 fee = (amount * FEE_BPS) / 10000;
        (bool ok, ) = payable(msg.sender).call{value: amount - fee}("");
        require(ok, "EtherVault: transfer failed");
        deposits[msg.sender] = 0;
        totalDeposits -= amount;
        (bool sent, ) = payable(treasury).call{value: fee}("");
        require(sent, "EtherVault: fee transfer failed");
        emit Withdrawn(msg.sender, amount, fee);
    }
}
