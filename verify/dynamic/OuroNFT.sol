// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

interface IOuroERC721Receiver {
    function onERC721Received(address operator, address from, uint256 tokenId, bytes calldata data)
        external
        returns (bytes4);
}

/// @title A plain ERC-721 for verification.
/// @notice The constructor mints `perHolder` tokens to each holder, ids 1, 2, ... in order.
/// safeTransferFrom calls the receiver's onERC721Received hook, so a contract that hands out an
/// NFT before its state is settled can be re-entered through it.
contract OuroNFT {
    string public name = "Ouro Test NFT";
    string public symbol = "ONFT";
    uint256 public totalSupply;
    mapping(uint256 => address) public ownerOf;
    mapping(address => uint256) public balanceOf;
    mapping(uint256 => address) public getApproved;
    mapping(address => mapping(address => bool)) public isApprovedForAll;

    event Transfer(address indexed from, address indexed to, uint256 indexed tokenId);
    event Approval(address indexed owner, address indexed approved, uint256 indexed tokenId);
    event ApprovalForAll(address indexed owner, address indexed operator, bool approved);

    constructor(address[] memory holders, uint256 perHolder) {
        for (uint256 i = 0; i < holders.length; i++) {
            for (uint256 j = 0; j < perHolder; j++) {
                uint256 id = ++totalSupply;
                ownerOf[id] = holders[i];
                balanceOf[holders[i]] += 1;
                emit Transfer(address(0), holders[i], id);
            }
        }
    }

    function supportsInterface(bytes4 id) external pure returns (bool) {
        return id == 0x80ac58cd || id == 0x01ffc9a7;
    }

    function approve(address to, uint256 tokenId) external {
        address owner = ownerOf[tokenId];
        require(msg.sender == owner || isApprovedForAll[owner][msg.sender], "OuroNFT: not allowed");
        getApproved[tokenId] = to;
        emit Approval(owner, to, tokenId);
    }

    function setApprovalForAll(address operator, bool approved) external {
        isApprovedForAll[msg.sender][operator] = approved;
        emit ApprovalForAll(msg.sender, operator, approved);
    }

    function transferFrom(address from, address to, uint256 tokenId) public {
        require(ownerOf[tokenId] == from && from != address(0), "OuroNFT: not the owner");
        require(to != address(0), "OuroNFT: to zero");
        require(
            msg.sender == from || getApproved[tokenId] == msg.sender || isApprovedForAll[from][msg.sender],
            "OuroNFT: not allowed"
        );
        delete getApproved[tokenId];
        ownerOf[tokenId] = to;
        balanceOf[from] -= 1;
        balanceOf[to] += 1;
        emit Transfer(from, to, tokenId);
    }

    function safeTransferFrom(address from, address to, uint256 tokenId) external {
        safeTransferFrom(from, to, tokenId, "");
    }

    function safeTransferFrom(address from, address to, uint256 tokenId, bytes memory data) public {
        transferFrom(from, to, tokenId);
        if (to.code.length > 0) {
            bytes4 got = IOuroERC721Receiver(to).onERC721Received(msg.sender, from, tokenId, data);
            require(got == IOuroERC721Receiver.onERC721Received.selector, "OuroNFT: receiver refused");
        }
    }
}
