package io.appspark.launcher.spec;

/**
 * How many workers the cluster may have and what each offers. {@code min <= initial <= max}.
 *
 * @param memoryMb memory each worker offers to executors, in MiB
 */
public record WorkerPool(int min, int max, int initial, int cores, int memoryMb) {
  public WorkerPool withInitial(int newInitial) {
    return new WorkerPool(min, max, newInitial, cores, memoryMb);
  }

  /** Memory in Spark's notation, e.g. {@code 1024m}. */
  public String sparkMemory() {
    return memoryMb + "m";
  }
}
