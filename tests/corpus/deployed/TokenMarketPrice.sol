pragma solidity ^0.5.0;

/// Shop for the ACME utility token: the operator sells from inventory at a price it sets.
contract AcmeTokenShop {
    address payable public owner;
    uint256 public price;            // wei per token
    uint256 public inventory;
    mapping(address => uint256) public balanceOf;

    event PriceChanged(uint256 oldPrice, uint256 newPrice);
    event Purchase(address indexed buyer, uint256 paid, uint256 tokens);
    event Transfer(address indexed from, address indexed to, uint256 value);

    modifier onlyOwner() {
        require(msg.sender == owner, "not owner");
        _;
    }

    constructor(uint256 _price, uint256 _inventory) public {
        owner = msg.sender;
        price = _price;
        inventory = _inventory;
    }

    function setPrice(uint256 _price) public onlyOwner {
        require(_price > 0, "price is zero");
        emit PriceChanged(price, _price);
        price = _price;
    }

    function buy() public payable {
        uint256 tokens = msg.value / price;
        require(tokens > 0 && tokens <= inventory, "bad amount");
        inventory -= tokens;
        balanceOf[msg.sender] += tokens;
        owner.transfer(msg.value);
        emit Purchase(msg.sender, msg.value, tokens);
    }

    function transfer(address to, uint256 value) public returns (bool) {
        require(balanceOf[msg.sender] >= value, "balance too low");
        balanceOf[msg.sender] -= value;
        balanceOf[to] += value;
        emit Transfer(msg.sender, to, value);
        return true;
    }
}
