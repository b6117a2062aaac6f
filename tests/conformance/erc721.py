"""EIP-721 (non-fungible token) conformance checks, from https://eips.ethereum.org/EIPS/eip-721,
with the EIP-165 requirements it imports (https://eips.ethereum.org/EIPS/eip-165).

Interface ids: ERC-165 ``0x01ffc9a7``, ERC-721 ``0x80ac58cd``, metadata ``0x5b5e139f`` and
enumerable ``0x780e9d63`` (both OPTIONAL). Events: ``Transfer(address indexed _from, address
indexed _to, uint256 indexed _tokenId)``, ``Approval(address indexed _owner, address indexed
_approved, uint256 indexed _tokenId)``, ``ApprovalForAll(address indexed _owner, address indexed
_operator, bool _approved)``. "Throws" is a revert: none of these functions returns a status.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from eth_abi import decode
from eth_utils import keccak

from . import ZERO, Chain, NotApplicable, Tx, calldata, registry

CHECKS, check = registry("erc721")

TRANSFER = "Transfer(address,address,uint256)"
TRANSFER_IX = (True, True, True)
APPROVAL = "Approval(address,address,uint256)"
APPROVAL_IX = (True, True, True)
APPROVAL_FOR_ALL = "ApprovalForAll(address,address,bool)"
APPROVAL_FOR_ALL_IX = (True, True, False)
MAGIC = bytes.fromhex("150b7a02")  # bytes4(keccak256("onERC721Received(address,address,uint256,bytes)"))

ID_ERC165 = bytes.fromhex("01ffc9a7")
ID_ERC721 = bytes.fromhex("80ac58cd")
ID_METADATA = bytes.fromhex("5b5e139f")
ID_ENUMERABLE = bytes.fromhex("780e9d63")
SAFE3 = "safeTransferFrom(address,address,uint256)"
SAFE4 = "safeTransferFrom(address,address,uint256,bytes)"


@dataclass
class Erc721Subject:
    """A deployed collection. ``mint(to)`` creates one token for ``to`` (however the contract
    does it) and returns that transaction; ``others`` are at least three accounts other than
    ``owner``; ``receivers`` holds the addresses of the helper contracts ``good``, ``none``,
    ``wrong`` and ``refusing`` (see Receivers.sol)."""

    chain: Chain
    token: str
    owner: str
    others: list[str]
    mint: Callable[[str], Tx]
    receivers: dict[str, str]


# -- helpers --------------------------------------------------------------------------------
def minted(s: Erc721Subject, to: str | None = None) -> int:
    """Mint one token to ``to`` (default: the owner); its id is read from the EIP's Transfer event."""
    to = to or s.owner
    tx = s.mint(to)
    assert not tx.reverted, "the subject's mint reverted"
    evs = [e for e in tx.events(s.token, TRANSFER, TRANSFER_IX) if e[0] == ZERO and e[1] == to]
    assert len(evs) == 1, f"a mint emitted {len(evs)} Transfer(0x0, to, id) events"
    return evs[0][2]


def balance(s, who) -> int:
    return s.chain.call(s.token, "balanceOf(address)", [who])


def owner_of(s, tid) -> str:
    return s.chain.call(s.token, "ownerOf(uint256)", [tid], returns=("address",))


def get_approved(s, tid) -> str:
    return s.chain.call(s.token, "getApproved(uint256)", [tid], returns=("address",))


def supports(s, iid: bytes) -> bool:
    raw_ok, raw = s.chain.try_call(s.token, "supportsInterface(bytes4)", [iid])
    assert raw_ok, "supportsInterface(bytes4) reverted"
    assert len(raw) == 32, f"supportsInterface returned {len(raw)} bytes"
    (v,) = decode(["uint256"], raw)
    assert v in (0, 1), f"supportsInterface returned {v}, not a bool"
    return v == 1


def send(s, sender, sig, args) -> Tx:
    return s.chain.send(sender, s.token, sig, args)


