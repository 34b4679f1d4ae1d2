"""A dashboard's settings as data: to and from JSON and URL queries.

Settings are a dict of session keywords (``rho``, ``beta``, ``dataset``, ...) plus two lists of
control names: ``lock`` (shown, but the page cannot change them) and ``hide`` (not shown).
``current`` reads them from a dashboard, ``apply_settings`` sets them (the session parameters
through the dashboard's own ``apply``, then ``lock`` and ``hide``), ``to_json``/``from_json``
and ``to_query``/``parse_query`` carry them in a file or a link. Every value is checked against one
table (``SETTINGS``), so a bad file, a bad link and a bad call are refused the same way, naming
the setting, the value and what is allowed. ``lock`` and ``hide`` are instructor mode's
lists (``instructor``).
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, quote

import ipywidgets as widgets

from .. import datasets
from ..datasets import mnist
from .contract import SessionDashboard
from .controls import CONVERSIONS, not_allowed, shown, unshowable
from .instructor import LISTS, check_names, instruct


@dataclass(frozen=True)
class Kind:
    """What a setting may hold: ``allowed`` says it in words, ``accepts`` checks a value (as
    JSON or code gives it), ``parse`` reads one from a URL query (raising ValueError)."""

    allowed: str
    accepts: Callable[[Any], bool]
    parse: Callable[[str], Any]


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _finite(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(text)
    return value


def _optional_int(none_words: tuple[str, ...], meaning: str) -> Kind:
    """An integer, or None (JSON null; in a query one of ``none_words``) meaning ``meaning``."""
    words = " or ".join(repr(w) for w in none_words)
    return Kind(
        f"an integer, or null ({words} in a link) for {meaning}",
        lambda v: v is None or _is_int(v),
        lambda text: None if text.lower() in none_words else int(text),
    )


def _names(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) for v in value)


def _is_options(value: Any) -> bool:
    return isinstance(value, dict) and all(
        isinstance(k, str) and _is_number(v) for k, v in value.items()
    )


def _options(text: str) -> dict[str, int | float]:
    """A data set's settings as a link writes them: ``n_atoms:32,n_active:3``."""
    out: dict[str, int | float] = {}
    for pair in filter(None, text.split(",")):
        name, sep, value = pair.partition(":")
        if not sep or not name:
            raise ValueError(pair)
        out[name] = int(value) if value.lstrip("+-").isdigit() else _finite(value)
    return out


NUMBER = Kind("a finite number", _is_number, _finite)
#: A data set's own settings (``datasets.options``: the sparse dictionary's size, sparsity and
#: noise); the data set checks their names and ranges when it loads.
DATA_OPTIONS = Kind(
    'an object of the data set\'s own settings, e.g. {"n_atoms": 32, "n_active": 3} '
    "(in a link: n_atoms:32,n_active:3)",
    _is_options,
    _options,
)
INTEGER = Kind("an integer", _is_int, int)
TEXT = Kind("a string", lambda v: isinstance(v, str), str)
#: Data sets anyone can load by name (MNIST where its files are). An uploaded data set exists
#: only in the kernel that received it, so a link or a file cannot carry it.
DATASET = Kind(
    f"the name of a data set that ships with the explorer, one of {list(datasets.NAMES)} "
    "(an uploaded data set exists only in the page that uploaded it and cannot be shared)",
    lambda v: v in datasets.NAMES,
    str,
)
CONTROL_NAMES = Kind(
    "a list of control names (in a link: comma-separated)",
    _names,
    lambda text: [name for name in text.split(",") if name],
)

#: setting -> what it may hold. Session keywords first (in the order a link lists them).
SETTINGS: dict[str, Kind] = {
    "dataset": DATASET,
    "n_samples": _optional_int(("none", "all"), "the data set's default size"),
    "data_options": DATA_OPTIONS,
    "n_hidden": INTEGER,
    "rho": NUMBER,
    "beta": NUMBER,
    "penalty": TEXT,
    "learning_rate": NUMBER,
    "weight_decay": NUMBER,
    "batch_size": _optional_int(("none", "full"), "the full batch"),
    "momentum": NUMBER,
    "loss": TEXT,
    "decoder": TEXT,
    "optimizer": TEXT,
    "random_state": INTEGER,
    "dtype": TEXT,
    "lock": CONTROL_NAMES,
    "hide": CONTROL_NAMES,
}
#: The session keywords among the settings (the rest are instructor mode's lists).
SESSION_KEYS = tuple(k for k in SETTINGS if k not in LISTS)
#: Control names accepted for the session keyword they set (``seed`` for ``random_state``).
ALIASES = {name: key for name, (key, _, _) in CONVERSIONS.items() if name != key}
#: A query's page mode, and the prefixes of the two runs' own settings in mode=compare
#: (``a.rho=…``: run A's ρ).
MODES = ("single", "compare")
#: Query parameters that are the server's, not the dashboard's: Jupyter Server's login token
#: (``serve`` off loopback prints the URL with ``?token=…``).
SERVER_PARAMS = ("token",)
RUN_PREFIXES = ("a", "b")

