"""Settings as JSON and links, instructor mode, the presets and share panels (no browser)."""

from __future__ import annotations

import gzip
import html
import json
import struct

import ipywidgets as widgets
import numpy as np
import pytest

from explorer import Explorer, datasets
from explorer.app import instructor, query
from explorer.app import settings as S
from explorer.app.controls import control_values
from explorer.app.query import from_query
from explorer.datasets import mnist
from explorer.training.presets import PRESETS, preset_params

CHANGED = {
    "dataset": "digits", "n_samples": 500, "n_hidden": 16, "rho": 0.05, "beta": 1.5,
    "penalty": "l1", "learning_rate": 0.003, "weight_decay": 1e-3, "batch_size": 64,
    "momentum": 0.8, "loss": "cross_entropy", "optimizer": "adam", "random_state": 3,
}  # fmt: skip


@pytest.fixture
def dash(make_explorer) -> Explorer:
    return make_explorer(dataset="bars")


def _state(dash: Explorer) -> tuple:
    """Everything a refused setting must leave as it was."""
    return (
        dash.session.get_params(),
        dash.session.n_steps,
        dash.session.model.theta_.copy(),
        {name: c.value for name, c in dash.controls.items() if hasattr(c, "value")},
        {name: (c.disabled, c.layout.display) for name, c in dash.controls.items()},
    )


def _assert_same(before: tuple, after: tuple) -> None:
    assert after[0] == before[0]
    assert after[1] == before[1]
    np.testing.assert_array_equal(after[2], before[2])
    assert after[3] == before[3]
    assert after[4] == before[4]


def _buttons(widget: widgets.Widget) -> dict[str, widgets.Button]:
    """Every button inside ``widget``, by its label (what a reader clicks)."""
    found = {}
    for child in getattr(widget, "children", ()):
        if isinstance(child, widgets.Button):
            found[child.description] = child
        found |= _buttons(child)
    return found


# ----------------------------------------------------------------------------- JSON
def test_json_round_trip_gives_equal_session_params(dash):
    dash.apply(CHANGED)
    instructor.instruct(dash, lock=["beta"], hide=["seed"])
    text = S.to_json(S.current(dash))
    data = json.loads(text)
    assert list(data) == sorted(data) and "\n  " in text  # pretty, sorted keys
    assert data["lock"] == ["beta"] and data["hide"] == ["seed"]
    other = Explorer(dataset="natural-patches", n_samples=300)
    assert S.apply_settings(other, S.from_json(text))  # training restarted on the new settings
    assert other.session.get_params() == dash.session.get_params()
    assert S.current(other) == S.current(dash)
    assert other.controls["beta"].disabled and other.controls["seed"].layout.display == "none"


BAD_JSON = [
    ("rho = 0.05", ["not valid JSON"]),
    ("[0.05, 3]", ["settings=[0.05, 3]", "must be an object", "'rho'"]),
    ('{"colour": "red"}', ["unknown setting 'colour'", "'red'", "'rho'", "'beta'"]),
    ('{"rho": "high"}', ["rho='high'", "a finite number"]),
    ('{"rho": true}', ["rho=True", "a finite number"]),
    ('{"n_hidden": 2.5}', ["n_hidden=2.5", "an integer"]),
    ('{"batch_size": "big"}', ["batch_size='big'", "null"]),
    ('{"dataset": "your-images"}', ["dataset='your-images'", "uploaded", "'digits'"]),
    ('{"lock": "beta"}', ["lock='beta'", "a list of control names"]),
    ('{"seed": 1, "random_state": 2}', ["given twice"]),
    # Of the right kind but refused when applied: named, and nothing changes either.
    ('{"rho": 0.7}', ["rho=0.7", "[0.001, 0.5]"]),
    ('{"n_hidden": 500}', ["n_hidden=500", "[1, 200]"]),
    ('{"batch_size": 100}', ["batch_size=100", "[0, 32", "full batch"]),
    ('{"loss": "hinge"}', ["loss='hinge'", "'squared'"]),
    ('{"rho": 0.05, "lock": ["beta", "nope"]}', ["lock=['nope']", "'rho'", "'seed'"]),
    ('{"rho": 0.05, "batch_size": 64}', ["L-BFGS is full-batch"]),
    ('{"rho": 0.05, "dataset": "digits", "n_samples": 5000}', ["n_samples", "5000"]),
]


