pragma solidity 0.4.24;

library SafeMath24 {
    function add(uint256 a, uint256 b) internal pure returns (uint256) {
        uint256 c = a + b;
        require(c >= a);
        return c;
    }
    function sub(uint256 a, uint256 b) internal pure returns (uint256) {
        require(b <= a);
        return a - b;
    }
}

contract Pausable24 {
    address public owner;
    bool public paused;
    constructor() public { owner = msg.sender; }
    modifier onlyOwner() { require(msg.sender == owner); _; }
    function pause() public onlyOwner { paused = true; }
    function unpause() public onlyOwner { paused = false; }
}

contract Deposit24 is Pausable24 {
    using SafeMath24 for uint256;
    mapping(address => uint256) public balances;

    function deposit() public payable {
        require(!paused);
        balances[msg.sender] = balances[msg.sender].add(msg.value);
    }

    function withdraw(uint256 amount) public {
        balances[msg.sender] = balances[msg.sender].sub(amount);
        msg.sender.transfer(amount);
    }
}
