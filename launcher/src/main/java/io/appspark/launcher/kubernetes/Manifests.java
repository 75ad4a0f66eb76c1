package io.appspark.launcher.kubernetes;

import io.appspark.launcher.kubernetes.model.ClusterModel;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A cluster's objects as multi-document YAML for kubectl and GitOps: the same input gives the same
 * text. Worker pods are not in it: the autoscaler creates them; {@code up --kubernetes} creates the
 * minimum.
 */
public final class Manifests {
  private Manifests() {}

  public static String yaml(ClusterModel model) {
    return yaml(model.clusterObjects());
  }

  static String yaml(List<HasMetadata> objects) {
    return objects.stream()
        .map(Serialization::asYaml)
        .map(doc -> doc.startsWith("---") ? doc : "---\n" + doc)
        .collect(Collectors.joining());
  }
}