@pytest.mark.parametrize("text, phrases", BAD_JSON)
def test_bad_settings_are_refused_by_name_and_change_nothing(dash, text, phrases):
    dash.step(3)
    before = _state(dash)
    with pytest.raises(ValueError) as refused:
        S.apply_settings(dash, S.from_json(text))
    for phrase in phrases:
        assert phrase in str(refused.value), (phrase, str(refused.value))
    _assert_same(before, _state(dash))


def test_an_uploaded_data_set_cannot_be_shared(dash):
    rng = np.random.default_rng(0)
    dash.use_dataset(datasets.Dataset("your-images", rng.uniform(size=(50, 64)), (8, 8), "x"))
    with pytest.raises(ValueError, match=r"dataset='your-images'.*cannot be shared"):
        S.current(dash)


# ----------------------------------------------------------------------------- links
def test_parse_query_gives_typed_settings():
    settings = S.parse_query("?rho=0.05&beta=3&dataset=digits&lock=rho,beta&hide=optimizer,seed")
    assert settings == {
        "rho": 0.05,
        "beta": 3.0,
        "dataset": "digits",
        "lock": ["rho", "beta"],
        "hide": ["optimizer", "seed"],
    }
    assert type(settings["beta"]) is float
    typed = S.parse_query("n_hidden=9&seed=4&batch_size=full&n_samples=all&optimizer=adam")
    assert typed == {
        "n_hidden": 9,
        "random_state": 4,
        "batch_size": None,
        "n_samples": None,
        "optimizer": "adam",
    }
    assert S.parse_query("batch_size=none&n_samples=700") == {"batch_size": None, "n_samples": 700}
    assert S.parse_query("") == {}


def test_parse_query_reads_a_comparison():
    settings = S.parse_query("mode=compare&a.rho=0.01&b.rho=0.1&b.beta=0&seed=2")
    assert settings == {
        "mode": "compare",
        "random_state": 2,
        "a": {"rho": 0.01},
        "b": {"rho": 0.1, "beta": 0.0},
    }
    assert S.parse_query("mode=compare") == {"mode": "compare", "a": {}, "b": {}}
    assert S.parse_query("mode=single&rho=0.1") == {"mode": "single", "rho": 0.1}


@pytest.mark.parametrize(
    "query, phrases",
    [
        ("rho=abc", ["rho='abc'", "a finite number"]),
        ("rho=inf", ["rho='inf'"]),
        ("n_hidden=2.5", ["n_hidden='2.5'", "an integer"]),
        ("batch_size=big", ["batch_size='big'", "'full'"]),
        ("colour=red", ["unknown parameter 'colour'", "'red'", "'rho'", "a.rho"]),
        ("c.rho=0.1", ["unknown parameter 'c.rho'"]),
        ("a.lock=rho", ["unknown parameter 'a.lock'"]),
        ("a.rho=oops&mode=compare", ["a.rho='oops'", "a finite number"]),
        ("mode=triple", ["mode='triple'", "'compare'"]),
        ("rho=0.1&rho=0.2", ["rho='0.2'", "given twice"]),
        ("mode=single&a.rho=0.1", ["mode=compare", "'single'"]),
        ("dataset=your-images", ["dataset='your-images'", "uploaded"]),
    ],
)
def test_parse_query_names_a_bad_parameter(query, phrases):
    with pytest.raises(ValueError) as refused:
        S.parse_query(query)
    for phrase in phrases:
        assert phrase in str(refused.value), (phrase, str(refused.value))