#: What a control's range check says, in the settings' terms where the control's differ.
RANGE_NOTES = {"batch_size": " (0 is the full batch: null in JSON, 'full' in a link)"}


def _allowed_keys() -> str:
    return f"{list(SETTINGS)} (or {list(ALIASES)} for {list(ALIASES.values())})"


def check(settings: dict[str, Any]) -> dict[str, Any]:
    """``settings`` with aliases resolved, every key known and every value of its kind.

    Raises
    ------
    ValueError
        Naming the key and the value, and listing what is allowed.
    """
    if not isinstance(settings, dict):
        raise ValueError(
            f"settings={settings!r} is not allowed: settings must be an object (a dict) with "
            f"keys from {_allowed_keys()}."
        )
    out = {}
    for key, value in settings.items():
        name = ALIASES.get(key, key)
        if name not in SETTINGS:
            raise ValueError(
                f"unknown setting {key!r} (value {value!r}); allowed: {_allowed_keys()}."
            )
        if name in out:
            raise ValueError(f"{key}={value!r}: {name} is given twice (as {key!r} too).")
        if not SETTINGS[name].accepts(value):
            raise ValueError(not_allowed(key, value, SETTINGS[name].allowed))
        out[name] = float(value) if SETTINGS[name] is NUMBER else value
    return out


# ----------------------------------------------------------------------------- reading
def current(dash: SessionDashboard) -> dict[str, Any]:
    """The settings of ``dash`` worth sharing: its session parameters, ``lock`` and ``hide``.

    Raises
    ------
    ValueError
        If it trains on a data set that cannot be shared (an upload).
    """
    return _settings(dash, SESSION_KEYS)


def shareable(dash: SessionDashboard) -> tuple[dict[str, Any], str]:
    """The settings of ``dash`` as its controls show them (ρ 0.0126, not 0.012589254117941675:
    what the person sharing sees is what the link gives), and a note on what could not go in.

    A data set only this page has (an upload) cannot go in a link or a file: it is left out,
    and the note says so, rather than refusing to share the rest.
    """
    keys, note, name = SESSION_KEYS, "", dash.session.dataset.name
    if name not in datasets.NAMES:
        keys = tuple(k for k in SESSION_KEYS if k not in ("dataset", "n_samples", "data_options"))
        note = (
            f"Your data set {name!r} exists only in this page, so it is not in the settings "
            "or the link: they open on the data set the page starts with."
        )
    settings = _settings(dash, keys)
    for key, value in settings.items():
        if key in dash.controls:
            settings[key] = shown(dash.controls[key], value)
    return settings, note


def _settings(dash: SessionDashboard, keys: tuple[str, ...]) -> dict[str, Any]:
    params = dash.session.get_params()
    settings = {key: params[key] for key in keys}
    settings["lock"] = list(dash.instructor.locks)
    settings["hide"] = list(dash.instructor.hidden)
    return check(settings)


def to_json(settings: dict[str, Any]) -> str:
    """``settings`` as pretty JSON with sorted keys (checked first)."""
    return json.dumps(check(settings), indent=2, sort_keys=True, ensure_ascii=False)


def from_json(text: str) -> dict[str, Any]:
    """Settings read from JSON ``text`` and checked (see ``check``).

    Raises
    ------
    ValueError
        If ``text`` is not JSON, not an object, or holds an unknown key or a wrong value.
    """
    try:
        data = json.loads(text)
    except (TypeError, json.JSONDecodeError) as exc:
        raise ValueError(
            f"the settings are not valid JSON ({exc}); paste what 'Show current settings' "
            'gave, an object like {"rho": 0.05, "beta": 3}.'
        ) from None
    return check(data)


# ----------------------------------------------------------------------------- links
def _query_value(key: str, value: Any) -> str:
    if value is None:
        return "full" if key == "batch_size" else "none"
    if isinstance(value, list):
        return ",".join(value)
    if isinstance(value, dict):
        return ",".join(f"{k}:{v!r}" for k, v in value.items())
    return repr(value) if isinstance(value, float) else str(value)


def to_query(settings: dict[str, Any]) -> str:
    """``settings`` as a URL query (no leading ``?``), in the order of ``SETTINGS``; empty
    ``lock``/``hide`` lists are left out."""
    settings = check(settings)
    return "&".join(
        f"{key}={quote(_query_value(key, settings[key]), safe=',:')}"
        for key in SETTINGS
        if key in settings and settings[key] not in ([], {})
    )


