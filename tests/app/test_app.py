"""The dashboard without a browser: set controls from code, assert on the session and views."""

from __future__ import annotations

import asyncio
import html
import os
import re
import time

import ipywidgets as widgets
import numpy as np
import pytest
import threadpoolctl

from explorer import Explorer
from explorer.app import Comparison, blas, pacing
from explorer.app.controls import dom_class
from explorer.app.defaults import DASHBOARD_DTYPE, dashboard_params
from explorer.core.optimizers import LBFGS, Adam
from explorer.core.penalties import kl_divergence


@pytest.fixture
def app(make_explorer) -> Explorer:
    return make_explorer(n_samples=2000)


def _kl_argmin(app: Explorer) -> float:
    curve = app.board.traces("kl")[0]
    return float(curve["x"][np.argmin(curve["y"])])


def _descendants(widget: widgets.Widget) -> list[widgets.Widget]:
    """Every widget inside ``widget`` (its children, theirs, ...)."""
    out = []
    for child in getattr(widget, "children", ()):
        out += [child, *_descendants(child)]
    return out


def test_rho_slider_moves_kl_minimum_while_paused(app: Explorer) -> None:
    for rho in (0.05, 0.2, 0.002):
        app.controls["rho"].value = rho
        minimum = app.board.traces("kl")[2]
        assert minimum["x"].tolist() == [pytest.approx(rho, rel=1e-6)]
        assert minimum["y"].tolist() == [0.0]
        # The curve's argmin on its log grid lies within one grid cell of ρ.
        assert abs(np.log10(_kl_argmin(app)) - np.log10(rho)) < 0.02
        assert app.session.model.rho == pytest.approx(rho)
    assert app.session.n_steps == 0


def test_units_on_the_kl_curve_follow_rho_hat(app: Explorer) -> None:
    app.step(3)
    units = app.board.traces("kl")[1]
    rho_hat = np.clip(app.session.model.rho_hat_, 1e-4, 1)
    np.testing.assert_allclose(units["x"], rho_hat, rtol=1e-6)
    np.testing.assert_allclose(units["y"], kl_divergence(app.session.model.rho, rho_hat), rtol=1e-6)


def test_training_moves_activation_bars_toward_rho(app: Explorer) -> None:
    app.controls["beta"].value = 3.0
    app.step(1)
    first = app.board.traces("activations")[0]["y"]
    filters_before = app.board.traces("filters")[0]["z"]
    app.step(60)
    bars = app.board.traces("activations")[0]["y"]
    np.testing.assert_allclose(bars, np.clip(app.session.model.rho_hat_, 1e-4, 1), rtol=1e-6)
    rho = app.session.model.rho
    # Distance to the target in log space shrinks by far for the units as a whole.
    assert np.mean(np.abs(np.log(bars / rho))) < 0.3 * np.mean(np.abs(np.log(first / rho)))
    filters = app.board.traces("filters")[0]["z"]
    assert not np.array_equal(filters, filters_before, equal_nan=True)
    target = app.board.traces("activations")[1]
    assert target["y"].tolist() == [pytest.approx(rho, rel=1e-6)] * 2


def test_loss_view_matches_history(app: Explorer) -> None:
    app.step(7)
    lines = {t["name"]: t for t in app.board.traces("loss")}
    history = app.session.history
    np.testing.assert_allclose(lines["total"]["y"], history.array("total"), rtol=1e-6)
    np.testing.assert_allclose(lines["β·Ω (sparsity)"]["y"], history.array("sparsity"), rtol=1e-6)
    assert lines["total"]["x"].tolist() == list(range(7))


def test_log_scale_checkbox_sets_the_loss_axis(app: Explorer) -> None:
    app.step(2)
    assert app.board.layout("loss")["yaxis"]["type"] == "log"
    app.controls["log_loss"].value = False
    assert app.board.layout("loss")["yaxis"]["type"] == "linear"
    assert app.board.layout("loss")["yaxis"]["title"] == {"text": "loss"}  # the rest kept
    app.step(1)  # and it stays so as training goes on
    assert app.board.layout("loss")["yaxis"]["type"] == "linear"
    app.controls["log_loss"].value = True
    assert app.board.layout("loss")["yaxis"]["type"] == "log"


