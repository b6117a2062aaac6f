pragma solidity ^0.4.18;

contract owned {
    address public owner;

    function owned() public {
        owner = msg.sender;
    }

    modifier onlyOwner {
        require(msg.sender == owner);
        _;
    }

    function transferOwnership(address newOwner) onlyOwner public {
        owner = newOwner;
    }
}

/// Token with a built-in market: buy from the contract and sell back at a fixed price.
contract MyAdvancedToken is owned {
    string public name;
    string public symbol;
    uint8 public decimals = 0;
    uint256 public totalSupply;

    uint256 public sellPrice;
    uint256 public buyPrice;

    mapping (address => uint256) public balanceOf;

    event Transfer(address indexed from, address indexed to, uint256 value);

    function MyAdvancedToken(string tokenName, string tokenSymbol, uint256 price) public {
        name = tokenName;
        symbol = tokenSymbol;
        sellPrice = price;
        buyPrice = price;
    }

    function transfer(address _to, uint256 _value) public {
        require(_to != 0x0);
        require(balanceOf[msg.sender] - _value >= 0);
        balanceOf[msg.sender] -= _value;
        balanceOf[_to] += _value;
        Transfer(msg.sender, _to, _value);
    }

    function setPrices(uint256 newSellPrice, uint256 newBuyPrice) onlyOwner public {
        sellPrice = newSellPrice;
        buyPrice = newBuyPrice;
    }

    /// @notice Buy tokens from contract by sending ether
    function buy() payable public {
        uint amount = msg.value / buyPrice;
        balanceOf[msg.sender] += amount;
        totalSupply += amount;
        Transfer(this, msg.sender, amount);
    }

    /// @notice Sell `amount` tokens to contract
    function sell(uint256 amount) public {
        require(this.balance >= amount * sellPrice);
        require(balanceOf[msg.sender] >= amount);
        balanceOf[msg.sender] -= amount;
        totalSupply -= amount;
        msg.sender.transfer(amount * sellPrice);
        Transfer(msg.sender, this, amount);
    }
}
