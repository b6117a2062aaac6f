"""Field types for specs: amounts, durations, fees and texts written the way people write them."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Annotated

from pydantic import AfterValidator, BeforeValidator, Field

from synth.solidity_text import IDENTIFIER, SOLIDITY_RESERVED

__all__ = ["Address", "Bps", "ContractName", "Duration", "EthAmount", "Symbol", "Text", "TokenAmount", "Uri"]

_UNITS = {"s": 1, "sec": 1, "second": 1, "seconds": 1, "m": 60, "min": 60, "minute": 60, "minutes": 60,
          "h": 3600, "hour": 3600, "hours": 3600, "d": 86400, "day": 86400, "days": 86400,
          "w": 604800, "week": 604800, "weeks": 604800, "year": 365 * 86400, "years": 365 * 86400}
_ETH = {"wei": 1, "gwei": 10**9, "ether": 10**18, "eth": 10**18}
MAX_UINT = 2**256 - 1


def _number(v, what: str) -> Decimal:
    if isinstance(v, bool):
        raise ValueError(f"expected {what}, got a boolean")
    if isinstance(v, (int, float)):
        return Decimal(str(v))
    if isinstance(v, str):
        try:
            return Decimal(v.replace("_", "").replace(",", "").strip())
        except InvalidOperation:
            raise ValueError(f"expected {what}, got {v!r}") from None
    raise ValueError(f"expected {what}, got {type(v).__name__}")


def _duration(v) -> int:
    if isinstance(v, str):
        m = re.fullmatch(r"\s*([\d_.]+)\s*([a-z]+)\s*", v.lower())
        if m:
            if m.group(2) not in _UNITS:
                raise ValueError(f"unknown time unit {m.group(2)!r}; use one of s, minutes, hours, days, weeks, years")
            n = _number(m.group(1), "a duration") * _UNITS[m.group(2)]
        else:
            n = _number(v, "a duration such as 3600, '30 days' or '1 year'")
    else:
        n = _number(v, "a duration in seconds")
    if n < 0 or n != int(n) or n > 100 * 365 * 86400:
        raise ValueError("a duration must be a whole number of seconds between 0 and 100 years")
    return int(n)


def _eth(v) -> int:
    if isinstance(v, str):
        m = re.fullmatch(r"\s*([\d_.eE+-]+)\s*([a-zA-Z]+)\s*", v)
        if m:
            unit = m.group(2).lower()
            if unit not in _ETH:
                raise ValueError(f"unknown unit {m.group(2)!r}; use wei, gwei or ether")
            n = _number(m.group(1), "an amount") * _ETH[unit]
        else:
            n = _number(v, "an amount in wei or like '0.05 ether'")
    else:
        n = _number(v, "an amount in wei")
    if n < 0 or n != int(n) or n > MAX_UINT:
        raise ValueError("an ETH amount must be a whole number of wei between 0 and 2**256-1")
    return int(n)


def _tokens(v) -> int:
    n = _number(v, "a whole number of tokens")
    if n < 0 or n != int(n) or n > 10**40:
        raise ValueError("a token amount is a whole number of tokens between 0 and 10**40")
    return int(n)


def _bps(v) -> int:
    if isinstance(v, str) and v.strip().endswith("%"):
        n = _number(v.strip()[:-1], "a percentage") * 100
    else:
        n = _number(v, "basis points (0-10000) or a percentage like '2.5%'")
    if n < 0 or n > 10000 or n != int(n):
        raise ValueError("a fee or rate must be 0-10000 basis points (0%-100%, steps of 0.01%)")
    return int(n)


def _name(v: str) -> str:
    if not IDENTIFIER.match(v):
        raise ValueError("must be a Solidity identifier: a letter or _, then letters, digits or _ (at most 64)")
    if v.lower() in SOLIDITY_RESERVED or v in SOLIDITY_RESERVED:
        raise ValueError(f"{v!r} is a Solidity keyword or reserved name")
    return v


def _text(v: str) -> str:
    bad = [c for c in v if not c.isprintable() and c not in "\n\t"]
    if bad:
        raise ValueError(f"contains control character {bad[0]!r}")
    return v


def _symbol(v: str) -> str:
    if not re.fullmatch(r"[A-Za-z0-9$._-]{1,11}", v):
        raise ValueError("a symbol is 1-11 letters, digits or $._-")
    return v


def _address(v) -> str:
    if not isinstance(v, str) or not re.fullmatch(r"0x[0-9a-fA-F]{40}", v.strip()):
        raise ValueError("an address is 0x followed by 40 hex digits")
    v = v.strip()
    from eth_utils import is_checksum_address, to_checksum_address

    if v != v.lower() and v[2:] != v[2:].upper() and not is_checksum_address(v):
        raise ValueError(f"{v} has mixed case but a wrong EIP-55 checksum; "
                         f"did you mean {to_checksum_address(v.lower())}?")
    if int(v, 16) == 0:
        raise ValueError("the zero address is not a contract")
    return to_checksum_address(v.lower())


def _uri(v: str) -> str:
    if re.search(r"[\s\"'\\<>`]", v) or not v.isprintable():
        raise ValueError("a URI must not contain spaces, quotes, backslashes or control characters")
    return v


Duration = Annotated[int, BeforeValidator(_duration, json_schema_input_type=int | str), Field(json_schema_extra={"examples": [86400, "30 days"]})]
EthAmount = Annotated[int, BeforeValidator(_eth, json_schema_input_type=int | str), Field(json_schema_extra={"examples": ["0.05 ether", 10**16]})]
TokenAmount = Annotated[int, BeforeValidator(_tokens, json_schema_input_type=int | str), Field(json_schema_extra={"examples": [1_000_000]})]
Bps = Annotated[int, BeforeValidator(_bps, json_schema_input_type=int | str), Field(json_schema_extra={"examples": [250, "2.5%"]})]
ContractName = Annotated[str, AfterValidator(_name), Field(max_length=64)]
Text = Annotated[str, AfterValidator(_text), Field(max_length=2000)]
Symbol = Annotated[str, AfterValidator(_symbol)]
Uri = Annotated[str, AfterValidator(_uri), Field(max_length=500)]
Address = Annotated[str, BeforeValidator(_address, json_schema_input_type=str),
                    Field(json_schema_extra={"examples": ["0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48"]})]