def test_live_parameters_are_used_by_the_next_step(app: Explorer) -> None:
    app.step(2)
    weights = app.session.model.theta_.copy()
    app.controls["beta"].value = 0.0
    app.controls["learning_rate"].value = 0.5
    app.controls["weight_decay"].value = 1e-3
    assert app.session.n_steps == 2  # no reset
    np.testing.assert_array_equal(app.session.model.theta_, weights)
    app.step(1)
    terms = app.session.model.last_terms_
    assert terms["sparsity"] == 0.0
    before = app.session.model._views(weights)  # the step's terms are at its start point
    decay = 0.5 * 1e-3 * (np.sum(before["W1"] ** 2) + np.sum(before["W2"] ** 2))
    assert terms["weight_decay"] == pytest.approx(decay)
    assert app.session.model.learning_rate == pytest.approx(0.5)


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("n_hidden", 10),
        ("dataset", "bars"),
        ("loss", "cross_entropy"),
        ("optimizer", "adam"),
        ("seed", 3),
    ],
)
def test_structural_controls_reset(app: Explorer, name: str, value: object) -> None:
    app.step(3)
    app.controls[name].value = value
    assert app.session.n_steps == 0
    assert "restarted training" in app.status.value
    assert len(app.board.traces("activations")[0]["y"]) == app.session.model.n_hidden


def test_reset_button_restores_step_zero(app: Explorer) -> None:
    initial = app.session.model.theta_.copy()
    app.step(4)
    app.controls["reset"].click()
    assert app.session.n_steps == 0
    np.testing.assert_array_equal(app.session.model.theta_, initial)
    assert len(app.board.traces("loss")[0]["y"]) == 0


def test_optimizer_switch_sets_its_learning_rate_and_batch_rules(app: Explorer) -> None:
    app.controls["optimizer"].value = "adam"
    assert app.controls["learning_rate"].value == pytest.approx(0.01)
    assert not app.controls["batch_size"].disabled
    app.controls["batch_size"].value = 64
    assert app.session.model.batch_size == 64
    app.controls["optimizer"].value = "lbfgs"
    assert app.session.model.batch_size is None and app.controls["batch_size"].disabled
    assert app.controls["batch_size"].label == "full batch"


def test_callback_error_is_shown_and_state_kept(app: Explorer) -> None:
    app.step(2)
    weights = app.session.model.theta_.copy()
    app.controls["batch_size"].value = 64  # not allowed with L-BFGS
    assert "L-BFGS is full-batch" in app.status.value
    assert app.session.model.batch_size is None
    np.testing.assert_array_equal(app.session.model.theta_, weights)
    app.step(1)  # still works
    assert app.session.n_steps == 3


def test_divergence_is_reported_in_status() -> None:
    app = Explorer(
        dataset="bars", n_samples=500, random_state=0, optimizer="sgd", learning_rate=1e4
    )
    app.step(50)
    assert app.session.n_steps < 50
    assert "diverged" in app.status.value and "learning rate" in app.status.value
    assert np.isfinite(app.session.model.theta_).all()


def test_play_loop_handles_slider_changes_mid_run() -> None:
    app = Explorer(dataset="bars", n_samples=500, random_state=0, optimizer="adam")
    used_rho: list[float] = []
    original = app.session.model.step

    def spy(X):  # record the ρ each step actually used
        used_rho.append(app.session.model.rho)
        return original(X)

    app.session.model.step = spy

    async def until(condition) -> None:
        while not condition():
            await asyncio.sleep(0)

    async def scenario() -> None:
        app.controls["play"].value = True
        await until(lambda: app.session.n_steps >= 5)
        app.controls["rho"].value = 0.2  # handled while the loop runs
        mark = app.session.n_steps
        await until(lambda: app.session.n_steps >= mark + 5)
        app.controls["play"].value = False
        await app._task

    asyncio.run(asyncio.wait_for(scenario(), timeout=60))
    assert app.session.n_steps >= 10
    assert used_rho[0] != 0.2 and used_rho[-1] == pytest.approx(0.2)
    assert app.controls["play"].description == "Play"
    assert "⚠" not in app.status.value
    bars = app.board.traces("activations")[0]["y"]
    np.testing.assert_allclose(bars, np.clip(app.session.model.rho_hat_, 1e-4, 1), rtol=1e-6)
    steps = app.session.n_steps
    assert len(app.session.history) == steps  # stopped: nothing more happens


