"""``ouro fuzz``: assertion mode, property functions and Foundry invariant contracts, searched by
a coverage-guided loop in pyrevm; every distinct failure shrunk, replayed on Anvil and exported as
a Foundry and a brownie test."""

from .runner import FuzzOptions, fuzz_file

__all__ = ["FuzzOptions", "fuzz_file"]
