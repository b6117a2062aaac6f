pragma solidity ^0.4.24;

// The token is created by the sale itself and throws on a failed transfer.
contract GoldRushToken {
    string public name = "GoldRush";
    string public symbol = "GRT";
    uint8 public decimals = 18;
    uint256 public totalSupply;

    mapping (address => uint256) balances;
    mapping (address => mapping (address => uint256)) allowed;

    event Transfer(address indexed _from, address indexed _to, uint256 _value);
    event Approval(address indexed _owner, address indexed _spender, uint256 _value);

    constructor(uint256 _supply) public {
        totalSupply = _supply;
        balances[msg.sender] = _supply;
    }

    function transfer(address _to, uint256 _value) public returns (bool success) {
        require(balances[msg.sender] >= _value && _value > 0);
        balances[msg.sender] -= _value;
        balances[_to] += _value;
        emit Transfer(msg.sender, _to, _value);
        return true;
    }

    function transferFrom(address _from, address _to, uint256 _value) public returns (bool success) {
        require(balances[_from] >= _value && allowed[_from][msg.sender] >= _value && _value > 0);
        balances[_to] += _value;
        balances[_from] -= _value;
        allowed[_from][msg.sender] -= _value;
        emit Transfer(_from, _to, _value);
        return true;
    }

    function balanceOf(address _owner) public constant returns (uint256 balance) {
        return balances[_owner];
    }

    function approve(address _spender, uint256 _value) public returns (bool success) {
        allowed[msg.sender][_spender] = _value;
        emit Approval(msg.sender, _spender, _value);
        return true;
    }

    function allowance(address _owner, address _spender) public constant returns (uint256 remaining) {
        return allowed[_owner][_spender];
    }
}

// Sells a fixed allocation at a fixed rate; ether goes straight to the team wallet.
contract GoldRushSale {
    GoldRushToken public token;
    address public wallet;
    uint256 public rate = 1000;      // tokens per ether
    uint256 public weiRaised;

    event TokenPurchase(address indexed purchaser, uint256 value, uint256 amount);

    constructor(uint256 _allocation, address _wallet) public {
        token = new GoldRushToken(_allocation);
        wallet = _wallet;
    }

    function () external payable {
        buyTokens();
    }

    function buyTokens() public payable {
        require(msg.value > 0);
        uint256 tokens = msg.value * rate;
        token.transfer(msg.sender, tokens);
        weiRaised += msg.value;
        wallet.transfer(msg.value);
        emit TokenPurchase(msg.sender, msg.value, tokens);
    }

    function tokensLeft() public view returns (uint256) {
        return token.balanceOf(this);
    }
}