def test_a_link_carries_the_settings(dash):
    dash.apply(CHANGED)
    instructor.instruct(dash, lock=["rho", "beta"], hide=[])
    query = S.to_query(S.current(dash))
    assert "lock=rho,beta" in query and "hide" not in query and "&rho=0.05&" in query
    assert S.parse_query(query) == {k: v for k, v in S.current(dash).items() if v not in ([], {})}
    dash.apply({"optimizer": "lbfgs"})
    assert "batch_size=full" in S.to_query(S.current(dash))


# ----------------------------------------------------------------------------- instructor mode
def test_lock_and_hide_change_the_controls_and_undo(dash):
    rho_layout, seed_layout = dash.controls["rho"].layout, dash.controls["seed"].layout
    S.apply_settings(dash, {"lock": ["beta", "batch_size"], "hide": ["seed", "optimizer"]})
    beta = dash.controls["beta"]
    assert beta.disabled and beta.description.endswith(instructor.LOCK_MARK)
    assert beta.tooltip == instructor.LOCK_HINT
    assert dash.controls["seed"].layout.display == "none"
    assert dash.controls["optimizer"].layout.display == "none"
    # The controls share one Layout: hiding one hides no other.
    assert dash.controls["rho"].layout is rho_layout and rho_layout.display is None
    assert not dash.controls["rho"].disabled
    assert S.current(dash)["lock"] == ["beta", "batch_size"]
    assert S.current(dash)["hide"] == ["seed", "optimizer"]
    # The dashboard enables the batch size for Adam; locked, it stays disabled.
    dash.controls["optimizer"].value = "adam"
    assert dash.session.model.optimizer == "adam" and dash.controls["batch_size"].disabled
    # Code may still change a locked setting (the instructor's own notebook does).
    dash.controls["beta"].value = 2.0
    assert dash.session.model.beta == 2.0
    S.apply_settings(dash, {"lock": [], "hide": []})
    assert not beta.disabled and beta.description == "β (weight of Ω)" and beta.tooltip is None
    assert dash.controls["seed"].layout is seed_layout  # the one it shares with others again
    assert not dash.controls["batch_size"].disabled  # Adam: the page's own rule again
    assert S.current(dash)["lock"] == [] and S.current(dash)["hide"] == []


def test_unlocking_the_batch_size_under_lbfgs_leaves_it_disabled(dash):
    instructor.instruct(dash, lock=["batch_size"])
    dash.controls["optimizer"].value = "adam"
    dash.controls["optimizer"].value = "lbfgs"
    instructor.instruct(dash, lock=[])
    assert dash.controls["batch_size"].disabled  # L-BFGS is full batch


def test_settings_without_lock_or_hide_leave_instructor_mode_alone(dash):
    S.apply_settings(dash, {"lock": ["beta"]})
    S.apply_settings(dash, {"rho": 0.2})
    assert dash.controls["beta"].disabled and dash.session.model.rho == 0.2


# ----------------------------------------------------------------------------- from_query
def test_from_query_applies_an_explicit_query(dash):
    shown = from_query(dash, "rho=0.05&beta=3&dataset=digits&lock=beta&hide=seed")
    assert shown is dash
    params = dash.session.get_params()
    assert (params["rho"], params["beta"], params["dataset"]) == (0.05, 3.0, "digits")
    assert dash.controls["rho"].value == 0.05 and dash.controls["dataset"].value == "digits"
    assert dash.controls["beta"].disabled and dash.controls["seed"].layout.display == "none"


def test_from_query_shows_a_bad_query_and_keeps_the_defaults(dash):
    before = _state(dash)
    assert from_query(dash, "rho=0.05&beta=lots") is dash
    assert "beta=&#x27;lots&#x27;" in dash.status.value
    _assert_same(before, _state(dash))


def test_from_query_asks_for_the_pages_request_once_also_when_refusing_it(dash, monkeypatch):
    """A preheated kernel hears of its page's request once: asking again waited forever
    (the page never finished loading) whenever the link held a bad setting."""
    asked = []
    monkeypatch.setattr(query, "request_query", lambda: asked.append(1) or "beta=lots")
    assert from_query(dash) is dash
    assert asked == [1] and "beta=&#x27;lots&#x27;" in dash.status.value


