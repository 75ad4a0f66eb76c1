#!/usr/bin/env bash
# Renders the JupyterLab component through the example app (kubectl kustomize) and checks what
# the cluster would get: it renders; no Secret and no secret value is in it (secretKeyRef only);
# the pod runs as non-root with no capabilities and no privilege escalation; it has resources; it
# carries the label appspark.io/client=<cluster> that the cluster's NetworkPolicy admits.
# Prints PASS/FAIL lines.
set -uo pipefail
deploy=$(cd "$(dirname "${BASH_SOURCE[0]}")/../deploy" && pwd)
kubectl=${KUBECTL:-$(command -v kubectl || echo "$HOME/.cache/appspark/kubernetes-v1.36.3/bin/kubectl")}

if ! rendered=$("$kubectl" kustomize "$deploy/example" 2>&1); then
  echo "FAIL deploy: kubectl kustomize $deploy/example: $rendered"
  exit 1
fi
echo "PASS deploy: kubectl kustomize renders the example app with the component"

check() { # description, extended regex that must (or, with !, must not) match
  local what=$1 pattern=$2
  if [ "${pattern:0:1}" = "!" ]; then
    if grep -Eq -- "${pattern:1}" <<<"$rendered"; then echo "FAIL deploy: $what"; else echo "PASS deploy: $what"; fi
  elif grep -Eq -- "$pattern" <<<"$rendered"; then echo "PASS deploy: $what"; else echo "FAIL deploy: $what"; fi
}
check "no Secret object with a literal in the manifests" '!^kind: Secret'
secret_envs=$(grep -A1 -E -- '- name: (APPSPARK_AUTH_SECRET|JUPYTER_TOKEN)$' <<<"$rendered" | grep -c 'valueFrom:')
if [ "$secret_envs" -eq 2 ]; then echo "PASS deploy: secrets come from secretKeyRef"; else echo "FAIL deploy: secrets come from secretKeyRef ($secret_envs of 2)"; fi
check "no Spark Connect token: the cluster's Connect server serves plaintext without one" '!SPARK_CONNECT_AUTHENTICATE_TOKEN'
check "classic drivers read the cluster's driver settings from its ConfigMap" 'name: my-app-spark-conf'
check "APPSPARK_DRIVER_CONF names the mounted driver-defaults.conf" 'value: /etc/appspark/driver/driver-defaults.conf' 
check "runs as non-root" 'runAsNonRoot: true'
check "drops all capabilities" '^ +- ALL$'
check "no privilege escalation" 'allowPrivilegeEscalation: false'
check "has resource requests and limits" 'limits:'
check "the master URL points at the app's cluster" 'APPSPARK_MASTER_URL: spark://my-app-spark-master:7077'
check "the Spark Connect URL points at the app's cluster" 'APPSPARK_CONNECT_URL: sc://my-app-spark-connect:15002'
check "the image is the app's choice" 'image: registry.example/my-team/appspark-jupyterlab:4.2.0'
check "the pod carries the label the cluster's NetworkPolicy admits" '^ +appspark.io/client: my-app$'
