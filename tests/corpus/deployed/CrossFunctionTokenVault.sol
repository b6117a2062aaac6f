pragma solidity ^0.5.0;

/// Ether-backed internal credits: deposit, move credits between users, cash everything out.
contract CreditVault {
    mapping (address => uint256) private balances;
    uint256 public totalCredits;

    event Deposit(address indexed who, uint256 amount);
    event Transfer(address indexed from, address indexed to, uint256 amount);
    event Withdrawal(address indexed who, uint256 amount);

    function deposit() public payable {
        balances[msg.sender] += msg.value;
        totalCredits += msg.value;
        emit Deposit(msg.sender, msg.value);
    }

    function balanceOf(address who) public view returns (uint256) {
        return balances[who];
    }

    function transfer(address to, uint256 amount) public {
        if (balances[msg.sender] >= amount) {
            balances[to] += amount;
            balances[msg.sender] -= amount;
            emit Transfer(msg.sender, to, amount);
        }
    }

    function withdrawAll() public {
        uint256 amount = balances[msg.sender];
        require(amount > 0, "nothing to withdraw");
        (bool success, ) = msg.sender.call.value(amount)("");
        require(success, "transfer failed");
        balances[msg.sender] = 0;
        totalCredits -= amount;
        emit Withdrawal(msg.sender, amount);
    }
}
