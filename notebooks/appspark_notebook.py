"""Attach a Jupyter notebook to its app's in-app Spark cluster.

The cluster is found the way the Java client (io.appspark.client.ClusterLocator) finds it:

1. ``APPSPARK_CONNECTION_FILE``: a ``connection.properties`` written by ``appspark up``;
2. ``APPSPARK_MASTER_URL`` (with ``APPSPARK_CONNECT_URL``, ``APPSPARK_MASTER_WEB_URL``): set on
   Kubernetes by the JupyterLab deployment;
3. by name, ``APPSPARK_CLUSTER`` (default ``appspark``), in the local state directory
   (``APPSPARK_STATE_DIR``, else ``$XDG_STATE_HOME/appspark``, else ``~/.local/state/appspark``).

Two ways in:

* :func:`classic_session` — the driver runs in the notebook's kernel (a JVM started by PySpark),
  executors on the cluster's workers; every ``spark.*`` setting of the cluster's connection file
  is applied, so the notebook behaves like any other driver of the app (dynamic allocation,
  decommissioning, the autoscaler's plugin).
* :func:`connect_session` — a thin Spark Connect client of the cluster's Connect server; no JVM
  in the notebook.

Both refuse a PySpark whose version differs from the cluster's Spark, in plain words
(:class:`VersionMismatch`), before anything confusing can happen.
"""

from __future__ import annotations

import os
import re
import sys
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping, Optional

DEFAULT_CLUSTER = "appspark"
CONNECT_APP_NAME = "Spark Connect server"
_HERE = Path(__file__).resolve().parent


class ClusterNotFound(RuntimeError):
    """No in-app cluster where the environment says to look."""


class VersionMismatch(RuntimeError):
    """The notebook's PySpark is not the cluster's Spark version."""

    def __init__(self, client_version: str, cluster_version: str):
        self.client_version = client_version
        self.cluster_version = cluster_version
        super().__init__(
            f"notebook has PySpark {client_version}, the in-app cluster runs Spark "
            f"{cluster_version}: install pyspark=={cluster_version} "
            f"(pip install pyspark=={cluster_version}, or pin it in notebooks/requirements.txt "
            f"and run notebooks/setup-venv.sh)"
        )


@dataclass(frozen=True)
class Cluster:
    """How drivers attach to one in-app cluster (the contents of ``connection.properties``)."""

    name: str
    master_url: str
    master_web_url: str = ""
    connect_url: str = ""
    spark_conf: Mapping[str, str] = field(default_factory=dict)
    local: bool = False  # its processes run on this machine (found through a connection file)
    auth_secret_file: str = ""  # where a local cluster keeps its RPC secret (the file, not the secret)


# --- finding the cluster --------------------------------------------------------------------


def state_directory(env: Mapping[str, str] = os.environ) -> Path:
    if env.get("APPSPARK_STATE_DIR", "").strip():
        return Path(env["APPSPARK_STATE_DIR"])
    if env.get("XDG_STATE_HOME", "").strip():
        return Path(env["XDG_STATE_HOME"]) / "appspark"
    return Path.home() / ".local" / "state" / "appspark"


def locate(env: Mapping[str, str] = os.environ) -> Cluster:
    """The cluster the environment points at (see the module's documentation for the order)."""
    connection_file = env.get("APPSPARK_CONNECTION_FILE", "").strip()
    if connection_file:
        return read_connection_file(Path(connection_file), f"APPSPARK_CONNECTION_FILE={connection_file}")
    master_url = env.get("APPSPARK_MASTER_URL", "").strip()
    if master_url:
        if not master_url.startswith("spark://"):
            raise ClusterNotFound(
                f"APPSPARK_MASTER_URL must be a spark://host:port URL; got '{master_url}'"
            )
        name = env.get("APPSPARK_CLUSTER", "").strip() or DEFAULT_CLUSTER
        return Cluster(
            name=name,
            master_url=master_url,
            master_web_url=env.get("APPSPARK_MASTER_WEB_URL", ""),
            connect_url=env.get("APPSPARK_CONNECT_URL", ""),
            # On Kubernetes the cluster's ConfigMap holds what a local connection file does.
            spark_conf=kubernetes_driver_conf(name, env),
        )
    name = env.get("APPSPARK_CLUSTER", "").strip() or DEFAULT_CLUSTER
    path = state_directory(env) / "clusters" / name / "connection.properties"
    return read_connection_file(path, f"cluster '{name}'")