def test_the_login_token_in_a_link_is_the_servers_not_a_setting(dash):
    assert S.parse_query("token=a-test-token-of-the-classroom&rho=0.05") == {"rho": 0.05}
    from_query(dash, "token=a-test-token-of-the-classroom&rho=0.05")
    assert "token" not in dash.status.value and dash.session.get_params()["rho"] == 0.05


LINK_MESSAGES = [
    # A link's setting is named as the link wrote it (seed, not random_state), and a run's
    # own setting as that run's; a comparison that cannot open says the page is the other one.
    ("seed=-5", ["seed='-5' in the link is not allowed: seed must be an integer in [0, "]),
    ("n_hidden=0", ["n_hidden='0' in the link is not allowed", "[1, 200]"]),
    ("mode=compare&b.beta=99", ["b.beta='99' in the link is not allowed: run B's beta must be",
                                "[0, 10]", "could not open, so this is the single-run"]),
    ("a.rho=x", ["a.rho='x' in the link is not allowed: run A's rho must be a finite number",
                 "single-run dashboard"]),
]  # fmt: skip


@pytest.mark.parametrize("query, phrases", LINK_MESSAGES)
def test_a_bad_link_is_refused_in_the_words_it_was_written_in(dash, query, phrases):
    before = _state(dash)
    assert from_query(dash, query) is dash
    said = html.unescape(dash.status.value)
    for phrase in phrases:
        assert phrase in said, (phrase, said)
    assert "random_state" not in said
    _assert_same(before, _state(dash))


def test_a_link_to_mnist_without_its_files_says_what_the_server_needs(dash, no_mnist):
    from_query(dash, "dataset=mnist")
    said = html.unescape(dash.status.value)
    assert "the MNIST files are not on this server" in said and str(no_mnist) in said
    assert mnist.FILE_NAMES[1] in said and "the data set stays bars" in said
    for advice in ("path=", "load_mnist", "download=True"):  # Python arguments: not the page's
        assert advice not in said
    assert dash.session.dataset.name == "bars"


def test_from_query_reads_the_request_outside_voila(dash, monkeypatch):
    # Outside a preheated Voila kernel wait_for_request returns at once; the query is read
    # from the environment, as Voila sets it.
    monkeypatch.delenv("VOILA_PREHEAT", raising=False)
    monkeypatch.setenv("QUERY_STRING", "rho=0.2&n_hidden=7")
    assert from_query(dash) is dash
    assert dash.session.model.rho == 0.2 and dash.session.model.n_hidden == 7
    monkeypatch.delenv("QUERY_STRING")
    assert from_query(dash) is dash and dash.session.model.rho == 0.2  # no query: no change


def test_from_query_builds_a_comparison(dash):
    from explorer.app.compare import Comparison

    shown = from_query(
        dash, "mode=compare&a.rho=0.01&b.rho=0.1&dataset=bars&n_samples=300&n_hidden=9&seed=2"
    )
    assert isinstance(shown, Comparison)
    a, b = shown.sessions["A"].get_params(), shown.sessions["B"].get_params()
    assert (a["rho"], b["rho"]) == (0.01, 0.1)
    assert a["n_hidden"] == b["n_hidden"] == 9 and a["random_state"] == b["random_state"] == 2
    assert a["dataset"] == b["dataset"] == "bars"


# ----------------------------------------------------------------------------- panels
@pytest.fixture
def no_mnist(monkeypatch, tmp_path):
    monkeypatch.setattr(mnist, "default_cache_dir", lambda: tmp_path)
    return tmp_path


