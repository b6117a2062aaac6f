pragma solidity 0.4.24;

// Members' vault: join with a deposit, leave with it; the keeper can sweep abandoned funds
// after the vault is closed.
contract MembersVault {

    address public keeper;
    uint public openedAt;
    bool public closed;

    struct Member {
        address account;
        uint joinedAt;
    }

    Member[] public members;
    mapping (address => uint) public deposits;

    event Joined(address indexed member, uint amount);
    event Left(address indexed member, uint amount);

    modifier onlyKeeper() {
        require(msg.sender == keeper);
        _;
    }

    constructor() public {
        keeper = msg.sender;
        openedAt = now;
    }

    function join() public payable {
        require(!closed);
        require(msg.value >= 0.1 ether);
        if (deposits[msg.sender] == 0) {
            Member m;
            m.account = msg.sender;
            m.joinedAt = now;
            members.push(m);
        }
        deposits[msg.sender] += msg.value;
        emit Joined(msg.sender, msg.value);
    }

    function leave() public {
        uint amount = deposits[msg.sender];
        require(amount > 0);
        deposits[msg.sender] = 0;
        msg.sender.transfer(amount);
        emit Left(msg.sender, amount);
    }

    function close() public onlyKeeper {
        closed = true;
    }

    function sweep() public onlyKeeper {
        keeper.transfer(address(this).balance);
    }

    function memberCount() public view returns (uint) {
        return members.length;
    }
}
