package io.appspark.e2e;

import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import java.util.List;
import java.util.Map;

/**
 * A Spark driver in a pod of the app, as an app team runs one: the Spark image's {@code driver}
 * role in client mode, attached by the cluster's Service name, with the cluster's RPC secret from
 * its Secret and the driver settings of the cluster's ConfigMap ({@code driver-defaults.conf}),
 * labelled as the app's so that the cluster's NetworkPolicy admits it.
 */
record DriverPod(String name, String cluster, String app, String image, List<String> args) {
  static final String CONTAINER = "driver";
  private static final String CONF_MOUNT = "/opt/spark/conf-mounted";

  Pod pod() {
    return new PodBuilder()
        .withNewMetadata()
        .withName(name)
        .withLabels(Map.of("app", app))
        .endMetadata()
        .withNewSpec()
        .withRestartPolicy("Never")
        .withEnableServiceLinks(false)
        .withNewSecurityContext()
        .withRunAsNonRoot(true)
        .withNewSeccompProfile()
        .withType("RuntimeDefault")
        .endSeccompProfile()
        .endSecurityContext()
        .addNewContainer()
        .withName(CONTAINER)
        .withImage(image)
        .withImagePullPolicy("Never")
        .withArgs(args)
        .withEnv(env())
        .withNewResources()
        .withLimits(Map.of("memory", new Quantity("1536Mi")))
        .endResources()
        .withNewSecurityContext()
        .withAllowPrivilegeEscalation(false)
        .withReadOnlyRootFilesystem(true)
        .withNewCapabilities()
        .withDrop("ALL")
        .endCapabilities()
        .endSecurityContext()
        .addNewVolumeMount()
        .withName("tmp")
        .withMountPath("/tmp")
        .endVolumeMount()
        .addNewVolumeMount()
        .withName("driver-conf")
        .withMountPath(CONF_MOUNT)
        .endVolumeMount()
        .endContainer()
        .addNewVolume()
        .withName("tmp")
        .withNewEmptyDir()
        .endEmptyDir()
        .endVolume()
        .addNewVolume()
        .withName("driver-conf")
        .withNewConfigMap()
        .withName(cluster + "-spark-conf")
        .addNewItem()
        .withKey("driver-defaults.conf")
        .withPath("spark-defaults.conf")
        .endItem()
        .endConfigMap()
        .endVolume()
        .endSpec()
        .build();
  }

  private List<EnvVar> env() {
    return List.of(
        new EnvVarBuilder().withName("APPSPARK_CLUSTER").withValue(cluster).build(),
        // The client reads the cluster's driver settings from this file (the key mounted below);
        // without it, it would need the service account's right to get the ConfigMap.
        new EnvVarBuilder()
            .withName("APPSPARK_DRIVER_CONF")
            .withValue(CONF_MOUNT + "/spark-defaults.conf")
            .build(),
        new EnvVarBuilder()
            .withName("APPSPARK_MASTER_URL")
            .withValue("spark://" + cluster + "-spark-master:7077")
            .build(),
        new EnvVarBuilder()
            .withName("APPSPARK_AUTH_SECRET")
            .withNewValueFrom()
            .withNewSecretKeyRef()
            .withName(cluster + "-spark-auth")
            .withKey("secret")
            .endSecretKeyRef()
            .endValueFrom()
            .build(),
        new EnvVarBuilder()
            .withName("SPARK_LOCAL_IP")
            .withNewValueFrom()
            .withNewFieldRef()
            .withFieldPath("status.podIP")
            .endFieldRef()
            .endValueFrom()
            .build());
  }
}
