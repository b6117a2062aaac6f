contract OldToken {
    string public name = "Old Token";
    string public symbol = "OLD";
    uint8 public decimals = 18;
    uint256 public totalSupply;
    mapping (address => uint256) balances;
    mapping (address => mapping (address => uint256)) allowed;

    event Transfer(address indexed from, address indexed to, uint256 value);
    event Approval(address indexed owner, address indexed spender, uint256 value);

    function OldToken(uint256 supply) {
        totalSupply = supply;
        balances[msg.sender] = supply;
    }

    function balanceOf(address who) constant returns (uint256) { return balances[who]; }

    function transfer(address to, uint256 value) returns (bool success) {
        if (balances[msg.sender] < value) return false;
        balances[msg.sender] -= value;
        balances[to] += value;
        Transfer(msg.sender, to, value);
        return true;
    }

    function transferFrom(address from, address to, uint256 value) returns (bool success) {
        if (balances[from] < value || allowed[from][msg.sender] < value) return false;
        balances[from] -= value;
        allowed[from][msg.sender] -= value;
        balances[to] += value;
        Transfer(from, to, value);
        return true;
    }

    function approve(address spender, uint256 value) returns (bool success) {
        allowed[msg.sender][spender] = value;
        Approval(msg.sender, spender, value);
        return true;
    }

    function allowance(address owner, address spender) constant returns (uint256) {
        return allowed[owner][spender];
    }
}