def test_a_dashboard_that_has_not_trained_holds_no_training_workspace(app: Explorer) -> None:
    """Its first frame measures the derivation views' forces on the whole data set; the
    arrays for that go with the measurement (a served kernel held 10 MB more after a load,
    64-25 on 10,000 patches), and the steps' own come with the first step."""
    assert app._forces is not None  # the derivation views were measured
    assert "_work" not in vars(app.session.model)
    app.step(1)
    assert "_work" in vars(app.session.model)


def test_explorer_is_a_container_with_controls_and_views(app: Explorer) -> None:
    required = set(
        "rho beta learning_rate weight_decay n_hidden batch_size dataset loss optimizer seed "
        "play step reset speed".split()
    )
    assert required <= set(app.controls)
    assert {"kl", "activations", "filters", "loss"} <= {v["name"] for v in app.board.views}
    assert app.boards == {"": app.board}
    assert app.board in _descendants(app)
    assert app.value["rho"] == app.session.model.rho


def test_each_control_is_found_in_the_page_by_its_name_not_its_label(app: Explorer) -> None:
    # bench/ui.py once looked for the label "optimiser", which became "optimiser ⟲", and
    # silently stopped running: the page finds a control by its name in ``controls``.
    classes = [dom_class(name) for name in app.controls]
    assert len(set(classes)) == len(classes)
    for name, control in app.controls.items():
        assert dom_class(name) in control._dom_classes, name
        if hasattr(control, "box"):
            assert dom_class(name, "readout") in control.box._dom_classes, name


# ---------------------------------------------------------------------------- frame pacing
class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_pacer_waits_for_the_page_to_draw_before_the_next_frame() -> None:
    clock = FakeClock()
    pacer = pacing.FramePacer(clock)
    assert pacer.due()  # nothing sent yet
    for in_flight in range(1, pacing.MAX_IN_FLIGHT):
        pacer.sent(cost=0.001, in_flight=in_flight)
        clock.now += 1.5 / pacing.MAX_FPS
        assert pacer.due()  # fewer than MAX_IN_FLIGHT frames on their way
    pacer.sent(cost=0.001, in_flight=pacing.MAX_IN_FLIGHT)
    clock.now += 1.5 / pacing.MAX_FPS
    assert not pacer.due()  # the rate allows it, but the page has not drawn enough of them
    pacer.acknowledged(in_flight=pacing.MAX_IN_FLIGHT - 1)
    assert pacer.due()


def test_pacer_caps_the_rate_and_the_kernel_time_spent_drawing() -> None:
    clock = FakeClock()
    pacer = pacing.FramePacer(clock)
    pacer.sent(cost=0.001)
    pacer.acknowledged()
    clock.now += 0.9 / pacing.MAX_FPS
    assert not pacer.due()  # faster than MAX_FPS
    clock.now += 0.2 / pacing.MAX_FPS
    assert pacer.due()
    pacer.sent(cost=0.1)  # an expensive frame: the next may come FRAME_SHARE times later
    pacer.acknowledged()
    clock.now += pacing.FRAME_SHARE * 0.1 - 0.01
    assert not pacer.due()
    clock.now += 0.02
    assert pacer.due()


def test_pacer_sends_at_the_chunk_nearest_to_when_a_frame_is_due() -> None:
    """The loop asks between chunks of training: a frame goes at the question nearest to its
    time, so chunks of 7.5 ms bring a frame every second chunk (15 ms), not every third
    (22.5 ms, the first question after 1/MAX_FPS)."""
    clock, chunk = FakeClock(), 0.0075
    pacer = pacing.FramePacer(clock)
    pacer.sent(cost=0.001)
    pacer.acknowledged()
    clock.now += chunk
    assert not pacer.due(chunk)  # 7.5 ms: the next question (15 ms) is nearer to 16.7 ms
    clock.now += chunk
    assert pacer.due(chunk)  # 15 ms: nearer than the next question's 22.5 ms


