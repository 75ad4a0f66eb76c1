#!/usr/bin/env python3
"""Writes the archetype's cluster objects from `appspark render`, the launcher's model.

    python3 app-template/render-deploy.py APPSPARK_COMMAND

renders the archetype's appspark.yaml (its ${artifactId} replaced by a placeholder name) with the
autoscaler, then writes:
- deploy/base/spark-cluster.yaml: the objects without namespace and ownerReferences, the
  placeholder back to ${artifactId}, the image to ${sparkImage};
- deploy/openshift/template.yaml: the Template's objects other than the app's own Deployment,
  Service and Secret (written by hand there) replaced by the same objects with ${APP_NAME},
  ${NAMESPACE}, ${SPARK_IMAGE} and the workers' bounds (in the spec and the autoscaler's
  environment) as parameters.
Run it after the launcher's Kubernetes model changes; KustomizeManifestsIT and OpenShiftTemplateIT
compare the files with render's output.
"""
import re
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
RESOURCES = HERE / "src/main/resources/archetype-resources"
APP = "zzappnamezz"
NS = "zznamespacezz"
UID = "00000000-0000-0000-0000-000000000000"


class Dumper(yaml.SafeDumper):
    pass


def _str(dumper, value):
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


Dumper.add_representer(str, _str)


def dump(data):
    return yaml.dump(data, Dumper=Dumper, sort_keys=False, width=100, default_flow_style=False)


def render(command):
    spec = (RESOURCES / "appspark.yaml").read_text().replace("${artifactId}", APP)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "appspark.yaml"
        path.write_text(spec)
        out = subprocess.run(
            [command, "render", "-n", NS, "-f", str(path), "--owner", "deployment/" + APP,
             "--owner-uid", UID, "--owner-label", "app=" + APP],
            check=True, capture_output=True, text=True, cwd=tmp).stdout
    objects = [o for o in yaml.safe_load_all(out) if o]
    for o in objects:
        o["metadata"].pop("namespace", None)
        o["metadata"].pop("ownerReferences", None)
    return objects


def image_of(objects):
    for o in objects:
        if o["kind"] == "Deployment":
            return o["spec"]["template"]["spec"]["containers"][0]["image"]
    raise SystemExit("no Deployment in render's output")


def base(objects):
    image = image_of(objects)
    for o in objects:
        if o["kind"] == "RoleBinding":
            for s in o["subjects"]:
                s.pop("namespace", None)
    text = "---\n".join(dump(o) for o in objects)
    text = text.replace(APP, "${artifactId}").replace(image, "${sparkImage}")
    header = (
        "# The in-app Spark cluster and its autoscaler, as `appspark render` makes them for\n"
        "# ../../appspark.yaml (app-template/render-deploy.py writes this file), without the\n"
        "# ownerReferences (the owner's uid is not known before it exists: the autoscaler's leader\n"
        "# adopts these objects for the app's Deployment, so deleting it removes them all) and\n"
        "# without a namespace (the kustomization sets it).\n"
        "# Worker pods are not here: the autoscaler creates them. The Secret ${artifactId}-spark-auth\n"
        "# is not here either: create it before applying (see ../../README.md).\n"
    )
    (RESOURCES / "deploy/base/spark-cluster.yaml").write_text(header + "---\n" + text)


def template(objects):
    image = image_of(objects)
    for o in objects:
        if o["kind"] == "RoleBinding":
            for s in o["subjects"]:
                s["namespace"] = NS
    text = dump(objects)
    text = text.replace(APP, "${APP_NAME}").replace(NS, "${NAMESPACE}")
    text = text.replace(image, "${SPARK_IMAGE}")
    rendered = yaml.safe_load(text)
    for o in rendered:
        if o["kind"] == "ConfigMap" and o["metadata"]["name"] == "${APP_NAME}-spec":
            spec = o["data"]["appspark.yaml"]
            spec = re.sub(r"(?m)^  min: \d+$", "  min: ${WORKERS_MIN}", spec)
            spec = re.sub(r"(?m)^  max: \d+$", "  max: ${WORKERS_MAX}", spec)
            spec = re.sub(r"(?m)^  initial: \d+$", "  initial: ${WORKERS_MIN}", spec)
            o["data"]["appspark.yaml"] = spec
        if o["kind"] == "Deployment" and o["metadata"]["name"] == "${APP_NAME}-autoscaler":
            for e in o["spec"]["template"]["spec"]["containers"][0]["env"]:
                if e["name"] == "APPSPARK_AUTOSCALER_MIN_WORKERS":
                    e["value"] = "${WORKERS_MIN}"
                if e["name"] == "APPSPARK_AUTOSCALER_MAX_WORKERS":
                    e["value"] = "${WORKERS_MAX}"
    path = RESOURCES / "deploy/openshift/template.yaml"
    source = path.read_text()
    head, body = source.split("\napiVersion: template.openshift.io/v1\n", 1)
    document = yaml.safe_load("apiVersion: template.openshift.io/v1\n" + body)
    own = [
        o for o in document["objects"]
        if o["metadata"]["name"] == "${APP_NAME}" or o["kind"] == "Secret"
    ]
    document["objects"] = own + rendered
    path.write_text(head + "\n" + dump(document))


def main():
    if len(sys.argv) != 2:
        raise SystemExit(__doc__)
    objects = render(sys.argv[1])
    base(yaml.safe_load(dump(objects)))
    template(yaml.safe_load(dump(objects)))


if __name__ == "__main__":
    main()
