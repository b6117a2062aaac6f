"""Specs: the pydantic model, the YAML/JSON loader with line-accurate errors, and invariants."""

from .invariants import InvariantSyntaxError, parse_invariant
from .loader import SpecError, load_spec, parse_spec_text
from .model import spec_schema

__all__ = ["InvariantSyntaxError", "SpecError", "load_spec", "parse_invariant", "parse_spec_text", "spec_schema"]