def test_play_counts_a_frames_wall_time_so_a_starved_kernel_keeps_training(monkeypatch) -> None:
    """On a shared machine a frame takes longer by the clock than its CPU time, as training
    does: counted by the clock, frames keep to their share of what the kernel gets. (Counted
    in CPU time, frames took most of a starved kernel's core: docs in app/pacing.py.)"""
    app = Explorer(dataset="bars", n_samples=200, random_state=0, optimizer="adam")
    wait = 0.2
    draw, costs = app._draw, []

    def waiting_draw() -> None:
        time.sleep(wait)  # the kernel descheduled: the clock runs, its core does no work
        draw()

    def sent(cost: float, in_flight: int = 1) -> None:
        costs.append(cost)
        app.controls["play"].value = len(costs) < 3

    monkeypatch.setattr(app, "_draw", waiting_draw)
    monkeypatch.setattr(app.pacer, "sent", sent)
    play_until_it_stops(app)
    assert len(costs) == 3
    assert min(costs) >= wait, costs


def test_pacer_resends_when_an_acknowledgement_never_comes() -> None:
    clock = FakeClock()
    pacer = pacing.FramePacer(clock)
    pacer.sent(cost=0.001, in_flight=pacing.MAX_IN_FLIGHT)
    clock.now += pacing.RESEND_SECONDS - 0.01
    assert not pacer.due()
    clock.now += 0.02
    assert pacer.due()  # e.g. the page was reloaded: its new view never saw that frame


def test_pacer_tells_when_nobody_is_watching() -> None:
    clock = FakeClock()
    pacer = pacing.FramePacer(clock)
    for _ in range(100):  # a page that keeps drawing is watched
        pacer.sent(cost=0.001)
        clock.now += 1.0
        pacer.acknowledged()
        assert not pacer.unwatched()
    pacer.sent(cost=0.001)
    clock.now += pacing.UNWATCHED_SECONDS - 0.01
    assert not pacer.unwatched()
    clock.now += 0.02
    assert pacer.unwatched()
    pacer.start()  # pressing Play again starts a fresh watch
    assert not pacer.unwatched()


def page_message(board, content: dict) -> None:
    """A message from the page reaching the kernel, as board.js sends it."""
    board._on_page_message(board, content, [])


def sent_frames(monkeypatch, board) -> list[tuple[dict, list]]:
    """From now on, the frames ``board`` sends the page (content, buffers), instead of sending
    them (and nothing else it sends: copies of the run to keep, answers to pings)."""
    frames: list[tuple[dict, list]] = []

    def send(content: dict, buffers: list | None = None) -> None:
        if content["type"] == "sae-frame":
            frames.append((content, buffers))

    monkeypatch.setattr(board, "send", send)
    return frames


def decoded(content: dict, buffers: list, view: str, trace: int, key: str) -> np.ndarray:
    """Array ``key`` of trace ``trace`` of ``view`` in a frame, as the page decodes it."""
    ref = content["views"][view]["traces"][trace][key]
    return np.frombuffer(buffers[ref["buffer"]], np.float32).reshape(ref["shape"])


def test_page_acknowledgements_reach_the_pacer(app: Explorer, monkeypatch) -> None:
    clock = FakeClock()
    app.pacer = pacing.FramePacer(clock)
    page_message(app.board, {"type": "drawn", "seq": app.board._encoder.seq})  # as built
    frames = sent_frames(monkeypatch, app.board)
    app.step(1)
    ((frame, _),) = frames  # the step's changes, in one frame
    assert app.in_flight() == 1
    app.pacer.sent(cost=0.0, in_flight=pacing.MAX_IN_FLIGHT)
    clock.now += 1.0
    assert not app.pacer.due()  # waiting for the page
    page_message(app.board, {"type": "drawn", "seq": frame["seq"]})  # as board.js answers
    assert app.pacer.due()
    assert not app._awaiting and app.in_flight() == 0  # no board is waited for any more


def test_the_answer_to_a_frame_answers_the_earlier_ones(app: Explorer, monkeypatch) -> None:
    """The page draws the newest state it has: its answer to frame n covers every frame
    before n; a reloaded page (hello) owes nothing for frames sent to its predecessor."""
    page_message(app.board, {"type": "drawn", "seq": app.board._encoder.seq})  # as built
    frames = sent_frames(monkeypatch, app.board)
    for _ in range(3):
        app.step(1)
    assert app.in_flight() == 3
    page_message(app.board, {"type": "drawn", "seq": frames[1][0]["seq"]})
    assert app.in_flight() == 1
    page_message(app.board, {"type": "hello"})
    assert app.in_flight() == 1  # the hello's own frame, which the new page will answer
    page_message(app.board, {"type": "drawn", "seq": frames[-1][0]["seq"]})
    assert app.in_flight() == 0


