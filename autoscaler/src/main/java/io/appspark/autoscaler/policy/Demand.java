package io.appspark.autoscaler.policy;

import java.util.List;

/** What every application of the cluster wants at one moment. */
public record Demand(List<AppDemand> apps) {
  public static final Demand NONE = new Demand(List.of());

  public Demand {
    apps = List.copyOf(apps);
  }

  public int wantedExecutors() {
    return apps.stream().mapToInt(AppDemand::wantedExecutors).sum();
  }

  public int wantedCores() {
    return apps.stream().mapToInt(AppDemand::wantedCores).sum();
  }

  public int heldExecutors() {
    return apps.stream().mapToInt(AppDemand::heldExecutors).sum();
  }
}
