package io.appspark.testing.kubernetes;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Runs the test class against a control plane with one real node (kubelet, containerd, CNI bridge,
 * kube-proxy, CoreDNS; {@code testing/node/}), the project's Spark image imported into its runtime:
 * started once per test run, stopped at its end. Pods run for real there: probes, mounts, DNS,
 * Services, SIGTERM and limits. The class gets its own namespace (deleted after it) and may take
 * {@link io.fabric8.kubernetes.client.KubernetesClient}, {@link ControlPlane}, {@link RealNode} and
 * {@link TestNamespace} as parameters.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(RealNodeExtension.class)
public @interface EnableRealNode {}
