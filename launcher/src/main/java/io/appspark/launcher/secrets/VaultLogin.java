package io.appspark.launcher.secrets;

import java.nio.file.Path;

/** How the launcher or an app logs in to Vault. */
public sealed interface VaultLogin {
  /** What an error message may say about the login: its method and mount, never a credential. */
  String describe();

  /** Whether a new token can be had by logging in again (not so for a given token). */
  default boolean canLogInAgain() {
    return true;
  }

  /** A token given as is (a developer's, or one a Vault agent wrote). */
  record Token(String token) implements VaultLogin {
    @Override
    public String describe() {
      return "token login";
    }

    @Override
    public boolean canLogInAgain() {
      return false;
    }

    @Override
    public String toString() {
      return "Token[redacted]";
    }
  }

  /** AppRole: a role id and a secret id, at {@code auth/<mount>}. */
  record AppRole(String mount, String roleId, String secretId) implements VaultLogin {
    @Override
    public String describe() {
      return "AppRole login at auth/" + mount;
    }

    @Override
    public String toString() {
      return "AppRole[mount=" + mount + ", roleId=" + roleId + ", secretId=redacted]";
    }
  }

  /**
   * Kubernetes: the pod's service-account token (a file the kubelet refreshes, read at each login)
   * for a Vault role, at {@code auth/<mount>}; Vault checks the token with the apiserver's
   * TokenReview.
   */
  record Kubernetes(String mount, String role, Path tokenFile) implements VaultLogin {
    /** Where the kubelet mounts a pod's service-account token. */
    public static final Path SERVICE_ACCOUNT_TOKEN =
        Path.of(java.io.File.separator)
            .resolve("var/run/secrets/kubernetes.io/serviceaccount/token");

    @Override
    public String describe() {
      return "Kubernetes login at auth/" + mount + " as role " + role;
    }
  }
}
