pragma solidity ^0.4.11;

/*
 * A small token-holder fund in the style of The DAO (2016): tokens are created by sending
 * ether during the funding period; a minority can split off into a child DAO with its share.
 */

contract ManagedAccount {
    address public owner;
    bool public payOwnerOnly;
    uint public accumulatedInput;

    event PayOut(address indexed _recipient, uint _amount);

    function ManagedAccount(address _owner, bool _payOwnerOnly) {
        owner = _owner;
        payOwnerOnly = _payOwnerOnly;
    }

    function() payable {
        accumulatedInput += msg.value;
    }

    function payOut(address _recipient, uint _amount) returns (bool) {
        if (msg.sender != owner || msg.value > 0 || (payOwnerOnly && _recipient != owner))
            throw;
        if (_recipient.call.value(_amount)()) {
            PayOut(_recipient, _amount);
            return true;
        } else {
            return false;
        }
    }
}

contract ChildDAO {
    address public curator;
    address public parent;
    mapping (address => uint256) public balances;
    uint256 public totalSupply;

    event CreatedToken(address indexed to, uint amount);
    event Refund(address indexed to, uint value);

    function ChildDAO(address _curator) {
        curator = _curator;
        parent = msg.sender;
    }

    function createTokenProxy(address _tokenHolder) payable returns (bool success) {
        if (msg.sender != parent || msg.value == 0) throw;
        balances[_tokenHolder] += msg.value;
        totalSupply += msg.value;
        CreatedToken(_tokenHolder, msg.value);
        return true;
    }

    function refund() {
        uint amount = balances[msg.sender];
        balances[msg.sender] = 0;
        totalSupply -= amount;
        if (!msg.sender.send(amount)) throw;
        Refund(msg.sender, amount);
    }
}

contract MiniDAO {

    struct SplitData {
        uint splitBalance;
        uint totalSupply;
        ChildDAO newDAO;
    }

    struct Proposal {
        address newCurator;
        uint votingDeadline;
        bool open;
        uint yea;
        uint nay;
        mapping (address => bool) votedYes;
        mapping (address => bool) votedNo;
        SplitData splitData;
    }

    mapping (address => uint256) public balances;
    mapping (address => uint) public paidOut;
    uint256 public totalSupply;
    uint public closingTime;
    uint public constant minSplitDebatePeriod = 1 weeks;

    ManagedAccount public rewardAccount;
    Proposal[] public proposals;

    event CreatedToken(address indexed to, uint amount);
    event Transfer(address indexed _from, address indexed _to, uint256 _amount);
    event ProposalAdded(uint indexed proposalID, address newCurator);
    event Voted(uint indexed proposalID, bool position, address indexed voter);

    modifier onlyTokenholders {
        if (balances[msg.sender] == 0) throw;
        _;
    }

    modifier noEther() {
        if (msg.value > 0) throw;
        _;
    }

    function MiniDAO(uint _closingTime) {
        closingTime = _closingTime;
        rewardAccount = new ManagedAccount(address(this), false);
        proposals.length = 1; // avoids a proposal with ID 0 because it is used
    }

    function createTokenProxy(address _tokenHolder) payable returns (bool success) {
        if (now < closingTime && msg.value > 0) {
            balances[_tokenHolder] += msg.value;
            totalSupply += msg.value;
            CreatedToken(_tokenHolder, msg.value);
            return true;
        }
        throw;
    }

    function() payable {
        createTokenProxy(msg.sender);
    }

    function actualBalance() constant returns (uint _actualBalance) {
        return this.balance;
    }

    function newSplitProposal(address _newCurator) onlyTokenholders returns (uint _proposalID) {
        if (now < closingTime) throw;
        _proposalID = proposals.length++;
        Proposal p = proposals[_proposalID];
        p.newCurator = _newCurator;
        p.votingDeadline = now + minSplitDebatePeriod;
        p.open = true;
        ProposalAdded(_proposalID, _newCurator);
    }

    function vote(uint _proposalID, bool _supportsProposal) onlyTokenholders noEther returns (uint _voteID) {
        Proposal p = proposals[_proposalID];
        if (p.votedYes[msg.sender] || p.votedNo[msg.sender] || now >= p.votingDeadline) throw;
        if (_supportsProposal) {
            p.yea += balances[msg.sender];
            p.votedYes[msg.sender] = true;
        } else {
            p.nay += balances[msg.sender];
            p.votedNo[msg.sender] = true;
        }
        Voted(_proposalID, _supportsProposal, msg.sender);
        return 0;
    }

    function splitDAO(uint _proposalID, address _newCurator) noEther onlyTokenholders returns (bool _success) {
        Proposal p = proposals[_proposalID];

        // Sanity check
        if (now < p.votingDeadline || !p.open || p.newCurator != _newCurator || !p.votedYes[msg.sender])
            throw;

        // If the new DAO doesn't exist yet, create the new DAO and store the current split data
        if (address(p.splitData.newDAO) == 0) {
            p.splitData.newDAO = new ChildDAO(_newCurator);
            p.splitData.splitBalance = actualBalance();
            p.splitData.totalSupply = totalSupply;
        }

        // Move ether and assign new Tokens
        uint fundsToBeMoved = (balances[msg.sender] * p.splitData.splitBalance) / p.splitData.totalSupply;
        if (p.splitData.newDAO.createTokenProxy.value(fundsToBeMoved)(msg.sender) == false)
            throw;

        withdrawRewardFor(msg.sender); // be nice, and get his rewards

        // Burn DAO Tokens
        Transfer(msg.sender, 0, balances[msg.sender]);
        totalSupply -= balances[msg.sender];
        balances[msg.sender] = 0;
        paidOut[msg.sender] = 0;
        return true;
    }

    function withdrawRewardFor(address _account) internal returns (bool _success) {
        if ((balances[_account] * rewardAccount.accumulatedInput()) / totalSupply < paidOut[_account])
            throw;

        uint reward = (balances[_account] * rewardAccount.accumulatedInput()) / totalSupply - paidOut[_account];
        if (!rewardAccount.payOut(_account, reward))
            throw;
        paidOut[_account] += reward;
        return true;
    }

    function getNewDAOAddress(uint _proposalID) constant returns (address _newDAO) {
        return proposals[_proposalID].splitData.newDAO;
    }

    function numberOfProposals() constant returns (uint _numberOfProposals) {
        return proposals.length - 1;
    }
}
