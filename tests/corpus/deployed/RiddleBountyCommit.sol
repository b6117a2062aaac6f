pragma solidity ^0.4.22;

// Solve the riddle, win the bounty - with commit/reveal: commit keccak256(answer, salt, you)
// before the commit deadline block, reveal after it. First valid reveal takes everything.
contract RiddleBounty {

    string public riddle = "What has keys but can't open locks?";
    bytes32 public constant answerHash = 0x724542201d0a86618beaa7206da37eb43bbc3810becf47cb4e794fb60747428e;

    address public owner;
    address public winner;
    bool public solved;
    uint public commitDeadlineBlock;

    mapping (address => bytes32) public commitments;

    event Committed(address indexed solver, bytes32 commitment);
    event Solved(address indexed winner, string answer, uint bounty);

    constructor(uint _commitBlocks) public payable {
        owner = msg.sender;
        commitDeadlineBlock = block.number + _commitBlocks;
    }

    function() public payable {}

    function commit(bytes32 _commitment) public {
        require(block.number <= commitDeadlineBlock);
        commitments[msg.sender] = _commitment;
        emit Committed(msg.sender, _commitment);
    }

    function solve(string solution, bytes32 salt) public {
        require(block.number > commitDeadlineBlock);
        require(!solved);
        require(commitments[msg.sender] == keccak256(solution, salt, msg.sender));
        require(answerHash == keccak256(solution));
        solved = true;
        winner = msg.sender;
        uint bounty = address(this).balance;
        msg.sender.transfer(bounty);
        emit Solved(msg.sender, solution, bounty);
    }
}
