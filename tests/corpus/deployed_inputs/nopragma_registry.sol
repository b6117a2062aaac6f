contract NameRegistry {
    struct Record { address owner; bytes32 target; uint expires; }
    mapping (bytes32 => Record) public records;
    uint constant FEE = 1 ether;

    modifier onlyHolder(bytes32 name) { if (records[name].owner != msg.sender) throw; _; }

    function register(bytes32 name, bytes32 target) payable {
        if (msg.value < FEE) throw;
        if (records[name].owner != 0 && records[name].expires > now) throw;
        records[name] = Record(msg.sender, target, now + 365 days);
    }

    function point(bytes32 name, bytes32 target) onlyHolder(name) { records[name].target = target; }

    function hashOf(string label) constant returns (bytes32) { return sha3(label); }
}
