pragma solidity ^0.4.18;

/// @title CryptoPiggy - save ether, take out at most 1 ether a week
contract CryptoPiggy {

    address public owner;
    uint256 public withdrawalLimit = 1 ether;
    uint256 public totalSaved;
    mapping(address => uint256) public lastWithdrawTime;
    mapping(address => uint256) public balances;

    event Saved(address indexed saver, uint256 amount);
    event Withdrawn(address indexed saver, uint256 amount);

    modifier onlyOwner() {
        require(msg.sender == owner);
        _;
    }

    function CryptoPiggy() public {
        owner = msg.sender;
    }

    function setWithdrawalLimit(uint256 _limit) public onlyOwner {
        withdrawalLimit = _limit;
    }

    function depositFunds() public payable {
        require(msg.value > 0);
        balances[msg.sender] += msg.value;
        totalSaved += msg.value;
        Saved(msg.sender, msg.value);
    }

    function withdrawFunds(uint256 _weiToWithdraw) public {
        require(balances[msg.sender] >= _weiToWithdraw);
        // limit the withdrawal
        require(_weiToWithdraw <= withdrawalLimit);
        // limit the time allowed to withdraw
        require(now >= lastWithdrawTime[msg.sender] + 1 weeks);
        require(msg.sender.call.value(_weiToWithdraw)());
        balances[msg.sender] -= _weiToWithdraw;
        totalSaved -= _weiToWithdraw;
        lastWithdrawTime[msg.sender] = now;
        Withdrawn(msg.sender, _weiToWithdraw);
    }

    function () public payable {
        depositFunds();
    }
}
