// SPDX-License-Identifier: MIT
pragma solidity ^0.6.0;

library SafeMath {
    function add(uint256 a, uint256 b) internal pure returns (uint256) {
        uint256 c = a + b;
        require(c >= a, "SafeMath: addition overflow");
        return c;
    }

    function sub(uint256 a, uint256 b) internal pure returns (uint256) {
        require(b <= a, "SafeMath: subtraction overflow");
        return a - b;
    }

    function mul(uint256 a, uint256 b) internal pure returns (uint256) {
        if (a == 0) {
            return 0;
        }
        uint256 c = a * b;
        require(c / a == b, "SafeMath: multiplication overflow");
        return c;
    }
}

contract SaleToken {
    using SafeMath for uint256;

    string public constant name = "Nebula Sale Token";
    string public constant symbol = "NBL";
    uint8 public constant decimals = 18;

    address public minter;
    bool public mintingFinished;
    uint256 public totalSupply;
    mapping(address => uint256) public balanceOf;
    mapping(address => mapping(address => uint256)) public allowance;

    event Transfer(address indexed from, address indexed to, uint256 value);
    event Approval(address indexed owner, address indexed spender, uint256 value);

    constructor() public {
        minter = msg.sender;
    }

    function mint(address to, uint256 amount) external {
        require(msg.sender == minter && !mintingFinished, "SaleToken: cannot mint");
        totalSupply = totalSupply.add(amount);
        balanceOf[to] = balanceOf[to].add(amount);
        emit Transfer(address(0), to, amount);
    }

    function finishMinting() external {
        require(msg.sender == minter, "SaleToken: not minter");
        mintingFinished = true;
    }

    function transfer(address to, uint256 value) external returns (bool) {
        balanceOf[msg.sender] = balanceOf[msg.sender].sub(value);
        balanceOf[to] = balanceOf[to].add(value);
        emit Transfer(msg.sender, to, value);
        return true;
    }

    function approve(address spender, uint256 value) external returns (bool) {
        allowance[msg.sender][spender] = value;
        emit Approval(msg.sender, spender, value);
        return true;
    }

    function transferFrom(address from, address to, uint256 value) external returns (bool) {
        allowance[from][msg.sender] = allowance[from][msg.sender].sub(value);
        balanceOf[from] = balanceOf[from].sub(value);
        balanceOf[to] = balanceOf[to].add(value);
        emit Transfer(from, to, value);
        return true;
    }
}

contract NebulaCrowdsale {
    using SafeMath for uint256;

    SaleToken public token;
    address payable public owner;
    uint256 public rate;          // tokens per wei
    uint256 public openingTime;
    uint256 public closingTime;
    uint256 public cap;
    uint256 public weiRaised;
    bool public isFinalized;

    event TokensPurchased(address indexed purchaser, address indexed beneficiary, uint256 value, uint256 amount);
    event CrowdsaleFinalized();
    event TimedCrowdsaleExtended(uint256 prevClosingTime, uint256 newClosingTime);

    modifier onlyOwner() {
        require(msg.sender == owner, "Crowdsale: caller is not the owner");
        _;
    }

    constructor(uint256 _rate, uint256 _openingTime, uint256 _closingTime, uint256 _cap) public {
        require(_rate > 0, "Crowdsale: rate is 0");
        require(_closingTime > _openingTime, "Crowdsale: opening time is not before closing time");
        owner = msg.sender;
        rate = _rate;
        openingTime = _openingTime;
        closingTime = _closingTime;
        cap = _cap;
        token = new SaleToken();
    }

    receive() external payable {
        buyTokens(msg.sender);
    }

    function isOpen() public view returns (bool) {
        return block.timestamp >= openingTime && block.timestamp <= closingTime;
    }

    function hasClosed() public view returns (bool) {
        return block.timestamp > closingTime;
    }

    function buyTokens(address beneficiary) public payable {
        require(isOpen(), "Crowdsale: not open");
        require(beneficiary != address(0), "Crowdsale: beneficiary is the zero address");
        require(msg.value != 0, "Crowdsale: weiAmount is 0");
        require(weiRaised.add(msg.value) <= cap, "Crowdsale: cap exceeded");
        uint256 tokens = msg.value.mul(rate);
        weiRaised = weiRaised.add(msg.value);
        token.mint(beneficiary, tokens);
        emit TokensPurchased(msg.sender, beneficiary, msg.value, tokens);
    }

    function extendTime(uint256 newClosingTime) external onlyOwner {
        require(!hasClosed(), "Crowdsale: already closed");
        require(newClosingTime > closingTime, "Crowdsale: new closing time is before current closing time");
        emit TimedCrowdsaleExtended(closingTime, newClosingTime);
        closingTime = newClosingTime;
    }

    /**
     * @dev Must be called after crowdsale ends, to do some extra finalization
     * work: stops minting and collects the raised ether.
     */
    function finalize() public {
        require(!isFinalized, "Crowdsale: already finalized");
        require(hasClosed(), "Crowdsale: not closed");
        isFinalized = true;
        token.finishMinting();
        emit CrowdsaleFinalized();
        msg.sender.transfer(address(this).balance);
    }
}