def ok(tx: Tx, what: str) -> Tx:
    assert not tx.reverted, f"{what} reverted"
    return tx


def throws(tx: Tx, what: str) -> None:
    assert tx.reverted, f"{what} succeeded; the EIP says it throws"


def throws_view(s, sig, args, what) -> None:
    good, _ = s.chain.try_call(s.token, sig, args)
    assert not good, f"{what} answered; the EIP says it throws"


def unminted_id() -> int:
    return int.from_bytes(keccak(text="erc721-conformance:never-minted"), "big")


def moved(s, tx: Tx, frm: str, to: str, tid: int) -> None:
    ok(tx, "the transfer")
    assert owner_of(s, tid) == to, "ownerOf did not become _to"
    evs = tx.events(s.token, TRANSFER, TRANSFER_IX)
    assert evs == [(frm, to, tid)], f"Transfer events {evs}, expected exactly one ({frm}, {to}, {tid})"


# -- ERC-165 --------------------------------------------------------------------------------
@check("EIP-721: every ERC-721 contract MUST implement ERC721 and ERC165: supportsInterface(0x80ac58cd) is true")
def supports_erc721_interface(s):
    assert supports(s, ID_ERC721), "supportsInterface(0x80ac58cd) is false"


@check("EIP-165: supportsInterface(0x01ffc9a7) returns true")
def supports_erc165_interface(s):
    assert supports(s, ID_ERC165), "supportsInterface(0x01ffc9a7) is false"


@check("EIP-165: supportsInterface(0xffffffff) returns false")
def rejects_ffffffff_interface(s):
    assert not supports(s, bytes.fromhex("ffffffff")), "supportsInterface(0xffffffff) is true"


@check("EIP-165: supportsInterface uses less than 30,000 gas")
def supports_interface_is_cheap(s):
    data = calldata("supportsInterface(bytes4)", [ID_ERC721])
    intrinsic = 21_000 + sum(16 if b else 4 for b in data)
    gas = s.chain.w3.eth.estimate_gas({"to": s.token, "data": "0x" + data.hex()})
    assert gas - intrinsic < 30_000, f"supportsInterface used about {gas - intrinsic} gas"


# -- balances and owners --------------------------------------------------------------------
@check("Transfer: this emits when NFTs are created (`from` == 0)")
def mint_emits_transfer_from_zero(s):
    tid = minted(s)  # asserts the event
    assert owner_of(s, tid) == s.owner


@check("balanceOf: count all NFTs assigned to an owner")
def balance_of_counts_tokens(s):
    o, other = s.owner, s.others[0]
    b0, bo = balance(s, o), balance(s, other)
    t1, t2 = minted(s), minted(s)
    assert balance(s, o) == b0 + 2
    ok(send(s, o, "transferFrom(address,address,uint256)", [o, other, t1]), "transferFrom")
    assert (balance(s, o), balance(s, other)) == (b0 + 1, bo + 1)
    assert t1 != t2


@check("balanceOf: NFTs assigned to the zero address are considered invalid, and queries about them do throw")
def balance_of_zero_address_throws(s):
    throws_view(s, "balanceOf(address)", [ZERO], "balanceOf(0x0)")


@check("ownerOf: find the owner of an NFT")
def owner_of_returns_owner(s):
    tid = minted(s, s.others[1])
    assert owner_of(s, tid) == s.others[1]


@check("ownerOf: NFTs assigned to zero address are considered invalid, and queries about them do throw")
def owner_of_invalid_throws(s):
    throws_view(s, "ownerOf(uint256)", [unminted_id()], "ownerOf(never minted id)")


# -- transferFrom ---------------------------------------------------------------------------
@check("transferFrom: the owner transfers; MUST emit Transfer(_from, _to, _tokenId)")
def transfer_from_by_owner(s):
    tid = minted(s)
    moved(s, send(s, s.owner, "transferFrom(address,address,uint256)", [s.owner, s.others[0], tid]),
          s.owner, s.others[0], tid)


