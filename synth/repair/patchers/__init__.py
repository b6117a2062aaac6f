"""Deterministic patchers, one vulnerability class per module, in the order they are tried."""

from __future__ import annotations

from .access_control import AccessControlPatcher
from .arithmetic import ArithmeticPatcher
from .base import PatchPlan, Patcher
from .front_running import FrontRunningPatcher
from .pull_payment import PullPaymentPatcher
from .reentrancy import ReentrancyPatcher
from .reserve import ReservePatcher
from .short_address import ShortAddressPatcher
from .tx_origin import TxOriginPatcher
from .unchecked_calls import UncheckedCallPatcher

__all__ = ["PatchPlan", "Patcher", "all_patchers", "patcher_for"]


def all_patchers() -> list[Patcher]:
    classes = [TxOriginPatcher, UncheckedCallPatcher, ArithmeticPatcher, ShortAddressPatcher, ReentrancyPatcher,
               PullPaymentPatcher, AccessControlPatcher, ReservePatcher, FrontRunningPatcher]
    return sorted((c() for c in classes), key=lambda p: p.PRIORITY)


def patcher_for(check: str) -> Patcher | None:
    return next((p for p in all_patchers() if check in p.CHECKS), None)
