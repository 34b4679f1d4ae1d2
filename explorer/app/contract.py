"""What the feature panels, the settings and the page's query rely on in a dashboard.

``Dashboard`` is what any dashboard offers (``Explorer`` and ``Comparison``): its controls by
name, ``apply`` (set parameters as moving the controls would, refusing what the controls could
not show), a redraw, a message or an error for the status line, and its instructor mode.
``SessionDashboard`` adds what only a dashboard of one training session offers (``Explorer``):
the session itself, a reset and a switch of data set. The panels are built for a
``SessionDashboard``; instructor mode (``instructor.instruct``) works on any ``Dashboard``
(it asks for less: ``instructor.Instructed``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Protocol

from .instructor import Instructed

if TYPE_CHECKING:  # only for the annotations
    from ..datasets import Dataset
    from ..training import Session


class Dashboard(Instructed, Protocol):
    """A dashboard, as the settings and instructor mode use it: its ``controls`` by name
    (setting ``controls[name].value`` from code does what moving it in the page does) and its
    ``instructor``, as ``Instructed`` says, and the following."""

    def apply(self, params: Mapping[str, Any]) -> bool:
        """Set session parameters, all at once; True if training restarted. A value the
        controls could not show is refused (ValueError) and nothing changes."""
        ...

    def refresh(self) -> None:
        """Redraw every view from the current state."""
        ...

    def show_message(self, text: str) -> None:
        """Show ``text`` under the status line."""
        ...

    def show_error(self, exc: BaseException) -> None:
        """Show an error in the status line; training and settings stay as they were."""
        ...


class SessionDashboard(Dashboard, Protocol):
    """A dashboard of one training session, as the feature panels use it."""

    #: The live training session (``session.model`` is the ``SparseAutoencoder``).
    session: Session

    def reset(self) -> None:
        """New weights from the seed, empty history, step 0."""
        ...

    def use_dataset(self, dataset: Dataset) -> None:
        """Train on ``dataset`` from step 0, and offer it in the data set control."""
        ...
