"""Tests of appspark_notebook: finding the cluster, the driver settings, and the version check.

The tests marked live need a running local cluster with a Spark Connect server, found through the
environment (run-tests.sh starts one); the mismatched-client test also needs a different PySpark
installed at $APPSPARK_MISMATCHED_CLIENT (run-tests.sh installs pyspark-client 4.1.3 there).
"""

import os
import subprocess
import sys
import tempfile
import unittest
from pathlib import Path
from unittest import mock

NOTEBOOKS = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(NOTEBOOKS))

import appspark_notebook as appspark  # noqa: E402

LIVE = bool(os.environ.get("APPSPARK_CLUSTER")) and bool(os.environ.get("APPSPARK_STATE_DIR"))
OTHER_VERSION = "4.1.3"

CONNECTION_FILE = """#appspark in-app cluster connection: how drivers attach to cluster shop
appspark.cluster.name=shop
appspark.master.url=spark\\://127.0.0.1\\:7177
appspark.master.webUrl=http\\://127.0.0.1\\:8180
appspark.connect.url=sc\\://127.0.0.1\\:15002
spark.executor.cores=1
spark.plugins=io.appspark.autoscaler.DriverPlugin
spark.driver.extraJavaOptions=-Da\\=b \\
    -Dc\\=d
"""


class FindingTheCluster(unittest.TestCase):
    def setUp(self):
        self.state = Path(tempfile.mkdtemp())
        cluster_dir = self.state / "clusters" / "shop"
        cluster_dir.mkdir(parents=True)
        self.file = cluster_dir / "connection.properties"
        self.file.write_text(CONNECTION_FILE)

    def test_a_local_cluster_is_found_by_name_in_the_state_directory(self):
        cluster = appspark.locate({"APPSPARK_STATE_DIR": str(self.state), "APPSPARK_CLUSTER": "shop"})
        self.assertEqual(cluster.master_url, "spark://127.0.0.1:7177")
        self.assertEqual(cluster.connect_url, "sc://127.0.0.1:15002")
        self.assertEqual(cluster.spark_conf["spark.driver.extraJavaOptions"], "-Da=b -Dc=d")

    def test_the_connection_file_wins_over_the_master_url(self):
        cluster = appspark.locate(
            {"APPSPARK_CONNECTION_FILE": str(self.file), "APPSPARK_MASTER_URL": "spark://elsewhere:7077"}
        )
        self.assertEqual(cluster.name, "shop")

    def test_on_kubernetes_the_environment_says_where_the_cluster_is(self):
        cluster = appspark.locate(
            {"APPSPARK_MASTER_URL": "spark://my-app-spark-master:7077",
             "APPSPARK_CONNECT_URL": "sc://my-app-spark-connect:15002", "APPSPARK_CLUSTER": "my-app"}
        )
        self.assertEqual(cluster.connect_url, "sc://my-app-spark-connect:15002")
        self.assertFalse(cluster.local)

    def test_a_missing_cluster_says_how_to_start_one(self):
        with self.assertRaisesRegex(appspark.ClusterNotFound, r"cluster 'nope'.*\./appspark up --connect"):
            appspark.locate({"APPSPARK_STATE_DIR": str(self.state), "APPSPARK_CLUSTER": "nope"})

    def test_a_classic_driver_gets_every_spark_setting_of_the_cluster(self):
        cluster = appspark.locate({"APPSPARK_CONNECTION_FILE": str(self.file)})
        settings = appspark.driver_settings(cluster, {"spark.executor.cores": "2"})
        # spark.plugins is how the autoscaler's driver plugin arrives: it must reach the builder.
        self.assertEqual(settings["spark.plugins"], "io.appspark.autoscaler.DriverPlugin")
        self.assertEqual(settings["spark.executor.cores"], "2")
        self.assertTrue(set(cluster.spark_conf) <= set(settings))

    def test_a_local_clusters_secret_is_read_from_the_file_its_connection_names(self):
        secret_file = self.file.parent / "spark-auth.conf"
        secret_file.write_text("spark.authenticate.secret=abc123\n")
        self.file.write_text(CONNECTION_FILE + f"appspark.auth.secretFile={secret_file}\n")
        cluster = appspark.locate({"APPSPARK_CONNECTION_FILE": str(self.file)})
        self.assertNotIn("abc123", repr(cluster))
        settings = appspark.driver_settings(cluster, env={})
        self.assertEqual(settings["spark.authenticate"], "true")
        self.assertEqual(settings["spark.network.crypto.enabled"], "true")
        self.assertEqual(settings["spark.authenticate.secret"], "abc123")

    def test_a_missing_secret_file_says_so_and_names_the_file(self):
        missing = self.file.parent / "spark-auth.conf"
        self.file.write_text(CONNECTION_FILE + f"appspark.auth.secretFile={missing}\n")
        cluster = appspark.locate({"APPSPARK_CONNECTION_FILE": str(self.file)})
        with self.assertRaisesRegex(appspark.ClusterNotFound, "secret file .*spark-auth.conf is missing"):
            appspark.driver_settings(cluster, env={})

    def test_on_kubernetes_the_driver_is_reachable_and_authenticated(self):
        env = {"APPSPARK_MASTER_URL": "spark://m:7077", "APPSPARK_DRIVER_HOST": "10.1.2.3",
               "APPSPARK_DRIVER_PORT": "7078", "APPSPARK_AUTH_SECRET": "s3cret"}
        settings = appspark.driver_settings(appspark.locate(env), env=env)
        self.assertEqual(settings["spark.driver.host"], "10.1.2.3")
        self.assertEqual(settings["spark.driver.port"], "7078")
        self.assertEqual(settings["spark.authenticate.secret"], "s3cret")
        self.assertNotIn("spark.pyspark.python", settings)