def test_presets_panel_applies_each_preset_and_shows_its_notice(no_mnist):
    dash = Explorer(dataset="bars", n_samples=300, loss="cross_entropy", random_state=0)
    panel = dash.panels["Presets and failure gallery"]
    buttons = _buttons(panel)
    assert set(buttons) == set(PRESETS)
    assert "Classic" in panel.headings[0].value and "Failure gallery" in panel.headings[1].value
    mnist_button = buttons["ufldl-mnist"]
    assert mnist_button.disabled and str(no_mnist) in mnist_button.tooltip
    notice = panel.notice
    for name in ("no-sparsity", "lr-too-high", "too-few-hidden", "ufldl-patches"):
        dash.step(2)
        buttons[name].click()
        params = dash.session.get_params()
        for key, value in preset_params(name).items():
            assert params[key] == value, (name, key)
        assert dash.session.n_steps == 0
        for key, value in control_values(params).items():
            assert dash.controls[key].value == value, (name, key)
        assert html.escape(PRESETS[name]["notice"]) in notice.value
        assert html.escape(PRESETS[name]["notice"]) in dash.status.value
    assert dash.session.model.learning_rate == 1.0  # L-BFGS's own, not lr-too-high's 10


def test_a_preset_always_starts_from_the_seeds_fresh_weights(no_mnist):
    # ufldl-patches, no-sparsity and rho-too-high differ only in live settings (β, ρ): a click
    # used to change them and train on from the step reached.
    dash = Explorer(n_samples=300, random_state=3)
    buttons = dash.panels["Presets and failure gallery"].buttons
    buttons["ufldl-patches"].click()
    fresh = dash.session.model.theta_.copy()
    assert dash.session.model.dtype == "float32"  # still the dashboard's dtype
    for name in ("no-sparsity", "rho-too-high", "ufldl-patches", "no-sparsity"):
        dash.step(4)
        buttons[name].click()
        session = dash.session
        assert session.n_steps == 0 and len(session.history) == 0, name
        assert session.model.loss_curve_ == [] and session.model.last_terms_ == {}, name
        np.testing.assert_array_equal(session.model.theta_, fresh)
        assert f"Preset {name} loaded, training restarted from step 0" in dash.status.value
        assert "step 0 ·" in dash.status.value


def test_the_mnist_preset_runs_where_the_files_are(no_mnist):
    # A stand-in IDX file of MNIST's shape: 10,000 images of 28×28 (the preset's n_samples).
    images = (np.arange(10000 * 784) % 251).astype(np.uint8)
    header = struct.pack(">4I", mnist.IMAGES_MAGIC, 10000, 28, 28)
    (no_mnist / mnist.FILE_NAMES[1]).write_bytes(gzip.compress(header + images.tobytes(), 1))
    dash = Explorer(dataset="bars", n_samples=300, random_state=0)
    button = dash.panels["Presets and failure gallery"].buttons["ufldl-mnist"]
    assert not button.disabled
    button.click()
    params = dash.session.get_params()
    assert params["dataset"] == "mnist" and params["n_hidden"] == 196
    assert dash.session.X.shape == (10000, 784) and dash.controls["dataset"].value == "mnist"
    assert "pen strokes" in dash.status.value


def test_the_share_panel_shares_what_the_controls_show(dash):
    panel = dash.panels["Share and instructor mode"]
    text, link = panel.text, panel.link
    dash.controls["rho"].value = 10 ** (-1.9)  # the slider's grid: 0.012589254117941675
    dash.controls["learning_rate"].value = 10 ** (-0.37)  # 0.42657951880159256
    _buttons(panel)["Show current settings"].click()
    assert dash.controls["rho"].readout_format == ".3g"
    assert "rho=0.0126&" in link.value and "0.012589" not in link.value
    assert S.from_json(text.value)["rho"] == 0.0126
    assert S.from_json(text.value)["learning_rate"] == 0.427


def test_after_an_upload_the_share_panel_shares_everything_else(dash):
    panel = dash.panels["Share and instructor mode"]
    text, link = panel.text, panel.link
    rng = np.random.default_rng(0)
    dash.use_dataset(datasets.Dataset("your-images", rng.uniform(size=(50, 64)), (8, 8), "x"))
    dash.controls["beta"].value = 2.5
    _buttons(panel)["Show current settings"].click()
    settings = S.from_json(text.value)
    assert settings["beta"] == 2.5 and "dataset" not in settings and "n_samples" not in settings
    assert "⚠" not in link.value and "beta=2.5" in link.value and "dataset" not in link.value
    assert "&#x27;your-images&#x27; exists only in this page" in link.value


