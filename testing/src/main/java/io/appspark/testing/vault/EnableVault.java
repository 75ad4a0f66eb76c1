package io.appspark.testing.vault;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Runs a real HashiCorp Vault server (built by {@code testing/vault/build.sh}) in dev mode on
 * loopback with TLS, once per test run, and injects {@link VaultServer} into constructors and
 * methods. Dev mode keeps everything in memory and starts unsealed, with a root token and a KV v2
 * engine at {@code secret/}.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(VaultExtension.class)
public @interface EnableVault {}
