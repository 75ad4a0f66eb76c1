package io.appspark.autoscaler.demand;

/**
 * A driver's ExecutorAllocationManager gauges, as its metrics servlet reports them.
 *
 * @param target executors the driver wants now (numberTargetExecutors)
 * @param all executors it has (numberAllExecutors)
 */
public record AllocationGauges(int target, int all, int pendingToRemove, int decommissioning) {}
