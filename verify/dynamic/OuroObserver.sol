// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

/// @title The batch observer of ouro's property engine.
/// @notice Answers every observation of a step in one static message call instead of one call
/// per view. The calldata is a list of entries, each a 23-byte header
/// `[kind: 1 byte][account: 20 bytes][length: 2 bytes]` followed by `length` bytes of payload:
///   kind 0: the account's ETH balance;
///   kind 1: the size of the account's code;
///   kind 2: a static call of the account with the payload as calldata.
/// The answer holds one 32-byte word per entry (the balance, the code size, or
/// `success << 255 | starved << 254 | returndatasize`, starved = failed having used up its
/// gas), and after a static call's word its return data, padded to whole words (the padding is
/// not zeroed: read only `returndatasize` bytes).
contract OuroObserver {
    fallback() external {
        assembly {
            let p := 0
            let o := 0
            let n := calldatasize()
            for {} lt(p, n) {} {
                let head := calldataload(p)
                let kind := byte(0, head)
                let account := shr(96, shl(8, head))
                let len := and(shr(72, head), 0xffff)
                p := add(p, 23)
                switch kind
                case 0 {
                    mstore(o, balance(account))
                    o := add(o, 32)
                }
                case 1 {
                    mstore(o, extcodesize(account))
                    o := add(o, 32)
                }
                default {
                    calldatacopy(add(o, 32), p, len)
                    let g := gas()
                    let ok := staticcall(g, account, add(o, 32), len, 0, 0)
                    // a failed call that used up the gas it was given may have failed for want
                    // of the gas a call of its own gets: flagged, the caller asks it again alone
                    let starved := and(iszero(ok), lt(gas(), add(div(g, 64), 10000)))
                    let size := returndatasize()
                    mstore(o, or(or(shl(255, ok), shl(254, starved)), size))
                    returndatacopy(add(o, 32), 0, size)
                    o := add(add(o, 32), mul(div(add(size, 31), 32), 32))
                    p := add(p, len)
                }
            }
            return(0, o)
        }
    }
}
