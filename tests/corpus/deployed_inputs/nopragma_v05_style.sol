// No pragma, but written for 0.5: address payable, emit, constructor, explicit data locations.
contract TipJar {
    address payable public owner;
    uint public tips;
    event Tipped(address indexed from, uint amount, string message);

    constructor() public { owner = msg.sender; }

    function tip(string memory message) public payable {
        require(msg.value > 0, "no tip");
        tips += msg.value;
        emit Tipped(msg.sender, msg.value, message);
    }

    function withdraw() public {
        require(msg.sender == owner);
        owner.transfer(address(this).balance);
    }

    function lastBlock() public view returns (uint) { return now; }
}
