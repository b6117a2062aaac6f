// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

/// @title The attacker contract of ouro's property engine.
/// @notice One call per step: `attack` configures re-entry and ETH refusal, then calls the
/// target. ETH refusal persists until the next attack. Every way the target can hand control back (receive, fallback, ERC-721/1155/777
/// hooks) re-enters with the configured call, up to `maxDepth` times. Re-entries that the
/// target rejects are counted in `reentryFailures` and never bubble up.
contract OuroAttacker {
    address public target;
    bytes public reentryData;
    uint256 public reentryValue;
    uint256 public maxDepth;
    uint256 public depth;
    bool public rejectEth;
    uint256 public reentered;        // successful re-entries in the last attack
    uint256 public reentryFailures;  // rejected re-entries in the last attack

    function attack(
        address target_,
        bytes calldata data,
        uint256 value,
        bytes calldata reentryData_,
        uint256 reentryValue_,
        uint256 maxDepth_,
        bool rejectEth_
    ) external payable returns (bool ok, bytes memory ret) {
        target = target_;
        reentryData = reentryData_;
        reentryValue = reentryValue_;
        maxDepth = maxDepth_;
        rejectEth = rejectEth_;
        depth = 0;
        reentered = 0;
        reentryFailures = 0;
        (ok, ret) = target_.call{value: value}(data);
        maxDepth = 0;
        // rejectEth stays as set until the next attack: ETH pushed to this contract by other
        // people's transactions (refunds, payouts) is refused too.
    }

    /// @notice Play only when it wins: call the target, then undo everything unless this
    /// contract ended richer in ETH plus what `viewData` (a getter of the target, called with
    /// this contract's address) reports. An attacker computing the outcome from block data in the
    /// same transaction does exactly this.
    function attackIfProfit(address target_, bytes calldata data, uint256 value, bytes calldata viewData)
        external
        payable
        returns (bool ok, bytes memory ret)
    {
        target = target_;
        maxDepth = 0;
        depth = 0; // written, so the 2300-gas stipend of a transfer() prize covers receive()'s reads
        rejectEth = false;
        reentered = 0;
        reentryFailures = 0;
        uint256 before = address(this).balance + _credit(target_, viewData);
        (ok, ret) = target_.call{value: value}(data);
        require(ok, "OuroAttacker: target refused");
        require(address(this).balance + _credit(target_, viewData) > before, "OuroAttacker: no profit, undone");
    }

    function _credit(address target_, bytes calldata viewData) internal view returns (uint256) {
        if (viewData.length == 0) {
            return 0;
        }
        (bool ok, bytes memory out) = target_.staticcall(viewData);
        return ok && out.length >= 32 ? abi.decode(out, (uint256)) : 0;
    }

    function _reenter() internal {
        if (depth >= maxDepth || reentryData.length == 0) {
            return;
        }
        if (reentryValue > address(this).balance) {
            return;
        }
        depth += 1;
        (bool ok, ) = target.call{value: reentryValue}(reentryData);
        if (ok) {
            reentered += 1;
        } else {
            reentryFailures += 1;
        }
    }

    receive() external payable {
        require(!rejectEth, "OuroAttacker: rejecting ETH");
        _reenter();
    }

    fallback() external payable {
        require(!rejectEth, "OuroAttacker: rejecting ETH");
        _reenter();
    }

    function onERC721Received(address, address, uint256, bytes calldata) external returns (bytes4) {
        _reenter();
        return this.onERC721Received.selector;
    }

    function onERC1155Received(address, address, uint256, uint256, bytes calldata) external returns (bytes4) {
        _reenter();
        return this.onERC1155Received.selector;
    }

    function onERC1155BatchReceived(address, address, uint256[] calldata, uint256[] calldata, bytes calldata)
        external
        returns (bytes4)
    {
        _reenter();
        return this.onERC1155BatchReceived.selector;
    }

    function tokensReceived(address, address, address, uint256, bytes calldata, bytes calldata) external {
        _reenter();
    }

    function supportsInterface(bytes4) external pure returns (bool) {
        return true;
    }
}
