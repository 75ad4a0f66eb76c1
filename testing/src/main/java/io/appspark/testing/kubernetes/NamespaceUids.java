package io.appspark.testing.kubernetes;

import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * OpenShift's arbitrary UIDs on plain Kubernetes, for one test namespace: every pod created there
 * runs as a UID chosen for the namespace (from OpenShift's project range, 1000000000 and up, in
 * steps of 10000), group 0, whatever its image says. A MutatingAdmissionPolicy does it, as the
 * restricted SCC's admission does on OpenShift. Close to remove the policy (it is cluster-wide).
 */
public final class NamespaceUids implements AutoCloseable {
  private static final String TEMPLATE = "namespace-uid-policy.yaml";

  private final KubernetesClient admin;
  private final List<HasMetadata> objects;
  private final long uid;

  private NamespaceUids(KubernetesClient admin, List<HasMetadata> objects, long uid) {
    this.admin = admin;
    this.objects = objects;
    this.uid = uid;
  }

  /** Gives the namespace its UID; returns once the apiserver applies it to new pods. */
  public static NamespaceUids assign(KubernetesClient admin, String namespace) {
    long uid = 1_000_000_000L + 10_000L * ThreadLocalRandom.current().nextInt(1, 100_000);
    String yaml =
        template()
            .replace("NAMESPACE", namespace)
            .replace("NAME", "appspark-test-uid-" + namespace)
            .replace("UID", Long.toString(uid));
    List<HasMetadata> objects = admin.load(asStream(yaml)).items();
    objects.forEach(o -> admin.resource(o).create());
    NamespaceUids uids = new NamespaceUids(admin, objects, uid);
    // The apiserver picks new policies up asynchronously: a dry run shows when it does.
    await("the namespace's UID policy in force")
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(200))
        .until(() -> uid == dryRunUid(admin, namespace));
    return uids;
  }

  public long uid() {
    return uid;
  }

  @Override
  public void close() {
    objects.forEach(o -> admin.resource(o).delete());
  }

  private static long dryRunUid(KubernetesClient admin, String namespace) {
    Pod probe =
        new PodBuilder()
            .withNewMetadata()
            .withName("uid-probe")
            .endMetadata()
            .withNewSpec()
            .addNewContainer()
            .withName("probe")
            .withImage("probe:1")
            .endContainer()
            .endSpec()
            .build();
    Pod seen = admin.pods().inNamespace(namespace).resource(probe).dryRun().create();
    Long runAs =
        seen.getSpec().getSecurityContext() == null
            ? null
            : seen.getSpec().getSecurityContext().getRunAsUser();
    return runAs == null ? -1 : runAs;
  }

  private static String template() {
    try (InputStream in = NamespaceUids.class.getResourceAsStream(TEMPLATE)) {
      if (in == null) {
        throw new IllegalStateException(TEMPLATE + " missing from the classpath");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static InputStream asStream(String text) {
    return new java.io.ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
  }
}
