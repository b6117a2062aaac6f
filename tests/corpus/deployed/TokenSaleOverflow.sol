pragma solidity ^0.4.21;

/// Pre-sale of STAR tokens at a fixed 1 ether each; unsold demand can be sold back until listing.
contract StarTokenSale {
    string public constant name = "Star Presale Token";
    string public constant symbol = "STAR";
    uint256 constant PRICE_PER_TOKEN = 1 ether;

    address public owner;
    uint256 public tokensSold;
    bool public listed;

    mapping(address => uint256) public balanceOf;

    event Bought(address indexed buyer, uint256 numTokens, uint256 paid);
    event Sold(address indexed seller, uint256 numTokens, uint256 received);

    function StarTokenSale() public {
        owner = msg.sender;
    }

    function buy(uint256 numTokens) public payable {
        require(!listed);
        require(msg.value == numTokens * PRICE_PER_TOKEN);

        balanceOf[msg.sender] += numTokens;
        tokensSold += numTokens;
        emit Bought(msg.sender, numTokens, msg.value);
    }

    function sell(uint256 numTokens) public {
        require(!listed);
        require(balanceOf[msg.sender] >= numTokens);

        balanceOf[msg.sender] -= numTokens;
        tokensSold -= numTokens;
        msg.sender.transfer(numTokens * PRICE_PER_TOKEN);
        emit Sold(msg.sender, numTokens, numTokens * PRICE_PER_TOKEN);
    }

    function list() public {
        require(msg.sender == owner);
        listed = true;
        owner.transfer(address(this).balance);
    }
}
