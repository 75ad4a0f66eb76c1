package io.appspark.testing.kubernetes;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ExtensionContext.Namespace;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * See {@link EnableControlPlane}. The control plane lives in the root context's store, so JUnit
 * stops it when the whole run ends; each test class's namespace and client live in the class's
 * store and go when the class is done.
 */
public class ControlPlaneExtension
    implements BeforeAllCallback, AfterAllCallback, ParameterResolver {
  /** Where the scripts are, when not found above the working directory. */
  public static final String SCRIPTS_PROPERTY = "appspark.control-plane.dir";

  static final Namespace STORE = Namespace.create(ControlPlaneExtension.class);

  @Override
  public void beforeAll(ExtensionContext context) {
    prepare(context);
  }

  /**
   * The class's namespace and client, made once: before all its tests, or earlier when a class with
   * a per-class lifecycle gets them in its constructor.
   */
  private void prepare(ExtensionContext context) {
    ExtensionContext.Store store = context.getStore(STORE);
    if (store.get(TestNamespace.class) != null) {
      return;
    }
    ControlPlane plane = controlPlane(context);
    String name = namespaceName(context.getRequiredTestClass());
    KubernetesClient client = plane.newClient();
    client
        .namespaces()
        .resource(new NamespaceBuilder().withNewMetadata().withName(name).endMetadata().build())
        .create();
    store.put(TestNamespace.class, new TestNamespace(name));
    store.put(KubernetesClient.class, client);
  }

  @Override
  public void afterAll(ExtensionContext context) {
    ExtensionContext.Store store = context.getStore(STORE);
    TestNamespace namespace = store.get(TestNamespace.class, TestNamespace.class);
    KubernetesClient client = store.get(KubernetesClient.class, KubernetesClient.class);
    if (namespace != null && client != null) {
      client.namespaces().withName(namespace.name()).delete();
    }
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    Class<?> type = parameter.getParameter().getType();
    return type == KubernetesClient.class
        || type == ControlPlane.class
        || type == TestNamespace.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    Class<?> type = parameter.getParameter().getType();
    if (type == ControlPlane.class) {
      return controlPlane(context);
    }
    // Stores look up their parents': a test method's context sees its class's values.
    if (context.getTestMethod().isEmpty()) {
      prepare(context);
    }
    Object value = context.getStore(STORE).get(type);
    if (value == null) {
      throw new ParameterResolutionException(
          type.getSimpleName() + " is only available in classes annotated @EnableControlPlane");
    }
    return value;
  }

  /**
   * The control plane the test class runs against: kwok's here, one with a real node in a subclass.
   */
  ControlPlane controlPlane(ExtensionContext context) {
    return started(context, ControlPlaneProcess.Bed.KWOK).controlPlane();
  }

  /** The test bed of this kind for the whole run, started by the first class that asks. */
  static ControlPlaneProcess started(ExtensionContext context, ControlPlaneProcess.Bed bed) {
    ExtensionContext.Store root = context.getRoot().getStore(STORE);
    return root.getOrComputeIfAbsent(
        bed,
        key -> {
          try {
            return ControlPlaneProcess.start(scripts(), bed);
          } catch (IOException e) {
            throw new UncheckedIOException("cannot start the control plane", e);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted starting the control plane", e);
          }
        },
        ControlPlaneProcess.class);
  }

  static Path scripts() {
    String given = System.getProperty(SCRIPTS_PROPERTY);
    if (given != null) {
      return Path.of(given);
    }
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      Path candidate = dir.resolve("testing/control-plane");
      if (Files.isExecutable(candidate.resolve("start.sh"))) {
        return candidate;
      }
    }
    throw new IllegalStateException(
        "testing/control-plane/start.sh not found above "
            + Path.of("").toAbsolutePath()
            + "; set -D"
            + SCRIPTS_PROPERTY);
  }

  /** it-&lt;class&gt;-&lt;random&gt;, a DNS label of at most 63 characters. */
  static String namespaceName(Class<?> testClass) {
    String base =
        testClass.getSimpleName().replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
    base = base.replaceAll("[^a-z0-9-]", "-");
    if (base.length() > 48) {
      base = base.substring(0, 48);
    }
    String suffix = Integer.toString(ThreadLocalRandom.current().nextInt(36 * 36 * 36 * 36), 36);
    return ("it-" + base + "-" + suffix).replaceAll("-+", "-");
  }
}
