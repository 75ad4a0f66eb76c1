package io.appspark.autoscaler.kubernetes;

import io.appspark.autoscaler.loop.DecisionRecord;
import io.appspark.autoscaler.loop.StatusSnapshot;
import io.appspark.launcher.kubernetes.model.AppOwner;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records an Event for each scale action the scaling loop took: it follows the loop's recent
 * decisions (only actions that succeeded reach them) from its own thread, so a slow or refused
 * Event never delays a decision. A failed Event is logged, never retried.
 */
public final class ScaleEventRecorder implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ScaleEventRecorder.class);

  private final KubernetesClient client;
  private final Supplier<StatusSnapshot> status;
  private final String cluster;
  private final AppOwner owner;
  private final String namespace;
  private final String reporter;
  private final ScheduledExecutorService thread;
  private long recordedUpTo;

  public ScaleEventRecorder(
      KubernetesClient client,
      Supplier<StatusSnapshot> status,
      String cluster,
      AppOwner owner,
      String namespace,
      String reporter,
      long startMillis) {
    this.client = client;
    this.status = status;
    this.cluster = cluster;
    this.owner = owner;
    this.namespace = namespace;
    this.reporter = reporter;
    this.recordedUpTo = startMillis;
    this.thread =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "appspark-scale-events");
              t.setDaemon(true);
              return t;
            });
  }

  public void start(Duration interval) {
    thread.scheduleWithFixedDelay(this::recordNew, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
  }

  @Override
  public void close() {
    thread.shutdownNow();
  }

  private void recordNew() {
    List<DecisionRecord> fresh = new ArrayList<>();
    for (DecisionRecord d : status.get().decisions()) {
      if (d.atMillis() > recordedUpTo) {
        fresh.add(0, d);
      }
    }
    for (DecisionRecord d : fresh) {
      recordedUpTo = Math.max(recordedUpTo, d.atMillis());
      ScaleEvents.of(d, cluster, owner, namespace, ScaleEvents.uniqueName(owner), reporter)
          .ifPresent(this::create);
    }
  }

  private void create(io.fabric8.kubernetes.api.model.Event event) {
    try {
      client.v1().events().inNamespace(namespace).resource(event).create();
    } catch (KubernetesClientException e) {
      LOG.warn(
          "event({}/{}) not recorded ({}): {}",
          namespace,
          event.getMetadata().getName(),
          event.getMessage(),
          e.getMessage());
    }
  }
}
