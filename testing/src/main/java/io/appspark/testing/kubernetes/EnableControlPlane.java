package io.appspark.testing.kubernetes;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Runs the test class against the real Kubernetes control plane of {@code testing/control-plane/}:
 * started once per test run, stopped at its end. The class gets its own namespace (deleted after
 * it) and may take {@link io.fabric8.kubernetes.client.KubernetesClient}, {@link ControlPlane} and
 * {@link TestNamespace} as parameters of its methods and constructor.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(ControlPlaneExtension.class)
public @interface EnableControlPlane {}
