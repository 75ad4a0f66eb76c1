package io.appspark.launcher.kubernetes.model;

import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.PolicyRuleBuilder;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBuilder;
import java.util.List;

/**
 * The autoscaler's identity and the least it may do, in its own namespace only (a Role, never a
 * ClusterRole): manage worker pods, record Events, hold its leader-election Lease, apply
 * (server-side apply: get, create, patch) the cluster's Spark ConfigMap and the master's and
 * Connect server's Deployment and Service by name, read the owner Deployment (its uid for
 * ownerReferences), and adopt the cluster's other objects by name (get, patch). Setting an owner
 * reference on an object that exists needs {@code delete} on it where the
 * OwnerReferencesPermissionEnforcement admission plugin runs (OpenShift), so each object the leader
 * adopts or applies is deletable by name too; the leader never deletes one. Adopting the RPC
 * secret's Secret reads it: the autoscaler holds that power already, since the worker pods it
 * creates take the secret. Nothing here exceeds what a namespace's {@code admin} holds, so that
 * such a user may create this Role (RBAC refuses to grant more than the granter has). Pods cannot
 * be limited by name: their names are new. Nothing here lists Deployments, reads another Secret or
 * reaches another namespace.
 */
final class RbacModel {
  static final String COMPONENT = "autoscaler";

  private final ClusterModel cluster;

  RbacModel(ClusterModel cluster) {
    this.cluster = cluster;
  }

  ServiceAccount serviceAccount() {
    return new ServiceAccountBuilder()
        .withMetadata(cluster.meta(cluster.names().autoscaler(), COMPONENT))
        .withAutomountServiceAccountToken(true)
        .build();
  }

  Role role() {
    return new RoleBuilder()
        .withMetadata(cluster.meta(cluster.names().autoscaler(), COMPONENT))
        .withRules(rules())
        .build();
  }

  List<PolicyRule> rules() {
    ClusterNames names = cluster.names();
    String owner = cluster.ownerReference().getName();
    String autoscaler = names.autoscaler();
    List<String> applied = List.of(names.master(), names.connect());
    String rbac = "rbac.authorization.k8s.io";
    return List.of(
        rule("", "pods", List.of(), "create", "delete", "get", "list", "watch", "patch"),
        rule("", "events", List.of(), "create", "patch"),
        rule("coordination.k8s.io", "leases", List.of(), "create"),
        rule("coordination.k8s.io", "leases", List.of(autoscaler), "get", "update", "patch"),
        rule("", "configmaps", List.of(names.config()), "get", "create", "patch", "delete"),
        rule("", "services", applied, "get", "create", "patch", "delete"),
        rule("apps", "deployments", applied, "get", "create", "patch", "delete"),
        rule("apps", "deployments", List.of(owner), "get"),
        adopt("", "configmaps", names.spec()),
        adopt("", "services", autoscaler),
        adopt("apps", "deployments", autoscaler),
        adopt("", "serviceaccounts", autoscaler),
        adopt(rbac, "roles", autoscaler),
        adopt(rbac, "rolebindings", autoscaler),
        adopt("networking.k8s.io", "networkpolicies", names.networkPolicy()),
        adopt("", "secrets", names.authSecret()));
  }

  private static PolicyRule adopt(String group, String resource, String name) {
    return rule(group, resource, List.of(name), "get", "patch", "delete");
  }

  RoleBinding roleBinding() {
    String name = cluster.names().autoscaler();
    return new RoleBindingBuilder()
        .withMetadata(cluster.meta(name, COMPONENT))
        .withNewRoleRef()
        .withApiGroup("rbac.authorization.k8s.io")
        .withKind("Role")
        .withName(name)
        .endRoleRef()
        .addNewSubject()
        .withKind("ServiceAccount")
        .withName(name)
        .withNamespace(cluster.namespace())
        .endSubject()
        .build();
  }

  private static PolicyRule rule(
      String group, String resource, List<String> names, String... verbs) {
    return new PolicyRuleBuilder()
        .withApiGroups(group)
        .withResources(resource)
        .withResourceNames(names.isEmpty() ? null : names)
        .withVerbs(verbs)
        .build();
  }
}
