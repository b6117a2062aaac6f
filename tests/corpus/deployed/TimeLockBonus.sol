pragma solidity ^0.4.21;

/// Lock ether for a week and earn a 5% loyalty bonus paid from the sponsor's pool.
contract LoyaltyTimeLock {

    address public sponsor;
    uint public constant LOCK_PERIOD = 1 weeks;
    uint public constant BONUS_PERCENT = 5;
    uint public constant MinDeposit = 1 ether;

    uint public bonusPool;

    mapping(address => uint) public balances;
    mapping(address => uint) public lockTime;

    event Deposited(address indexed saver, uint amount, uint unlockAt);
    event Withdrawn(address indexed saver, uint amount, uint bonus);
    event PoolFunded(uint amount);

    function LoyaltyTimeLock() public {
        sponsor = msg.sender;
    }

    function fundBonusPool() public payable {
        require(msg.sender == sponsor);
        bonusPool += msg.value;
        emit PoolFunded(msg.value);
    }

    function deposit() public payable {
        require(msg.value >= MinDeposit);
        balances[msg.sender] += msg.value;
        lockTime[msg.sender] = now + LOCK_PERIOD;
        emit Deposited(msg.sender, msg.value, lockTime[msg.sender]);
    }

    function increaseLockTime(uint _secondsToIncrease) public {
        lockTime[msg.sender] += _secondsToIncrease;
    }

    function withdraw() public {
        require(balances[msg.sender] > 0);
        require(now > lockTime[msg.sender]);
        uint amount = balances[msg.sender];
        uint bonus = amount * BONUS_PERCENT / 100;
        if (bonus > bonusPool) {
            bonus = bonusPool;
        }
        bonusPool -= bonus;
        balances[msg.sender] = 0;
        msg.sender.transfer(amount + bonus);
        emit Withdrawn(msg.sender, amount, bonus);
    }
}
