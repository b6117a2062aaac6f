pragma solidity >0.4.99 <0.6.0;

contract Notary {
    mapping(bytes32 => uint256) public stampedAt;
    event Stamped(bytes32 indexed digest, address by);

    function stamp(bytes calldata document) external {
        bytes32 digest = keccak256(document);
        require(stampedAt[digest] == 0, "already stamped");
        stampedAt[digest] = block.timestamp;
        emit Stamped(digest, msg.sender);
    }
}