def test_the_button_offers_play_again_only_once_the_loop_has_sent_its_last_state() -> None:
    """Pressing Pause ends the loop after its chunk; the button says Play only after the
    loop's last status line: a page (or a test) seeing Play has the final state."""
    app = Explorer(dataset="bars", n_samples=300, random_state=0, optimizer="adam")
    seen: list[tuple[str, int | None]] = []  # (label, step in the status line) at each change

    def step_shown() -> int | None:
        found = re.search(r"step (\d+) ·", app.status.value)
        return int(found.group(1)) if found else None

    app.status.observe(lambda _: seen.append(("status", step_shown())), names="value")
    app.controls["play"].observe(
        lambda c: seen.append((c["new"], step_shown())), names="description"
    )

    async def scenario() -> None:
        app.controls["play"].value = True
        while app.session.n_steps < 5:
            await asyncio.sleep(0)
        app.controls["play"].value = False
        assert app.controls["play"].description == "Pause"  # the loop has not ended yet
        await app._task

    asyncio.run(asyncio.wait_for(scenario(), timeout=60))
    assert seen[0] == ("Pause", 0) and seen[-1] == ("Play", app.session.n_steps)
    assert seen[-2] == ("status", app.session.n_steps)  # the final status came first


def play_until_it_stops(app: Explorer) -> None:
    """Press Play and run the kernel's event loop until the play loop ends by itself."""

    async def scenario() -> None:
        app.controls["play"].value = True
        await asyncio.sleep(0)
        await app._task

    asyncio.run(asyncio.wait_for(scenario(), timeout=60))


def test_play_pauses_itself_when_no_page_draws(monkeypatch) -> None:
    """A closed tab must not train forever: nothing acknowledges frames, play stops."""
    monkeypatch.setattr(pacing, "UNWATCHED_SECONDS", 0.3)
    app = Explorer(dataset="bars", n_samples=200, random_state=0, optimizer="adam")

    play_until_it_stops(app)
    assert app.controls["play"].value is False
    assert app.controls["play"].description == "Play"
    assert "no page has drawn the dashboard" in app.status.value
    assert app.session.n_steps > 0
    np.testing.assert_allclose(  # the views show the final state
        app.board.traces("activations")[0]["y"],
        np.clip(app.session.model.rho_hat_, 1e-4, 1),
        rtol=1e-6,
    )


def test_play_pauses_itself_at_convergence_and_says_so(monkeypatch) -> None:
    """A converged L-BFGS changes nothing any more: play stops and the status line says why."""
    monkeypatch.setattr(pacing, "UNWATCHED_SECONDS", 20.0)  # a loop that missed it stops too
    app = Explorer(dataset="bars", n_samples=300, random_state=0)
    app.controls["speed"].value = 100

    play_until_it_stops(app)
    assert app.controls["play"].value is False
    assert app.controls["play"].description == "Play"
    assert app.session.model.converged_
    status = html.unescape(app.status.value)
    assert f"L-BFGS converged at step {app.session.n_steps}:" in status  # stopped right there
    assert "converged" in status and "⚠" not in status and app.session.message == ""
    np.testing.assert_allclose(  # the views show the final state
        app.board.traces("activations")[0]["y"],
        np.clip(app.session.model.rho_hat_, 1e-4, 1),
        rtol=1e-6,
    )


