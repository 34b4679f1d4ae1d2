"""deploy/: the one-machine JupyterHub configuration as JupyterHub reads it, and the Zero to
JupyterHub values file, linted and checked against the chart's keys (helm is not run here;
tests/serving/test_jupyterhub.py runs the one-machine hub for real)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
import yaml
from jupyter_server.serverapp import ServerApp
from traitlets.config.loader import PyFileConfigLoader
from yamllint import linter
from yamllint.config import YamlLintConfig

from explorer.serving.voila import DATA_DIR, TORNADO_SETTINGS

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
VALUES = DEPLOY / "kubernetes" / "values.yaml"
DASHBOARD = "/voila/render/notebooks/explorer.ipynb"

# The keys the chart's schema allows in the sections values.yaml uses (each of them closed:
# "additionalProperties: false"), from jupyterhub/values.schema.yaml of
# github.com/jupyterhub/zero-to-jupyterhub-k8s at tag 4.4.0 (commit 5c5f5df7, JupyterHub
# 5.5.0). hub.config is free-form: JupyterHub's own traitlets, checked below by loading them.
Z2JH_KEYS = {
    "": "cull custom debug enabled fullnameOverride global httpRoute hub imagePullSecret "
    "imagePullSecrets ingress nameOverride prePuller proxy rbac scheduling singleuser",
    "hub": "activeServerLimit allowNamedServers annotations args authenticatePrometheus baseUrl "
    "command concurrentSpawnLimit config consecutiveFailureLimit containerSecurityContext "
    "cookieSecret db deploymentStrategy existingSecret extraConfig extraContainers extraEnv "
    "extraFiles extraPodSpec extraVolumeMounts extraVolumes fsGid image initContainers labels "
    "lifecycle livenessProbe loadRoles namedServerLimitPerUser networkPolicy nodeSelector pdb "
    "podSecurityContext readinessProbe redirectToServer resources revisionHistoryLimit service "
    "serviceAccount services shutdownOnLogout templatePaths templateVars tolerations",
    "singleuser": "allowPrivilegeEscalation cloudMetadata cmd cpu defaultUrl events "
    "extraAnnotations extraContainers extraEnv extraFiles extraLabels extraNodeAffinity "
    "extraPodAffinity extraPodAntiAffinity extraPodConfig extraResource extraTolerations fsGid "
    "image initContainers lifecycleHooks memory networkPolicy networkTools nodeSelector "
    "podNameTemplate profileList serviceAccountName startTimeout storage uid",
    "singleuser.image": "name pullPolicy pullSecrets tag",
    "singleuser.memory": "guarantee limit",
    "singleuser.cpu": "guarantee limit",
    "singleuser.storage": "capacity dynamic extraLabels extraVolumeMounts extraVolumes "
    "homeMountPath static type",
    "cull": "adminUsers concurrency enabled every maxAge removeNamedServers timeout users",
    "prePuller": "annotations containerSecurityContext continuous extraImages extraTolerations "
    "hook labels pause pullProfileListImages resources revisionHistoryLimit",
    "prePuller.hook": "containerSecurityContext daemonsetAnnotations enabled image nodeSelector "
    "podSchedulingWaitDuration pullOnlyOnChanges resources serviceAccount "
    "serviceAccountImagePuller tolerations",
    "prePuller.continuous": "daemonsetAnnotations enabled serviceAccount",
    "proxy": "annotations chp deploymentStrategy https labels secretSync secretToken service "
    "traefik",
    "proxy.https": "enabled hosts letsencrypt manual secret type",
    "proxy.https.letsencrypt": "acmeServer contactEmail",
}
#: Kubernetes quantities as the chart takes them for memory (bytes with a suffix).
MEMORY_UNITS = {"K": 1e3, "M": 1e6, "G": 1e9, "Ki": 2**10, "Mi": 2**20, "Gi": 2**30}
#: Measured: a student's server with its dashboard kernel, resident (deploy/README.md).
STUDENT_MB = 330


def hub_config(monkeypatch, **environ: str):
    """deploy/jupyterhub_config.py as JupyterHub loads it."""
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    return PyFileConfigLoader("jupyterhub_config.py", path=str(DEPLOY)).load_config()


def single_user_server(args: list[str]) -> ServerApp:
    """A student's server configured from its command line, as it configures itself."""
    server = ServerApp()
    server.parse_command_line(list(args))
    server.load_config_file()
    return server


@pytest.fixture(scope="module")
def values() -> dict:
    return yaml.safe_load(VALUES.read_text())


def section(values: dict, path: str) -> dict:
    for key in filter(None, path.split(".")):
        values = values[key]
    return values


def megabytes(quantity: str) -> float:
    number = quantity.rstrip("KMGi")
    return float(number) * MEMORY_UNITS[quantity[len(number) :]] / 1e6


# ---------------------------------------------------------------------------- one machine
def test_one_machine_opens_the_dashboard_of_each_students_own_server(monkeypatch):
    c = hub_config(monkeypatch)
    assert c.JupyterHub.authenticator_class == "pam"
    assert c.PAMAuthenticator.allowed_groups == {"students"}
    assert c.JupyterHub.spawner_class == "localprocess"  # a Unix user per student
    assert c.Spawner.default_url == DASHBOARD
    assert (Path(c.Spawner.notebook_dir) / DASHBOARD.removeprefix("/voila/render/")).is_file()


