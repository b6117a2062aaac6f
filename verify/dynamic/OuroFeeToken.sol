// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

/// @title A fee-on-transfer ERC-20 for verification.
/// @notice Like OuroToken, but every transfer burns 1 % of the amount on the way, so the receiver
/// gets less than was sent. A contract that books the amount it asked for instead of what arrived
/// over-counts its holdings; verification deploys this token to show it.
contract OuroFeeToken {
    string public name = "Ouro Fee Token";
    string public symbol = "OFT";
    uint8 public decimals = 18;
    uint256 public totalSupply;
    uint256 public constant FEE_BPS = 100;
    mapping(address => uint256) public balanceOf;
    mapping(address => mapping(address => uint256)) public allowance;

    event Transfer(address indexed from, address indexed to, uint256 value);
    event Approval(address indexed owner, address indexed spender, uint256 value);

    constructor(address[] memory holders, uint256 amount) {
        for (uint256 i = 0; i < holders.length; i++) {
            balanceOf[holders[i]] += amount;
            totalSupply += amount;
            emit Transfer(address(0), holders[i], amount);
        }
    }

    function transfer(address to, uint256 value) external returns (bool) {
        _move(msg.sender, to, value);
        return true;
    }

    function approve(address spender, uint256 value) external returns (bool) {
        allowance[msg.sender][spender] = value;
        emit Approval(msg.sender, spender, value);
        return true;
    }

    function transferFrom(address from, address to, uint256 value) external returns (bool) {
        uint256 allowed = allowance[from][msg.sender];
        if (allowed != type(uint256).max) {
            require(allowed >= value, "OuroFeeToken: allowance");
            allowance[from][msg.sender] = allowed - value;
        }
        _move(from, to, value);
        return true;
    }

    function _move(address from, address to, uint256 value) internal {
        require(balanceOf[from] >= value, "OuroFeeToken: balance");
        uint256 fee = (value * FEE_BPS) / 10_000;
        balanceOf[from] -= value;
        balanceOf[to] += value - fee;
        totalSupply -= fee;
        emit Transfer(from, to, value - fee);
        if (fee > 0) {
            emit Transfer(from, address(0), fee);
        }
    }
}
