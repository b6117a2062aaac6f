pragma solidity ^0.4.22;

// Solve the riddle, win the bounty. First correct answer takes everything.
contract RiddleBounty {

    string public riddle = "What has keys but can't open locks?";
    bytes32 public constant answerHash = 0x724542201d0a86618beaa7206da37eb43bbc3810becf47cb4e794fb60747428e;

    address public owner;
    address public winner;
    bool public solved;

    event Solved(address indexed winner, string answer, uint bounty);

    constructor() public payable {
        owner = msg.sender;
    }

    function() public payable {}

    function solve(string solution) public {
        require(!solved);
        require(answerHash == keccak256(solution));
        solved = true;
        winner = msg.sender;
        uint bounty = address(this).balance;
        msg.sender.transfer(bounty);
        emit Solved(msg.sender, solution, bounty);
    }
}
