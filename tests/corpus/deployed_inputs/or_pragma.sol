pragma solidity ^0.4.24||^0.5.0;

contract Ledger {
    mapping(address => int256) public balance;
    event Entry(address indexed who, int256 delta);

    function book(address who, int256 delta) public {
        balance[who] += delta;
        emit Entry(who, delta);
    }
}