# ---------------------------------------------------------------------------- defaults, BLAS
def test_dashboards_train_in_float32_with_the_optimizers_learning_rate() -> None:
    assert DASHBOARD_DTYPE == "float32"
    lbfgs, adam = LBFGS.default_learning_rate, Adam.default_learning_rate
    assert dashboard_params({}) == {"learning_rate": lbfgs, "dtype": "float32"}
    expected = {"optimizer": "adam", "learning_rate": adam, "dtype": "float32"}
    assert dashboard_params({"optimizer": "adam"}) == expected
    given = {"optimizer": "adam", "learning_rate": 0.5, "dtype": "float64"}
    assert dashboard_params(given) == given  # what the caller says is kept
    unknown = {"optimizer": "newton", "dtype": "float32"}  # for the model to refuse by name
    assert dashboard_params({"optimizer": "newton"}) == unknown
    app = Explorer(n_samples=300)
    assert app.session.model.dtype == "float32"
    assert app.session.model.theta_.dtype == np.float32
    assert Explorer(n_samples=300, dtype="float64").session.model.dtype == "float64"
    ab = Comparison(n_samples=300)
    assert {run: s.model.dtype for run, s in ab.sessions.items()} == dict.fromkeys("AB", "float32")


def _share_query(app: Explorer) -> str:
    panel = app.panels["Share and instructor mode"]
    return html.unescape(re.search(r"href='\?([^']*)'", panel.link.value).group(1))


def test_the_share_link_of_a_fresh_dashboard_leaves_the_dtype_out() -> None:
    assert "dtype" not in _share_query(Explorer(n_samples=300))
    assert "dtype=float64" in _share_query(Explorer(n_samples=300, dtype="float64"))


def _blas_threads() -> list[int]:
    return [p["num_threads"] for p in threadpoolctl.threadpool_info() if p["user_api"] == "blas"]


def test_blas_leaves_a_core_to_the_browser() -> None:
    cores = len(os.sched_getaffinity(0))
    before = _blas_threads()
    assert before, "no BLAS thread pool found"
    with blas.leave_a_core():
        assert _blas_threads() == [max(1, cores - 1)] * len(before)
    assert _blas_threads() == before
    with blas.one_thread():
        assert _blas_threads() == [1] * len(before)
    assert _blas_threads() == before


@pytest.mark.parametrize(
    ("files", "cores"),
    [
        ({"cpu.max": "100000 100000\n"}, 1),  # a pod limited to one CPU
        ({"cpu.max": "150000 100000\n"}, 2),  # 1.5 CPUs: two threads, rounded up
        ({"cpu.max": "max 100000\n"}, None),  # no limit: the cores it may run on
        ({"cpu/cpu.cfs_quota_us": "50000\n", "cpu/cpu.cfs_period_us": "100000\n"}, 1),  # v1
        ({"cpu/cpu.cfs_quota_us": "-1\n", "cpu/cpu.cfs_period_us": "100000\n"}, None),
        ({}, None),  # no cgroup files at all
    ],
)
def test_blas_counts_no_more_cores_than_the_containers_cpu_limit(tmp_path, files, cores) -> None:
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    may_run_on = len(os.sched_getaffinity(0))
    assert blas._cores(tmp_path) == min(may_run_on, cores or may_run_on)


# ---------------------------------------------------------------------------- bad values
@pytest.mark.parametrize(
    ("name", "value", "allowed"),
    [
        ("rho", 5.0, "[0.001, 0.5]"),  # ipywidgets alone would clamp this to 0.5 silently
        ("rho", -1.0, "[0.001, 0.5]"),
        ("rho", float("nan"), "finite"),
        ("beta", 50.0, "[0, 10]"),
        ("learning_rate", float("inf"), "finite"),
        ("weight_decay", 1.0, "[1e-06, 0.1]"),
        ("n_hidden", 0, "[1, 200]"),
        ("seed", -5, "[0, 2147483647]"),
        ("speed", 0, "[1, 100]"),
        ("dataset", "cats", "one of ['natural-patches', 'digits', 'bars', 'sparse-dictionary']"),
        ("batch_size", 7, "one of [0, 32, 64"),
        ("optimizer", "newton", "one of ['lbfgs', 'adam', 'sgd']"),
    ],
)
def test_a_value_the_page_could_not_set_is_refused_from_code(name, value, allowed) -> None:
    app = Explorer(dataset="bars", n_samples=200, random_state=0)
    app.step(3)
    params, shown = app.session.get_params(), app.controls[name].value
    theta = app.session.model.theta_.copy()
    with pytest.raises(Exception, match=re.escape(f"{name}={value!r} is not allowed")) as info:
        app.controls[name].value = value
    assert allowed in str(info.value)
    assert app.controls[name].value == shown  # nothing changed: control, settings, weights
    assert app.session.get_params() == params and app.session.n_steps == 3
    np.testing.assert_array_equal(app.session.model.theta_, theta)
    assert f"{name}={value!r} is not allowed" in html.unescape(app.status.value)
    app.step(1)  # and the dashboard goes on
    assert app.session.n_steps == 4


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"dataset": 5}, "dataset=5 is not allowed"),
        ({"dataset": "cats"}, "dataset='cats' is not allowed"),
        ({"rho": 2.0}, "rho=2.0 is not allowed"),
        ({"beta": -1}, "beta=-1 is not allowed"),
        ({"n_hidden": 0}, "n_hidden=0 is not allowed"),
        ({"optimizer": "newton"}, "optimizer='newton' is not allowed"),
        ({"random_state": -1}, "random_state=-1 is not allowed"),
        ({"n_samples": -3}, "n_samples must be a positive int or None, got -3"),
    ],
)
def test_the_constructor_names_a_bad_value(kwargs, message) -> None:
    with pytest.raises(ValueError, match=re.escape(message)):
        Explorer(**({"dataset": "bars", "n_samples": 100} | kwargs))