class TheDriverSettingsOnKubernetes(unittest.TestCase):
    CONF = "spark.dynamicAllocation.enabled=true\nspark.plugins=io.appspark.sparkplugin.AutoscalerPlugin\n"

    def setUp(self):
        self.dir = Path(tempfile.mkdtemp())
        self.requests = []

    def _serve(self, status, body):
        import http.server
        import json
        import threading

        seen = self.requests

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                seen.append((self.path, self.headers.get("Authorization")))
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        self.addCleanup(server.server_close)
        self.addCleanup(server.shutdown)
        return f"http://127.0.0.1:{server.server_port}"

    def _account(self, token="t0k3n", namespace="team-a"):
        account = self.dir / "account"
        account.mkdir()
        (account / "token").write_text(token + "\n")
        (account / "namespace").write_text(namespace)
        return account

    def test_a_mounted_driver_conf_reaches_the_classic_driver(self):
        conf = self.dir / "driver-defaults.conf"
        conf.write_text(self.CONF)
        env = {"APPSPARK_MASTER_URL": "spark://shop-spark-master:7077", "APPSPARK_CLUSTER": "shop",
               "APPSPARK_DRIVER_CONF": str(conf)}
        settings = appspark.driver_settings(appspark.locate(env), env=env)
        self.assertEqual(settings["spark.dynamicAllocation.enabled"], "true")
        self.assertEqual(settings["spark.plugins"], "io.appspark.sparkplugin.AutoscalerPlugin")

    def test_a_missing_mounted_file_names_the_config_map(self):
        with self.assertRaisesRegex(appspark.ClusterNotFound, r"APPSPARK_DRIVER_CONF=.*ConfigMap shop-spark-conf"):
            appspark.kubernetes_driver_conf("shop", {"APPSPARK_DRIVER_CONF": str(self.dir / "nope")})

    def test_outside_kubernetes_there_are_none(self):
        self.assertEqual(appspark.kubernetes_driver_conf("shop", {}, self.dir), {})

    def test_the_config_map_is_read_through_the_api_with_the_pods_token(self):
        api = self._serve(200, {"data": {"driver-defaults.conf": self.CONF}})
        conf = appspark.kubernetes_driver_conf("shop", {}, self._account(), api)
        self.assertEqual(conf["spark.dynamicAllocation.enabled"], "true")
        self.assertEqual(self.requests, [("/api/v1/namespaces/team-a/configmaps/shop-spark-conf", "Bearer t0k3n")])

    def test_a_forbidden_read_says_what_to_grant_or_mount(self):
        api = self._serve(403, {"kind": "Status"})
        with self.assertRaises(appspark.ClusterNotFound) as raised:
            appspark.kubernetes_driver_conf("shop", {}, self._account(), api)
        message = str(raised.exception)
        self.assertIn("may not get configmaps/shop-spark-conf in namespace team-a", message)
        self.assertIn("APPSPARK_DRIVER_CONF", message)
        self.assertNotIn("t0k3n", message)

    def test_a_pod_without_token_or_file_is_told_both_ways(self):
        with self.assertRaisesRegex(appspark.ClusterNotFound, r"mount the key driver-defaults.conf of ConfigMap shop-spark-conf.*get configmaps/shop-spark-conf"):
            appspark.kubernetes_driver_conf("shop", {"KUBERNETES_SERVICE_HOST": "10.96.0.1"}, self.dir)


class TheConnectClientSpeaksPlaintext(unittest.TestCase):
    def test_a_token_for_a_plaintext_server_is_refused_in_plain_words(self):
        env = {"SPARK_CONNECT_AUTHENTICATE_TOKEN": "abc"}
        with self.assertRaisesRegex(appspark.ClusterNotFound, "SPARK_CONNECT_AUTHENTICATE_TOKEN is set.*plaintext"):
            appspark.check_plaintext_connect("sc://my-app-spark-connect:15002", env)
        with self.assertRaisesRegex(appspark.ClusterNotFound, "URL's ;token="):
            appspark.check_plaintext_connect("sc://h:15002/;token=abc", {})

    def test_no_token_or_a_tls_url_passes(self):
        appspark.check_plaintext_connect("sc://my-app-spark-connect:15002", {})
        appspark.check_plaintext_connect("sc://h:15002/;use_ssl=true;token=abc", {})


