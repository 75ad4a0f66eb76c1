package io.appspark.autoscaler.kubernetes;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectionConfigBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaseLock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Leader election between the autoscaler's replicas through a coordination.k8s.io Lease named like
 * the autoscaler. Only the leader acts; a standby takes over once the leader's Lease expired
 * (SIGKILL, node loss) or at once when the leader releases it (a clean stop). A replica that lost
 * the Lease stands by and tries again. The leader labels its own pod ({@link LeaderLabel}) so that
 * the autoscaler's Service reaches it alone.
 */
public final class Leadership implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Leadership.class);

  private final KubernetesClient client;
  private final String namespace;
  private final String lease;
  private final String identity;
  private final Duration leaseDuration;
  private final Runnable onStartLeading;
  private final LeaderLabel label;
  private final AtomicBoolean leading = new AtomicBoolean();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final AtomicReference<String> leader = new AtomicReference<>("");
  private final AtomicReference<CompletableFuture<?>> election = new AtomicReference<>();

  /**
   * @param identity this replica's pod name
   * @param onStartLeading runs at the start of each leadership term, before this replica acts
   */
  public Leadership(
      KubernetesClient client,
      String namespace,
      String lease,
      String identity,
      Duration leaseDuration,
      Runnable onStartLeading) {
    this.client = client;
    this.namespace = namespace;
    this.lease = lease;
    this.identity = identity;
    this.leaseDuration = leaseDuration;
    this.onStartLeading = onStartLeading;
    this.label = new LeaderLabel(client, namespace, identity);
  }

  public void start() {
    label.set(false);
    var config =
        new LeaderElectionConfigBuilder()
            .withName(lease)
            .withLock(new LeaseLock(namespace, lease, identity))
            .withLeaseDuration(leaseDuration)
            .withRenewDeadline(leaseDuration.multipliedBy(2).dividedBy(3))
            .withRetryPeriod(retryPeriod(leaseDuration))
            .withReleaseOnCancel(true)
            .withLeaderCallbacks(new LeaderCallbacks(this::started, this::stopped, this::newLeader))
            .build();
    CompletableFuture<?> running = client.leaderElector().withConfig(config).build().start();
    election.set(running);
    running.whenComplete(
        (ok, error) -> {
          if (!closed.get()) {
            LOG.info("lease({}/{}) election ended; {} stands again", namespace, lease, identity);
            CompletableFuture.runAsync(
                this::start,
                CompletableFuture.delayedExecutor(
                    retryPeriod(leaseDuration).toMillis(), TimeUnit.MILLISECONDS));
          }
        });
  }

  public boolean isLeader() {
    return leading.get();
  }

  /** Who leads, as far as this replica knows (empty before the first observation). */
  public String leader() {
    return leader.get();
  }

  public String identity() {
    return identity;
  }

  @Override
  public void close() {
    closed.set(true);
    leading.set(false);
    CompletableFuture<?> running = election.get();
    if (running != null) {
      running.cancel(true);
    }
  }

  /** Renewals every fifth of the lease, at most every 2 s, so a missed one or two do not matter. */
  static Duration retryPeriod(Duration leaseDuration) {
    Duration fifth = leaseDuration.dividedBy(5);
    return fifth.compareTo(Duration.ofSeconds(2)) > 0 ? Duration.ofSeconds(2) : fifth;
  }

  private void started() {
    LOG.info("lease({}/{}) {} leads", namespace, lease, identity);
    try {
      onStartLeading.run();
    } catch (RuntimeException e) {
      LOG.warn("lease({}/{}) start of term: {}", namespace, lease, e.getMessage());
    }
    label.set(true);
    leading.set(true);
  }

  private void stopped() {
    leading.set(false);
    label.set(false);
    LOG.info("lease({}/{}) {} stopped leading", namespace, lease, identity);
  }

  private void newLeader(String who) {
    leader.set(who);
    if (!who.equals(identity)) {
      LOG.info("lease({}/{}) {} leads; {} stands by", namespace, lease, who, identity);
    }
  }
}
