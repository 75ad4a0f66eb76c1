package io.appspark.testing.kubernetes;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.Properties;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;

/** See {@link EnableRealNode}: {@link ControlPlaneExtension} on the bed with a real node. */
public final class RealNodeExtension extends ControlPlaneExtension {

  @Override
  ControlPlane controlPlane(ExtensionContext context) {
    return started(context, ControlPlaneProcess.Bed.REAL_NODE).controlPlane();
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == RealNode.class
        || super.supportsParameter(parameter, context);
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    if (parameter.getParameter().getType() != RealNode.class) {
      return super.resolveParameter(parameter, context);
    }
    ControlPlaneProcess bed = started(context, ControlPlaneProcess.Bed.REAL_NODE);
    try {
      Properties node = new Properties();
      try (var in = Files.newBufferedReader(bed.controlPlane().stateDir().resolve("node/env"))) {
        node.load(in);
      }
      return new RealNode(
          bed.controlPlane(),
          bed.startOutput("IMAGE"),
          node.getProperty("NODE_IP"),
          node.getProperty("PAUSE_IMAGE"));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the real node's env", e);
    }
  }
}
