package ${package};

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ${package}.secrets.AppSecrets;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AppConfigTest {
  @Test
  void readsTheClustersDriverSettingsAndThePodAddress(@TempDir Path dir) throws IOException {
    Path conf = dir.resolve("driver-defaults.conf");
    Files.writeString(conf, "spark.executor.cores=1\nspark.dynamicAllocation.enabled=true\n");

    Map<String, String> env =
        Map.of("APPSPARK_DRIVER_CONF", conf.toString(), "SPARK_DRIVER_HOST", "10.0.0.7");
    AppConfig config = AppConfig.from(env, AppSecrets.resolver(env));

    assertThat(config.driverConf())
        .containsEntry("spark.executor.cores", "1")
        .containsEntry("spark.driver.host", "10.0.0.7");
    assertThat(config.httpPort()).isEqualTo(8080);
  }

  @Test
  void aBadPortNamesTheVariable() {
    Map<String, String> env = Map.of("HTTP_PORT", "80a");
    assertThatThrownBy(() -> AppConfig.from(env, AppSecrets.resolver(env)))
        .hasMessageStartingWith("HTTP_PORT:");
  }
}
