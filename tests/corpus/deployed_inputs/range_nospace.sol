pragma solidity>=0.4.22<0.6.0;

contract Counter {
    uint256 public count;
    event Bumped(uint256 value);

    function bump() public {
        count += 1;
        emit Bumped(count);
    }
}