def read_connection_file(path: Path, what: str) -> Cluster:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ClusterNotFound(
            f"no in-app cluster found for {what} (looked for {path}): start one with "
            f"'./appspark up --connect', or set APPSPARK_MASTER_URL to its spark:// URL"
        ) from None
    props = parse_properties(text)
    for key in ("appspark.cluster.name", "appspark.master.url"):
        if not props.get(key):
            raise ClusterNotFound(
                f"{path} lacks '{key}': the file is damaged; restart the cluster with ./appspark up"
            )
    return Cluster(
        name=props["appspark.cluster.name"],
        master_url=props["appspark.master.url"],
        master_web_url=props.get("appspark.master.webUrl", ""),
        connect_url=props.get("appspark.connect.url", ""),
        spark_conf={k: v for k, v in props.items() if k.startswith("spark.")},
        local=True,
        auth_secret_file=props.get("appspark.auth.secretFile", ""),
    )


# --- the driver settings of a cluster on Kubernetes -----------------------------------------

DRIVER_CONF_KEY = "driver-defaults.conf"
SERVICE_ACCOUNT = Path("/var/run/secrets/kubernetes.io/serviceaccount")


def config_map_name(cluster: str) -> str:
    """The cluster's ConfigMap, which holds ``driver-defaults.conf`` (as the launcher's model
    names it; io.appspark.client.DriverDefaults reads it the same way)."""
    return f"{cluster}-spark-conf"