def test_no_control_can_name_a_file_on_the_server(app: Explorer) -> None:
    """Page users choose among fixed options and numbers only: nothing takes a path or an
    upload, so nothing a page sends can make the server read or write a file."""
    free_text = (widgets.Text, widgets.Textarea, widgets.FileUpload, widgets.Combobox)
    assert not [n for n, c in app.controls.items() if isinstance(c, free_text)]
    assert not [c for c in app.children if isinstance(c, free_text)]


def test_apply_refuses_what_no_control_can_show_and_changes_nothing(app: Explorer) -> None:
    """ρ = 0.7 is a valid model setting, but the ρ slider ends at 0.5: the page and the
    session would disagree from then on."""
    with pytest.raises(ValueError, match=r"rho=0.7 is not allowed: rho must be .*0.5\]"):
        app.apply({"rho": 0.7, "beta": 1.0})
    assert app.session.model.rho == 0.01 and app.session.model.beta == 3.0
    assert app.apply({"rho": 0.2}) is False and app.session.model.rho == 0.2


def test_a_page_snapping_a_coded_value_to_its_slider_grid_changes_nothing(app: Explorer) -> None:
    app.apply({"rho": 0.05})  # e.g. from a link: not on the slider's grid of 10^(k/100)
    # What the page sends back, as the page sends it (a state update): 0.0501.
    app.controls["rho"].set_state({"value": 10 ** (-3 + 170 * 0.01)})
    assert app.session.model.rho == 0.05
    app.controls["rho"].set_state({"value": 10 ** (-3 + 171 * 0.01)})  # the user's move
    assert app.session.model.rho == pytest.approx(0.0513, rel=1e-3)


def test_a_page_connecting_after_changes_gets_the_views_as_they_are_now(
    app: Explorer, monkeypatch
) -> None:
    """A page connecting later (a preheated Voila kernel that applied the page's address; a
    step before display in JupyterLab) says hello and must be sent the current data and
    captions, not the views as built."""
    app.apply({"rho": 0.05})
    app.step(3)
    frames = sent_frames(monkeypatch, app.board)
    page_message(app.board, {"type": "hello"})  # what board.js sends when it starts
    ((content, buffers),) = frames
    assert content["type"] == "sae-frame"
    views = content["views"]
    assert set(views) == {v["name"] for v in app.board.views}  # everything, afresh
    assert all(part["reset"] for part in views.values())
    kl_target = decoded(content, buffers, "kl", 2, "x")
    assert kl_target.tolist() == [pytest.approx(0.05, rel=1e-6)]
    loss_steps = decoded(content, buffers, "loss", 0, "x")
    assert loss_steps.tolist() == [0, 1, 2]  # the loss history so far
    assert "unit 0 · ρ̂ = " in views["unit_history"]["caption"]


def test_status_names_a_restarting_control_as_the_page_labels_it() -> None:
    app = Explorer(dataset="bars", n_samples=200, random_state=0)
    app.controls["n_hidden"].value = 7
    assert "Changing hidden units restarted training from step 0." in app.status.value
    app.controls["optimizer"].value = "adam"
    assert "Changing optimiser restarted training from step 0." in app.status.value