def test_share_panel_shows_links_and_restores(dash):
    panel = dash.panels["Share and instructor mode"]
    text, lock, hide, link = panel.text, panel.lock, panel.hide, panel.link
    buttons = _buttons(panel)
    assert S.from_json(text.value) == S.current(dash)
    dash.controls["rho"].value = 0.05
    buttons["Show current settings"].click()
    assert S.from_json(text.value)["rho"] == 0.05 and "?dataset=bars" in link.value
    lock.value, hide.value = ("beta",), ("seed",)
    assert S.from_json(text.value)["lock"] == ["beta"] and "lock=beta" in link.value
    assert not dash.controls["beta"].disabled  # chosen for the link, applied on Restore
    settings = S.from_json(text.value) | {"rho": 0.2}
    text.value = S.to_json(settings)
    buttons["Restore"].click()
    assert dash.session.model.rho == 0.2 and dash.controls["beta"].disabled
    assert dash.controls["seed"].layout.display == "none"
    assert "Settings restored." in dash.status.value
    # A bad box is refused by name, shown, and nothing changes.
    before = _state(dash)
    text.value = '{"rho": "high"}'
    buttons["Restore"].click()
    assert "rho=&#x27;high&#x27;" in link.value and "rho=&#x27;high&#x27;" in dash.status.value
    _assert_same(before, _state(dash))


def test_the_share_link_holds_only_changes_and_reopens_the_same_settings() -> None:
    import re

    dash = Explorer(n_samples=300)
    dash.apply({"rho": 0.05, "beta": 1.0, "optimizer": "adam", "penalty": "l1"})
    panel = dash.panels["Share and instructor mode"]
    assert panel.show.description == "Show current settings"
    panel.show.click()
    query = re.search(r"href='\?([^']*)'", panel.link.value).group(1).replace("&amp;", "&")
    assert "loss=" not in query and "momentum=" not in query  # defaults are left out
    fresh = Explorer(n_samples=300)
    from_query(fresh, query)
    assert fresh.session.get_params() == dash.session.get_params()


def test_a_link_carries_the_data_sets_own_settings(make_explorer):
    """The sparse dictionary's size and sparsity have no control: a link or a settings file
    sets them, and a dashboard's own shares them."""
    dash = make_explorer(dataset="bars")
    from_query(dash, "dataset=sparse-dictionary&data_options=n_atoms:12,noise:0.05")
    assert dash.session.dataset.options == {
        "n_atoms": 12, "input_dim": 64, "n_active": 3, "noise": 0.05}  # fmt: skip
    assert dash.session.dataset.true_features.shape == (12, 64)
    settings, note = S.shareable(dash)
    assert settings["data_options"]["n_atoms"] == 12 and note == ""
    query = S.to_query(settings)
    assert "data_options=n_atoms:12,input_dim:64,n_active:3,noise:0.05" in query
    assert S.parse_query(query)["data_options"] == settings["data_options"]
    assert json.loads(S.to_json(settings))["data_options"]["n_active"] == 3
    # Data sets without settings of their own write none.
    assert "data_options" not in S.to_query(S.current(make_explorer(dataset="bars")))


@pytest.mark.parametrize(
    ("query", "words"),
    [
        ("data_options=n_atoms", "data_options='n_atoms' in the link is not allowed"),
        ("data_options=n_atoms:many", "data_options='n_atoms:many' in the link is not allowed"),
    ],
)
def test_data_settings_a_link_cannot_say_are_refused(query, words):
    with pytest.raises(ValueError, match=words):
        S.parse_query(query)


def test_data_settings_out_of_range_change_nothing(make_explorer):
    dash = make_explorer(dataset="sparse-dictionary")
    before = _state(dash)
    with pytest.raises(ValueError, match="n_active=40 is not allowed"):
        S.apply_settings(dash, {"data_options": {"n_active": 40}})
    after = _state(dash)
    assert after[0] == before[0] and np.array_equal(after[2], before[2])