def parse_query(query: str, controls: dict[str, widgets.Widget] | None = None) -> dict[str, Any]:
    """Typed settings from a URL query such as ``rho=0.05&beta=3&lock=rho,beta&hide=seed``.

    ``mode=single|compare`` picks the page; in compare mode ``a.rho=0.01&b.rho=0.1`` set each
    run's own values, returned as ``{"mode": "compare", "a": {...}, "b": {...}}`` beside the
    shared ones. A leading ``?`` is ignored. Given a dashboard's ``controls``, a value outside
    what its control can show is refused here, named as the link wrote it (``seed``, ``b.beta``).

    Raises
    ------
    ValueError
        Naming the parameter as written and its value: unknown, given twice, not of its kind,
        or out of its control's range.
    """
    out: dict[str, Any] = {}
    runs: dict[str, dict[str, Any]] = {run: {} for run in RUN_PREFIXES}
    for param, text in parse_qsl(query.lstrip("?"), keep_blank_values=True):
        run, _, key = param.rpartition(".")
        if param in SERVER_PARAMS:
            continue
        if param == "mode":
            if text not in MODES:
                raise ValueError(
                    f"mode={text!r} in the link is not allowed: mode must be one of {list(MODES)}."
                )
            if "mode" in out:
                raise ValueError(f"mode={text!r}: mode is given twice in the link.")
            out["mode"] = text
            continue
        name = ALIASES.get(key, key)
        known = name in SETTINGS and (not run or (run in RUN_PREFIXES and name in SESSION_KEYS))
        if not known:
            raise ValueError(
                f"unknown parameter {param!r} (={text!r}) in the link; allowed: mode "
                f"{list(MODES)}, {_allowed_keys()}, and in mode=compare a run's own setting "
                f"as a.rho=… or b.rho=…."
            )
        target = runs[run] if run else out
        if name in target:
            raise ValueError(f"{param}={text!r}: {param} is given twice in the link.")
        refused = f"{param}={text!r} in the link is not allowed: " + (
            f"run {run.upper()}'s {key}" if run else key
        )
        try:
            target[name] = SETTINGS[name].parse(text)
        except ValueError:
            raise ValueError(f"{refused} must be {SETTINGS[name].allowed}.") from None
        check({name: target[name]})  # e.g. a data set name that cannot be loaded here
        allowed = _range_refusal(controls or {}, name, target[name])
        if allowed:
            raise ValueError(f"{refused} must be {allowed}.")
    if any(runs.values()) and out.get("mode", "compare") != "compare":
        raise ValueError(f"a.…/b.… settings {runs} need mode=compare, not mode={out['mode']!r}.")
    if any(runs.values()) or out.get("mode") == "compare":
        out |= {"mode": "compare", **runs}
    return out


# ----------------------------------------------------------------------------- applying
def apply_settings(dash: SessionDashboard, settings: dict[str, Any]) -> bool:
    """Set ``dash`` to ``settings``; return True if training restarted.

    Session parameters go to ``dash.apply`` all at once, so a rejected value changes nothing.
    ``lock`` and ``hide``, when given, replace the instructor's current lists. A data set the
    page does not offer yet (MNIST) is loaded and offered first.

    Raises
    ------
    ValueError
        For an unknown key, a value of the wrong kind or outside what its control can show,
        or an unknown control name in ``lock``/``hide`` (the message lists the controls).
    FileNotFoundError
        If MNIST is asked for and its files are not on this machine.
    """
    settings = check(settings)
    params = {k: v for k, v in settings.items() if k in SESSION_KEYS}
    check_names(dash.controls, settings)
    _check_ranges(dash, params)
    _offer_dataset(dash, params)
    restarted = dash.apply(params)
    if any(key in settings for key in LISTS):
        instruct(dash, settings.get("lock"), settings.get("hide"))
    return restarted


def _range_refusal(controls: dict[str, widgets.Widget], key: str, value: Any) -> str | None:
    """What the control of setting ``key`` can show, if it cannot show ``value`` (else None)."""
    for _, _, allowed in unshowable(controls, {key: value}):
        return allowed + RANGE_NOTES.get(key, "")
    return None


def _check_ranges(dash: SessionDashboard, params: dict[str, Any]) -> None:
    """Refuse what a control could not show: the page would be out of step with training."""
    for key, value in params.items():
        allowed = _range_refusal(dash.controls, key, value)
        if allowed:
            raise ValueError(not_allowed(key, value, allowed))


def _offer_dataset(dash: SessionDashboard, params: dict[str, Any]) -> None:
    name = params.get("dataset")
    if name is None or name in dash.controls["dataset"].options:
        return
    seed = params.get("random_state", dash.session.get_params()["random_state"])
    n_samples = params.get("n_samples", dash.session.n_samples)
    try:
        dataset = datasets.load(name, n_samples=n_samples, random_state=seed)
    except FileNotFoundError:
        # The loader's advice names its Python arguments (path=, download=True): say instead
        # what it means for whoever reads this page.
        raise FileNotFoundError(
            f"dataset={name!r}: the MNIST files are not on this server, and the page never "
            f"downloads anything. Whoever runs the server can put {mnist.FILE_NAMES[1]} in "
            f"{mnist.default_cache_dir()}; until then the data set stays "
            f"{dash.session.dataset.name}."
        ) from None
    dash.use_dataset(dataset)
