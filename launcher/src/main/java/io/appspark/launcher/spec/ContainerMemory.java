package io.appspark.launcher.spec;

/**
 * How the Spark image's entrypoint splits a container's memory limit, and the inverse: the limit a
 * container needs for what the spec asks. Both sides must stay in step with {@code
 * spark-image/entrypoint.sh} ({@code size_memory}).
 *
 * <ul>
 *   <li>Master and Connect server: heap = max(128, (limit - 256) * 3/4) MiB; the 256 MiB and the
 *       other quarter hold metaspace, code cache, threads, direct buffers and page cache.
 *   <li>Worker: its own heap = limit/8, clamped to 128..512 MiB; it may offer executors (limit -
 *       heap - 256) * 7/10 MiB, leaving 30 % for the executors' off-heap memory and the page cache
 *       that shuffle files live in.
 * </ul>
 */
public final class ContainerMemory {
  static final int NON_HEAP_MIB = 256;

  private ContainerMemory() {}

  /** The heap the entrypoint gives a master or Connect server JVM in a container of this limit. */
  public static int daemonHeapMib(int limitMib) {
    return Math.max(128, (limitMib - NON_HEAP_MIB) * 3 / 4);
  }

  /** The heap the entrypoint gives the worker JVM in a container of this limit. */
  public static int workerHeapMib(int limitMib) {
    return Math.min(512, Math.max(128, limitMib / 8));
  }

  /** What a worker in a container of this limit offers executors. */
  public static int workerOfferMib(int limitMib) {
    return Math.max(256, (limitMib - workerHeapMib(limitMib) - NON_HEAP_MIB) * 7 / 10);
  }

  /**
   * The smallest limit whose worker offers at least {@code offerMib}: limit = ceil(offer * 10/7) +
   * 256 + heap(limit), solved by a few rounds (heap grows with the limit but by at most 1/8 of it).
   */
  public static int workerLimitMib(int offerMib) {
    int base = (offerMib * 10 + 6) / 7 + NON_HEAP_MIB;
    int limit = base + 128;
    for (int round = 0; round < 8; round++) {
      limit = base + workerHeapMib(limit);
    }
    while (workerOfferMib(limit) < offerMib) {
      limit++;
    }
    return limit;
  }
}
