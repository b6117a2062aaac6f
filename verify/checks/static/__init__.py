"""ouro's own static checks: one Slither detector per module, for what Slither is blind to.

A check here is a subclass of ``OuroDetector`` (a Slither ``AbstractDetector``) that also
declares ``CATEGORY`` (DASP-10). Drop a module in this package and it is discovered.
"""

from __future__ import annotations

from slither.detectors.abstract_detector import AbstractDetector, DetectorClassification

__all__ = ["OuroDetector", "DetectorClassification"]


class OuroDetector(AbstractDetector):
    """Base for ouro's detectors. Subclasses set ARGUMENT ("ouro-..."), HELP, IMPACT, CONFIDENCE,
    WIKI, WIKI_TITLE, WIKI_DESCRIPTION, WIKI_EXPLOIT_SCENARIO, WIKI_RECOMMENDATION, CATEGORY, and
    implement ``_detect()`` returning ``self.generate_result([...])`` lists, like any Slither detector.
    """

    CATEGORY: str = "other"
    NEEDS: tuple[str, ...] = ("compiler",)
