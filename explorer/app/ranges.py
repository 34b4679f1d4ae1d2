"""A control's range of numbers: the one check of a value against it, and the two ways the
page says what it allows (to code that set a value, to a person who typed one)."""

from __future__ import annotations

from dataclasses import dataclass

#: A bound computed as base**exponent may miss the decimal meant by an ulp (10 ** log10(0.5) is
#: 0.49999999999999994), and a page at a slider's end may send base**max computed in
#: JavaScript, an ulp beyond the Python bound: numbers this close (relative to the larger
#: bound) are allowed, and clamped by whoever takes them.
SLACK = 1e-9


@dataclass(frozen=True)
class Range:
    """The closed range [``low``, ``high``], of whole numbers if ``whole``."""

    low: float
    high: float
    whole: bool = False

    def holds(self, number: float) -> bool:
        """Is ``number`` (a finite number) in the range, with the slack of ``SLACK``?"""
        slack = 0 if self.whole else SLACK * max(abs(self.low), abs(self.high))
        return self.low - slack <= number <= self.high + slack

    def _bounds(self, separator: str) -> str:
        spec = "d" if self.whole else "g"
        return f"{self.low:{spec}}{separator}{self.high:{spec}}"

    @property
    def interval(self) -> str:
        """What is allowed, as a refusal of a value set from code says it: ``an integer in
        [0, 2147483647]``, ``a finite number in [0.001, 0.5]``."""
        return f"{'an integer' if self.whole else 'a finite number'} in [{self._bounds(', ')}]"

    @property
    def noun(self) -> str:
        """What a person types: ``a whole number`` or ``a number``."""
        return "a whole number" if self.whole else "a number"

    @property
    def to_type(self) -> str:
        """What is allowed, as a box says it to a person typing: ``type a whole number from 0
        to 2147483647``."""
        return f"type {self.noun} from {self._bounds(' to ')}"