class TheVersionCheck(unittest.TestCase):
    def test_a_mismatch_is_reported_in_plain_words_with_the_fix(self):
        with self.assertRaises(appspark.VersionMismatch) as caught:
            appspark.check_versions("4.1.3", "4.2.0")
        self.assertTrue(
            str(caught.exception).startswith(
                "notebook has PySpark 4.1.3, the in-app cluster runs Spark 4.2.0: install pyspark==4.2.0"
            ),
            str(caught.exception),
        )

    def test_the_same_release_passes(self):
        appspark.check_versions("4.2.0", "4.2.0")

    def test_the_cluster_runtime_version_is_read_from_its_jars(self):
        self.assertEqual(appspark.spark_home_version(appspark.spark_home({})), appspark.pyspark_version())


@unittest.skipUnless(LIVE, "needs a running cluster (APPSPARK_STATE_DIR and APPSPARK_CLUSTER)")
class TheVersionCheckAgainstTheRunningCluster(unittest.TestCase):
    def test_a_classic_session_is_refused_before_any_jvm_starts(self):
        with mock.patch.object(appspark, "pyspark_version", return_value=OTHER_VERSION):
            with self.assertRaisesRegex(appspark.VersionMismatch, "install pyspark==4.2.0"):
                appspark.classic_session("mismatch")
        from pyspark import SparkContext

        self.assertIsNone(SparkContext._active_spark_context)

    def test_a_connect_session_is_refused_on_the_servers_own_word(self):
        # No version known beforehand (no runtime jars here): the Connect server is asked.
        env = dict(os.environ, SPARK_HOME="/nonexistent", APPSPARK_SPARK_VERSION="")
        with mock.patch.object(appspark, "pyspark_version", return_value=OTHER_VERSION):
            with self.assertRaisesRegex(
                appspark.VersionMismatch, f"notebook has PySpark {OTHER_VERSION}, the in-app cluster runs Spark 4.2.0"
            ):
                appspark.connect_session(env)

    @unittest.skipUnless(os.environ.get("APPSPARK_MISMATCHED_CLIENT"), "no mismatched client installed")
    def test_a_really_different_pyspark_client_is_refused(self):
        code = "import appspark_notebook as a, pyspark; print(pyspark.__version__); a.connect_session()"
        env = dict(os.environ, PYTHONPATH=os.environ["APPSPARK_MISMATCHED_CLIENT"] + os.pathsep + str(NOTEBOOKS))
        run = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=300)
        self.assertNotEqual(run.returncode, 0)
        self.assertIn(
            f"VersionMismatch: notebook has PySpark {OTHER_VERSION}, the in-app cluster runs Spark 4.2.0: "
            "install pyspark==4.2.0",
            run.stderr,
        )


@unittest.skipUnless(
    LIVE and os.environ.get("APPSPARK_TEST_SECRET_FILE"), "needs a running cluster whose spec names a secret file"
)
class SecretsOfTheConnectServer(unittest.TestCase):
    """run-tests.sh starts the cluster from a spec whose sparkConf names a secret by reference
    (file:, outside the state directory): Connect sessions get its value, nothing on disk or on a
    command line holds it."""

    KEY = "spark.appspark.notebooktest.secret"

    @classmethod
    def setUpClass(cls):
        cls.secret = Path(os.environ["APPSPARK_TEST_SECRET_FILE"]).read_text().strip()

    def test_a_connect_session_gets_the_value_of_the_specs_reference(self):
        spark = appspark.connect_session()
        try:
            self.assertEqual(spark.conf.get(self.KEY), self.secret)
        finally:
            spark.stop()

    def test_the_value_is_on_no_command_line_and_in_no_file_of_the_cluster(self):
        secret = self.secret.encode()
        command_lines = [p for p in Path("/proc").glob("[0-9]*/cmdline") if self._readable(p)]
        self.assertTrue(any(b"SparkConnectServer" in p.read_bytes() for p in command_lines))
        self.assertEqual([p for p in command_lines if secret in p.read_bytes()], [])
        state = Path(os.environ["APPSPARK_STATE_DIR"])
        files = [p for p in state.rglob("*") if p.is_file()]
        self.assertTrue(any(p.name == "connect.log" for p in files))
        self.assertEqual([str(p) for p in files if secret in p.read_bytes()], [])

    @staticmethod
    def _readable(path):
        try:
            path.read_bytes()
            return True
        except OSError:
            return False


class _Lines(unittest.TextTestResult):
    """Prints PASS/FAIL/SKIP lines that run-tests.sh counts."""

    def addSuccess(self, test):
        super().addSuccess(test)
        print(f"PASS {test.id()}", flush=True)

    def addFailure(self, test, err):
        super().addFailure(test, err)
        print(f"FAIL {test.id()}", flush=True)

    def addError(self, test, err):
        super().addError(test, err)
        print(f"FAIL {test.id()}", flush=True)

    def addSkip(self, test, reason):
        super().addSkip(test, reason)
        print(f"SKIP {test.id()}: {reason}", flush=True)


if __name__ == "__main__":
    unittest.main(testRunner=unittest.TextTestRunner(resultclass=_Lines, verbosity=0))
