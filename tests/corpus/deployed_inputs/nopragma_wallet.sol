// Shared wallet, published without a version pragma (0.4 era).
contract SharedWallet {
    address public owner;
    mapping (address => uint) public allowance;

    event Deposit(address from, uint amount);
    event Spent(address to, uint amount);

    function SharedWallet() {
        owner = msg.sender;
    }

    function () payable {
        Deposit(msg.sender, msg.value);
    }

    function setAllowance(address who, uint amount) {
        if (msg.sender != owner) throw;
        allowance[who] = amount;
    }

    function spend(address to, uint amount) {
        if (msg.sender != owner && allowance[msg.sender] < amount) throw;
        if (msg.sender != owner) allowance[msg.sender] -= amount;
        if (!to.send(amount)) throw;
        Spent(to, amount);
    }

    function close() {
        if (msg.sender != owner) throw;
        suicide(owner);
    }
}