def test_the_servers_get_the_dashboards_template_kernel_and_limits(monkeypatch):
    c = hub_config(monkeypatch)
    path = Path(c.Spawner.environment["JUPYTER_PATH"])
    assert path == DATA_DIR
    assert (path / "voila" / "templates" / "explorer" / "index.html.j2").is_file()
    kernel = json.loads((path / "kernels" / "python3" / "kernel.json").read_text())
    assert "explorer.serving.kernel" in kernel["argv"]
    server = single_user_server(c.Spawner.args)
    assert server.config.VoilaConfiguration.template == "explorer"
    assert server.config.VoilaConfiguration.extension_denylist == [
        "jupyterlab-plotly",
        "jupyterlab_pygments",
    ]
    # serve's settings, and no MathJax URL (the server extension's default is a CDN's).
    assert server.tornado_settings == TORNADO_SETTINGS | {
        "mathjax_url": None,
        "mathjax_config": None,
    }
    assert server.config.MappingKernelManager.cull_idle_timeout > 0


def test_idle_servers_are_culled_by_the_culler_service_with_just_its_scopes(monkeypatch):
    c = hub_config(monkeypatch)
    (service,) = c.JupyterHub.services
    assert service["command"][1:3] == ["-m", "jupyterhub_idle_culler"]
    timeout = int(next(a for a in service["command"] if a.startswith("--timeout=")).split("=")[1])
    kernel_idle = single_user_server(c.Spawner.args).config.MappingKernelManager.cull_idle_timeout
    # Kernels go first, then the idle server; neither before the page's own 30 s pause.
    assert 30 < kernel_idle < timeout
    (role,) = c.JupyterHub.load_roles
    assert role["services"] == [service["name"]]
    assert set(role["scopes"]) == {
        "list:users",
        "read:users:activity",
        "read:servers",
        "delete:servers",
    }


def test_a_missing_notebooks_folder_is_refused_naming_it(monkeypatch, tmp_path):
    with pytest.raises(FileNotFoundError, match=r"SAE_HUB_CONTENT=.*holds no notebooks/"):
        hub_config(monkeypatch, SAE_HUB_CONTENT=str(tmp_path))
    (tmp_path / "notebooks").mkdir()
    (tmp_path / "notebooks" / "explorer.ipynb").write_text("{}")
    assert hub_config(monkeypatch, SAE_HUB_CONTENT=str(tmp_path)).Spawner.notebook_dir == str(
        tmp_path
    )


def test_a_hub_python_without_the_explorer_is_refused_saying_so(monkeypatch):
    monkeypatch.setitem(sys.modules, "explorer.serving.voila", None)  # as if not installed
    with pytest.raises(ImportError, match=r"explorer is not installed in the hub's Python"):
        hub_config(monkeypatch)


# ---------------------------------------------------------------------------- Kubernetes
def test_the_values_file_is_clean_yaml():
    rules = YamlLintConfig(
        "extends: default\nrules: {line-length: {max: 100}, document-start: disable}"
    )
    problems = [str(p) for p in linter.run(VALUES.read_text(), rules)]
    assert problems == []


@pytest.mark.parametrize("path", Z2JH_KEYS)
def test_every_key_is_one_the_chart_knows(values, path):
    allowed = set(Z2JH_KEYS[path].split())
    unknown = set(section(values, path)) - allowed
    assert unknown == set(), f"{path or 'top level'}: not in the chart's schema: {unknown}"


def test_every_section_it_uses_is_checked(values):
    def sections(node, path=""):
        for key, value in node.items():
            inner = f"{path}.{key}".lstrip(".")
            if isinstance(value, dict) and inner != "hub.config":
                yield inner
                yield from sections(value, inner)

    assert set(sections(values)) <= set(Z2JH_KEYS)


def test_the_values_open_the_dashboard_and_cull_idle_servers(values, monkeypatch):
    singleuser = values["singleuser"]
    assert singleuser["defaultUrl"] == DASHBOARD
    assert (ROOT / DASHBOARD.removeprefix("/voila/render/")).is_file()  # repo2docker's home
    # A volume on the home folder would hide the notebooks the image holds there.
    assert singleuser["storage"]["type"] == "none"
    assert singleuser["image"]["name"] and isinstance(singleuser["image"]["tag"], str)
    cull = values["cull"]
    assert cull["enabled"] is True and 60 <= cull["timeout"] <= 3600 and cull["every"] > 0
    # The servers start as on one machine: the same settings file, where repo2docker puts the
    # repository (the home folder of its default user).
    ours = hub_config(monkeypatch).Spawner.args
    theirs = values["hub"]["config"]["Spawner"]["args"]
    home = "--config=/home/jovyan/"
    assert [a.replace(home, f"--config={ROOT}/") for a in theirs] == ours


def test_each_student_gets_the_memory_measured_for_one(values):
    memory = values["singleuser"]["memory"]
    guarantee, limit = megabytes(memory["guarantee"]), megabytes(memory["limit"])
    assert STUDENT_MB * 1.2 <= guarantee <= limit <= 4 * guarantee


def test_the_authenticator_is_a_placeholder_that_lets_nobody_in_until_configured(values):
    config = values["hub"]["config"]
    assert config["JupyterHub"]["authenticator_class"] == "shared-password"
    # No password in the file: the instructor gives it at install time (deploy/README.md).
    assert not {"user_password", "admin_password"} & set(config["SharedPasswordAuthenticator"])
    assert "PLACEHOLDER authenticator" in VALUES.read_text()
    assert (
        "hub.config.SharedPasswordAuthenticator.user_password" in (DEPLOY / "README.md").read_text()
    )
