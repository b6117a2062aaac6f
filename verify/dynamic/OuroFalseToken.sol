// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

/// @title An ERC-20 that answers false instead of reverting, for verification.
/// @notice A transfer or transferFrom that cannot be made returns false and moves nothing (as
/// some deployed tokens do). A contract that ignores the returned bool books tokens it never got;
/// SafeERC20 turns the false into a revert.
contract OuroFalseToken {
    string public name = "Ouro False Token";
    string public symbol = "OFL";
    uint8 public decimals = 18;
    uint256 public totalSupply;
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
        return _move(msg.sender, to, value);
    }

    function approve(address spender, uint256 value) external returns (bool) {
        allowance[msg.sender][spender] = value;
        emit Approval(msg.sender, spender, value);
        return true;
    }

    function transferFrom(address from, address to, uint256 value) external returns (bool) {
        uint256 allowed = allowance[from][msg.sender];
        if (allowed < value) {
            return false;
        }
        if (!_move(from, to, value)) {
            return false;
        }
        if (allowed != type(uint256).max) {
            allowance[from][msg.sender] = allowed - value;
        }
        return true;
    }

    function _move(address from, address to, uint256 value) internal returns (bool) {
        if (balanceOf[from] < value) {
            return false;
        }
        balanceOf[from] -= value;
        balanceOf[to] += value;
        emit Transfer(from, to, value);
        return true;
    }
}
