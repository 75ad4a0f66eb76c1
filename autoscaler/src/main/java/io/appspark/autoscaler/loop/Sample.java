package io.appspark.autoscaler.loop;

/** One point of the dashboard's chart. */
public record Sample(
    long atMillis,
    int wantedExecutors,
    int wantedWorkers,
    int workers,
    int pending,
    int busyCores,
    int cores) {}
