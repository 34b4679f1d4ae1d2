"""Training sessions: a model, its data, live hyper-parameters, history and a divergence guard."""

from .history import TERMS, History
from .session import RESET_PARAMS, Session, StepReport

__all__ = ["RESET_PARAMS", "TERMS", "History", "Session", "StepReport"]