@check("transferFrom: the approved address for this NFT may transfer it")
def transfer_from_by_approved(s):
    tid = minted(s)
    ok(send(s, s.owner, "approve(address,uint256)", [s.others[0], tid]), "approve")
    moved(s, send(s, s.others[0], "transferFrom(address,address,uint256)", [s.owner, s.others[1], tid]),
          s.owner, s.others[1], tid)


@check("transferFrom: an authorized operator of the current owner may transfer")
def transfer_from_by_operator(s):
    tid = minted(s)
    ok(send(s, s.owner, "setApprovalForAll(address,bool)", [s.others[0], True]), "setApprovalForAll")
    moved(s, send(s, s.others[0], "transferFrom(address,address,uint256)", [s.owner, s.others[0], tid]),
          s.owner, s.others[0], tid)


@check("transferFrom: throws unless msg.sender is the current owner, an authorized operator, or the approved address")
def transfer_from_by_stranger_throws(s):
    tid = minted(s)
    throws(send(s, s.others[0], "transferFrom(address,address,uint256)", [s.owner, s.others[0], tid]),
           "transferFrom by a stranger")
    # an operator of someone else, or an approval on another token, is no authorization either
    other_tid = minted(s)
    ok(send(s, s.owner, "approve(address,uint256)", [s.others[1], other_tid]), "approve")
    ok(send(s, s.others[2], "setApprovalForAll(address,bool)", [s.others[1], True]), "setApprovalForAll")
    throws(send(s, s.others[1], "transferFrom(address,address,uint256)", [s.owner, s.others[1], tid]),
           "transferFrom by the approved address of another token")
    assert owner_of(s, tid) == s.owner


@check("transferFrom: throws if _from is not the current owner")
def transfer_from_wrong_from_throws(s):
    tid = minted(s)
    throws(send(s, s.owner, "transferFrom(address,address,uint256)", [s.others[0], s.others[1], tid]),
           "transferFrom with the wrong _from")
    ok(send(s, s.owner, "setApprovalForAll(address,bool)", [s.others[0], True]), "setApprovalForAll")
    throws(send(s, s.others[0], "transferFrom(address,address,uint256)", [s.others[1], s.others[0], tid]),
           "transferFrom by an operator naming the wrong _from")


@check("transferFrom: throws if _to is the zero address")
def transfer_from_to_zero_throws(s):
    tid = minted(s)
    throws(send(s, s.owner, "transferFrom(address,address,uint256)", [s.owner, ZERO, tid]), "transferFrom to 0x0")


@check("transferFrom: throws if _tokenId is not a valid NFT")
def transfer_from_invalid_token_throws(s):
    throws(send(s, s.owner, "transferFrom(address,address,uint256)", [s.owner, s.others[0], unminted_id()]),
           "transferFrom of a never-minted id")


# -- approvals ------------------------------------------------------------------------------
@check("Approval: when a Transfer event emits, the approved address for that NFT (if any) is reset to none")
def approval_cleared_on_transfer(s):
    tid = minted(s)
    ok(send(s, s.owner, "approve(address,uint256)", [s.others[0], tid]), "approve")
    assert get_approved(s, tid) == s.others[0]
    ok(send(s, s.owner, "transferFrom(address,address,uint256)", [s.owner, s.others[1], tid]), "transferFrom")
    assert get_approved(s, tid) == ZERO, "the approval survived the transfer"
    throws(send(s, s.others[0], "transferFrom(address,address,uint256)", [s.others[1], s.others[0], tid]),
           "transferFrom by the previous owner's approved address")