def kubernetes_driver_conf(
    cluster: str, env: Mapping[str, str] = os.environ, service_account: Path = SERVICE_ACCOUNT,
    api_server: Optional[str] = None,
) -> dict:
    """The driver settings of a cluster on Kubernetes (dynamic allocation, executor size,
    decommissioning, the autoscaler's plugin): ``driver-defaults.conf`` of ConfigMap
    ``<cluster>-spark-conf``, from the file ``APPSPARK_DRIVER_CONF`` names (the key mounted in the
    pod), else through the Kubernetes API with the pod's service-account token. Outside a pod
    (no ``KUBERNETES_SERVICE_HOST``) there are none; in a pod where neither works the error names
    what to mount or grant."""
    name = config_map_name(cluster)
    what = (
        f"no driver settings for cluster '{cluster}' in this pod (mount the key {DRIVER_CONF_KEY} "
        f"of ConfigMap {name} and set APPSPARK_DRIVER_CONF to its path, or let the pod's service "
        f"account get configmaps/{name})"
    )
    file = env.get("APPSPARK_DRIVER_CONF", "").strip()
    if file:
        try:
            return parse_properties(Path(file).read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise ClusterNotFound(
                f"APPSPARK_DRIVER_CONF={file}: no such file: mount the key {DRIVER_CONF_KEY} of the "
                f"ConfigMap {name} there"
            ) from None
    host = env.get("KUBERNETES_SERVICE_HOST", "").strip()
    if not host and api_server is None:
        return {}
    token_file = service_account / "token"
    try:
        token = token_file.read_text(encoding="utf-8").strip()
    except OSError:
        raise ClusterNotFound(
            f"{what}: APPSPARK_DRIVER_CONF is not set and the pod has no service-account token "
            f"({token_file})"
        ) from None
    namespace = env.get("APPSPARK_NAMESPACE", "").strip()
    if not namespace:
        namespace = (service_account / "namespace").read_text(encoding="utf-8").strip()
    if api_server is None:
        port = env.get("KUBERNETES_SERVICE_PORT", "443").strip()
        api_server = f"https://[{host}]:{port}" if ":" in host else f"https://{host}:{port}"
    return _config_map_from_api(cluster, namespace, api_server, token, service_account, what)


def _config_map_from_api(cluster, namespace, api_server, token, service_account, what) -> dict:
    import json
    import ssl
    import urllib.error
    import urllib.request

    name = config_map_name(cluster)
    url = f"{api_server}/api/v1/namespaces/{namespace}/configmaps/{name}"
    request = urllib.request.Request(
        url, headers={"Authorization": f"Bearer {token}", "Accept": "application/json"}
    )
    ca = service_account / "ca.crt"
    context = ssl.create_default_context(cafile=str(ca) if ca.exists() else None)
    try:
        with urllib.request.urlopen(request, timeout=10, context=context) as response:
            body = json.loads(response.read().decode("utf-8"))
    except urllib.error.HTTPError as e:
        if e.code in (401, 403):
            raise ClusterNotFound(
                f"{what}: the pod's service account may not get configmaps/{name} in namespace "
                f"{namespace} (HTTP {e.code}): grant it (a Role with resources [configmaps], "
                f"resourceNames [{name}], verbs [get], bound to the pod's service account)"
            ) from None
        if e.code == 404:
            raise ClusterNotFound(
                f"no ConfigMap {name} in namespace {namespace}: is cluster '{cluster}' deployed "
                f"there? (APPSPARK_CLUSTER names the cluster, APPSPARK_NAMESPACE its namespace)"
            ) from None
        raise ClusterNotFound(f"reading ConfigMap {name} in namespace {namespace}: HTTP {e.code}") from None
    except (urllib.error.URLError, OSError) as e:
        raise ClusterNotFound(f"{what}: the Kubernetes API at {api_server} did not answer ({e})") from None
    text = (body.get("data") or {}).get(DRIVER_CONF_KEY)
    if not isinstance(text, str):
        raise ClusterNotFound(f"ConfigMap {name} in namespace {namespace} has no key {DRIVER_CONF_KEY}")
    return parse_properties(text)


_ESCAPES = {"t": "\t", "n": "\n", "r": "\r", "f": "\f"}


def parse_properties(text: str) -> dict:
    """Java ``.properties`` as ``java.util.Properties.store`` writes them (escapes, continuations)."""
    props = {}
    logical = ""
    for raw in text.splitlines():
        line = raw.lstrip()
        if not logical and (not line or line[0] in "#!"):
            continue
        trailing = len(line) - len(line.rstrip("\\"))
        if trailing % 2 == 1:
            logical += line[:-1]
            continue
        logical += line
        key, value = _split_property(logical)
        props[key] = value
        logical = ""
    if logical:
        key, value = _split_property(logical)
        props[key] = value
    return props


def _split_property(line: str):
    # The key ends at the first unescaped '=', ':' or blank; one '=' or ':' may follow the blanks.
    i = 0
    while i < len(line) and line[i] not in "=: \t\f":
        i += 2 if line[i] == "\\" else 1
    rest = line[i:].lstrip(" \t\f")
    if rest[:1] in ("=", ":"):
        rest = rest[1:].lstrip(" \t\f")
    return _unescape(line[:i]), _unescape(rest)


def _unescape(s: str) -> str:
    def repl(m):
        c = m.group(1)
        if c.startswith("u"):
            return chr(int(c[1:], 16))
        return _ESCAPES.get(c, c)

    return re.sub(r"\\(u[0-9a-fA-F]{4}|.)", repl, s)


# --- versions -------------------------------------------------------------------------------


def pyspark_version() -> str:
    import pyspark

    return pyspark.__version__


def spark_home(env: Mapping[str, str] = os.environ) -> Path:
    """The Spark runtime the cluster runs: ``SPARK_HOME``, else the one this source tree builds."""
    if env.get("SPARK_HOME", "").strip():
        return Path(env["SPARK_HOME"])
    home = Path(env.get("APPSPARK_HOME", "").strip() or _HERE.parent)
    return home / "spark-dist" / "target" / "spark-home"


def spark_home_version(home: Path) -> Optional[str]:
    """The version of the Spark jars in ``home``, as spark-core's build recorded it; None if unknown."""
    cores = sorted((home / "jars").glob("spark-core_*.jar"))
    if not cores:
        return None
    with zipfile.ZipFile(cores[0]) as jar:
        for name in jar.namelist():
            if re.fullmatch(r"META-INF/maven/org\.apache\.spark/spark-core_[^/]+/pom\.properties", name):
                return parse_properties(jar.read(name).decode("utf-8")).get("version") or None
    return None


def check_versions(client_version: str, cluster_version: Optional[str]) -> None:
    """Raises :class:`VersionMismatch` unless the two versions are the same release."""
    if cluster_version is None:
        return
    if _release(client_version) != _release(cluster_version):
        raise VersionMismatch(client_version, cluster_version)


def _release(version: str) -> str:
    m = re.match(r"\d+\.\d+\.\d+", version.strip())
    return m.group(0) if m else version.strip()


def cluster_spark_version(env: Mapping[str, str] = os.environ) -> Optional[str]:
    """The Spark version the cluster runs, before any session exists: ``APPSPARK_SPARK_VERSION``
    (set on Kubernetes from the cluster's image), else that of its Spark runtime's jars.

    The master's ``/json/`` does not report a version; a Connect server's is asked live by
    :func:`connect_session`.
    """
    declared = env.get("APPSPARK_SPARK_VERSION", "").strip()
    return declared or spark_home_version(spark_home(env))


# --- sessions -------------------------------------------------------------------------------


def classic_session(app_name: str, conf: Optional[Mapping[str, str]] = None, env=os.environ):
    """A SparkSession whose driver runs here and whose executors run on the cluster's workers.

    Every ``spark.*`` setting of the cluster's connection file is applied (``conf`` wins), so the
    notebook is a driver like any other of the app.
    """
    cluster = locate(env)
    check_versions(pyspark_version(), cluster_spark_version(env))
    # An image may ship a ready SPARK_HOME for drivers (the JupyterLab image: pyspark's scripts
    # beside the cluster's jars, on a read-only root file system).
    prepared = env.get("APPSPARK_NOTEBOOK_SPARK_HOME", "").strip()
    os.environ["SPARK_HOME"] = prepared or str(_launchable_spark_home(spark_home(env)))
    from pyspark.sql import SparkSession

    settings = driver_settings(cluster, conf, env)
    if "spark.pyspark.python" in settings:
        # PySpark's driver takes the executors' Python from this variable, not from the setting.
        os.environ.setdefault("PYSPARK_PYTHON", settings["spark.pyspark.python"])
    builder = SparkSession.builder.master(cluster.master_url).appName(app_name)
    for key, value in settings.items():
        builder = builder.config(key, value)
    return builder.getOrCreate()


def driver_settings(
    cluster: Cluster, conf: Optional[Mapping[str, str]] = None, env: Mapping[str, str] = os.environ
) -> dict:
    """The settings of a classic driver: all of the cluster's ``spark.*`` settings, what the pod's
    environment says (Kubernetes: the driver's address and ports, the cluster's auth secret),
    then ``conf``."""
    settings = dict(cluster.spark_conf)
    if cluster.local:
        # Executors start Python workers for Python code (UDFs, RDD lambdas): on a local cluster
        # they can use this very interpreter, which has the matching pyspark.
        settings.setdefault("spark.pyspark.python", sys.executable)
        settings.setdefault("spark.pyspark.driver.python", sys.executable)
    for variable, key in _DRIVER_ENV.items():
        if env.get(variable, "").strip():
            settings[key] = env[variable].strip()
    secret = auth_secret(cluster, env)
    if secret:
        settings["spark.authenticate"] = "true"
        settings["spark.network.crypto.enabled"] = "true"
        settings["spark.authenticate.secret"] = secret
    if "spark.driver.host" in settings:
        settings.setdefault("spark.driver.bindAddress", "0.0.0.0")
    settings.update(conf or {})
    return settings


def auth_secret(cluster: Cluster, env: Mapping[str, str] = os.environ) -> str:
    """The cluster's RPC secret (``spark.authenticate``): ``APPSPARK_AUTH_SECRET`` (Kubernetes,
    from the Secret ``<cluster>-spark-auth``), else the local cluster's secret file, which only the
    user who started the cluster can read; empty for a cluster that does not authenticate."""
    if env.get("APPSPARK_AUTH_SECRET", "").strip():
        return env["APPSPARK_AUTH_SECRET"].strip()
    if not cluster.auth_secret_file:
        return ""
    path = Path(cluster.auth_secret_file)
    try:
        props = parse_properties(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ClusterNotFound(
            f"cluster '{cluster.name}' requires authentication but its secret file {path} is "
            f"missing: is the cluster running? (./appspark status)"
        ) from None
    except PermissionError:
        raise ClusterNotFound(
            f"cannot read the secret file {path} of cluster '{cluster.name}': only the user who "
            f"started the cluster can"
        ) from None
    return props.get("spark.authenticate.secret", "").strip()


# Set by the JupyterLab deployment: executors on worker pods connect back to the notebook's pod.
_DRIVER_ENV = {
    "APPSPARK_DRIVER_HOST": "spark.driver.host",
    "APPSPARK_DRIVER_PORT": "spark.driver.port",
    "APPSPARK_BLOCK_MANAGER_PORT": "spark.blockManager.port",
}


def connect_session(env=os.environ):
    """A Spark Connect session on the cluster's Connect server (no JVM in the notebook)."""
    cluster = locate(env)
    if not cluster.connect_url:
        raise ClusterNotFound(
            f"cluster '{cluster.name}' runs no Spark Connect server: start it with "
            f"'./appspark up --connect' (or 'connect: {{enabled: true}}' in its spec), "
            f"or set APPSPARK_CONNECT_URL"
        )
    check_plaintext_connect(cluster.connect_url, env)
    check_versions(pyspark_version(), cluster_spark_version(env))
    from pyspark.sql import SparkSession

    spark = SparkSession.builder.remote(cluster.connect_url).getOrCreate()
    try:
        check_versions(pyspark_version(), spark.version)
    except VersionMismatch:
        spark.stop()
        raise
    return spark


def check_plaintext_connect(connect_url: str, env: Mapping[str, str] = os.environ) -> None:
    """Refuses a Spark Connect token meant for a server that has none.

    appspark's Connect server serves plaintext gRPC without a token (its NetworkPolicy admits
    only the cluster's clients). A PySpark 4 client given a token, in the URL or in
    ``SPARK_CONNECT_AUTHENTICATE_TOKEN``, insists on TLS and fails against it with an obscure
    handshake error; this says so first. A URL that asks for TLS (``use_ssl=true``) is left alone.
    """
    params = {p.split("=", 1)[0].lower(): p.split("=", 1)[-1] for p in connect_url.split(";")[1:]}
    if params.get("use_ssl", "").lower() == "true":
        return
    if env.get("SPARK_CONNECT_AUTHENTICATE_TOKEN", "").strip() or params.get("token"):
        where = "the URL's ;token=" if params.get("token") else "SPARK_CONNECT_AUTHENTICATE_TOKEN"
        raise ClusterNotFound(
            f"{where} is set, so PySpark would require TLS, but the cluster's Connect server at "
            f"{connect_url.split(';')[0]} serves plaintext without a token: unset it (the "
            f"JupyterLab component does not set it), or add ';use_ssl=true' for a server with TLS"
        )


def _launchable_spark_home(home: Path) -> Path:
    """A SPARK_HOME PySpark can start a driver JVM from.

    PySpark starts its JVM through ``$SPARK_HOME/bin/spark-submit``. appspark's Spark runtime is
    assembled from Maven artifacts and has the jars but no scripts, so the scripts of the installed
    pyspark (the same release, checked above) are put beside the cluster's jars and conf.
    """
    if (home / "bin" / "spark-submit").exists():
        return home
    import pyspark

    scripts = Path(pyspark.__file__).parent / "bin"
    overlay = Path(sys.prefix) / "appspark-spark-home" / _slug(home)
    overlay.mkdir(parents=True, exist_ok=True)
    for name, target in (("bin", scripts), ("jars", home / "jars"), ("conf", home / "conf")):
        link = overlay / name
        if link.is_symlink() and Path(os.readlink(link)) != target:
            link.unlink()
        if not link.exists() and target.exists():
            link.symlink_to(target)
    return overlay


def _slug(path: Path) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "-", str(path.resolve())).strip("-")[-80:]


# --- the app's storage ----------------------------------------------------------------------


def storage_path(dataset: str, env: Mapping[str, str] = os.environ) -> str:
    """Where the app keeps a data set: under ``APPSPARK_STORAGE`` (a path or a URI such as
    ``s3a://bucket/app``), else, locally, the state directory's ``storage/<cluster>/``."""
    base = env.get("APPSPARK_STORAGE", "").strip()
    if not base:
        name = env.get("APPSPARK_CLUSTER", "").strip() or DEFAULT_CLUSTER
        base = str(state_directory(env) / "storage" / name)
    return base.rstrip("/") + "/" + dataset
