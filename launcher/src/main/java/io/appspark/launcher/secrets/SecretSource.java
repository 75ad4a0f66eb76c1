package io.appspark.launcher.secrets;

/** Reads secret values by reference: a Vault server, Kubernetes Secrets, the environment. */
public interface SecretSource {
  /**
   * The value the reference points at.
   *
   * @throws SecretException naming the reference and the reason, never the value
   */
  String read(SecretReference reference);
}