@check("approve: changes the approved address; getApproved returns it; emits Approval(_owner, _approved, _tokenId)")
def approve_sets_and_emits(s):
    tid = minted(s)
    assert get_approved(s, tid) == ZERO, "a fresh token has an approved address"
    tx = ok(send(s, s.owner, "approve(address,uint256)", [s.others[0], tid]), "approve")
    assert get_approved(s, tid) == s.others[0]
    evs = tx.events(s.token, APPROVAL, APPROVAL_IX)
    assert evs == [(s.owner, s.others[0], tid)], f"Approval events {evs}"
    tx = ok(send(s, s.owner, "approve(address,uint256)", [ZERO, tid]), "approve(0x0) - none")
    assert get_approved(s, tid) == ZERO


@check("approve: throws unless msg.sender is the current NFT owner, or an authorized operator of the current owner")
def approve_authorization(s):
    tid = minted(s)
    throws(send(s, s.others[0], "approve(address,uint256)", [s.others[0], tid]), "approve by a stranger")
    ok(send(s, s.owner, "setApprovalForAll(address,bool)", [s.others[1], True]), "setApprovalForAll")
    tx = ok(send(s, s.others[1], "approve(address,uint256)", [s.others[2], tid]), "approve by an operator")
    assert get_approved(s, tid) == s.others[2]
    evs = tx.events(s.token, APPROVAL, APPROVAL_IX)
    assert evs == [(s.owner, s.others[2], tid)], f"Approval events {evs} (the _owner is the NFT's owner)"


@check("getApproved: throws if _tokenId is not a valid NFT")
def get_approved_invalid_throws(s):
    throws_view(s, "getApproved(uint256)", [unminted_id()], "getApproved(never minted id)")


@check("setApprovalForAll: enable or disable an operator; emits ApprovalForAll; isApprovedForAll reflects it")
def set_approval_for_all(s):
    o, op = s.owner, s.others[0]
    q = lambda: s.chain.call(s.token, "isApprovedForAll(address,address)", [o, op], returns=("bool",))  # noqa: E731
    assert q() is False
    tx = ok(send(s, o, "setApprovalForAll(address,bool)", [op, True]), "setApprovalForAll(true)")
    assert q() is True
    assert tx.events(s.token, APPROVAL_FOR_ALL, APPROVAL_FOR_ALL_IX) == [(o, op, True)]
    tx = ok(send(s, o, "setApprovalForAll(address,bool)", [op, False]), "setApprovalForAll(false)")
    assert q() is False
    assert tx.events(s.token, APPROVAL_FOR_ALL, APPROVAL_FOR_ALL_IX) == [(o, op, False)]
    tid = minted(s)
    throws(send(s, op, "transferFrom(address,address,uint256)", [o, op, tid]), "transferFrom by a revoked operator")


# -- safeTransferFrom -----------------------------------------------------------------------
@check("safeTransferFrom: to an account without code it transfers like transferFrom (both overloads)")
def safe_transfer_to_eoa(s):
    t1, t2 = minted(s), minted(s)
    moved(s, send(s, s.owner, SAFE3, [s.owner, s.others[0], t1]), s.owner, s.others[0], t1)
    moved(s, send(s, s.owner, SAFE4, [s.owner, s.others[0], t2, b"hi"]), s.owner, s.others[0], t2)


@check("safeTransferFrom: when _to is a contract it calls onERC721Received(msg.sender, _from, _tokenId, data) "
       "and accepts the magic value")
def safe_transfer_to_receiver(s):
    good = s.receivers["good"]
    t1, t2 = minted(s), minted(s)
    moved(s, send(s, s.owner, SAFE3, [s.owner, good, t1]), s.owner, good, t1)
    assert s.chain.call(good, "lastData()", returns=("bytes",)) == b"", "the 3-argument overload passes data \"\""
    ok(send(s, s.owner, "approve(address,uint256)", [s.others[0], t2]), "approve")
    moved(s, send(s, s.others[0], SAFE4, [s.owner, good, t2, b"\x01payload"]), s.owner, good, t2)
    got = (s.chain.call(good, "lastOperator()", returns=("address",)),
           s.chain.call(good, "lastFrom()", returns=("address",)),
           s.chain.call(good, "lastTokenId()"),
           s.chain.call(good, "lastData()", returns=("bytes",)))
    assert got == (s.others[0], s.owner, t2, b"\x01payload"), f"onERC721Received got {got}"
    assert s.chain.call(good, "calls()") == 2


@check("safeTransferFrom: throws if _to is a contract that does not implement onERC721Received")
def safe_transfer_to_non_receiver_throws(s):
    tid = minted(s)
    throws(send(s, s.owner, SAFE3, [s.owner, s.receivers["none"], tid]), "safeTransferFrom to a non-receiver")
    throws(send(s, s.owner, SAFE4, [s.owner, s.receivers["none"], tid, b""]),
           "safeTransferFrom(data) to a non-receiver")
    assert owner_of(s, tid) == s.owner


@check("safeTransferFrom: throws if the return value is not bytes4(keccak256(\"onERC721Received(...)\"))")
def safe_transfer_wrong_magic_throws(s):
    tid = minted(s)
    throws(send(s, s.owner, SAFE3, [s.owner, s.receivers["wrong"], tid]), "safeTransferFrom to a wrong-magic receiver")
    throws(send(s, s.owner, SAFE3, [s.owner, s.receivers["refusing"], tid]), "safeTransferFrom to a refusing receiver")
    assert owner_of(s, tid) == s.owner


@check("safeTransferFrom: throws where transferFrom throws (unauthorized caller, to == 0)")
def safe_transfer_authorization(s):
    tid = minted(s)
    throws(send(s, s.others[0], SAFE3, [s.owner, s.others[0], tid]), "safeTransferFrom by a stranger")
    throws(send(s, s.owner, SAFE3, [s.owner, ZERO, tid]), "safeTransferFrom to 0x0")


# -- optional extensions --------------------------------------------------------------------
@check("metadata (OPTIONAL, 0x5b5e139f): name(), symbol() strings; tokenURI throws if _tokenId is not valid")
def metadata_extension(s):
    if not supports(s, ID_METADATA):
        raise NotApplicable("the metadata extension is not advertised")
    for sig in ("name()", "symbol()"):
        assert isinstance(s.chain.call(s.token, sig, returns=("string",)), str)
    tid = minted(s)
    assert isinstance(s.chain.call(s.token, "tokenURI(uint256)", [tid], returns=("string",)), str)
    throws_view(s, "tokenURI(uint256)", [unminted_id()], "tokenURI(never minted id)")


@check("enumerable (OPTIONAL, 0x780e9d63): totalSupply, tokenByIndex and tokenOfOwnerByIndex agree; "
       "out-of-range indexes throw")
def enumerable_extension(s):
    if not supports(s, ID_ENUMERABLE):
        raise NotApplicable("the enumerable extension is not advertised")
    n0 = s.chain.call(s.token, "totalSupply()")
    mine = {minted(s), minted(s), minted(s)}
    ok(send(s, s.owner, "transferFrom(address,address,uint256)", [s.owner, s.others[0], min(mine)]), "transferFrom")
    n = s.chain.call(s.token, "totalSupply()")
    assert n == n0 + 3
    all_ids = [s.chain.call(s.token, "tokenByIndex(uint256)", [i]) for i in range(n)]
    assert len(set(all_ids)) == n and mine <= set(all_ids)
    throws_view(s, "tokenByIndex(uint256)", [n], "tokenByIndex(totalSupply())")
    nb = balance(s, s.owner)
    owned = {s.chain.call(s.token, "tokenOfOwnerByIndex(address,uint256)", [s.owner, i]) for i in range(nb)}
    assert owned >= mine - {min(mine)} and min(mine) not in owned
    assert all(owner_of(s, t) == s.owner for t in owned)
    throws_view(s, "tokenOfOwnerByIndex(address,uint256)", [s.owner, nb], "tokenOfOwnerByIndex(owner, balance)")
