package io.appspark.launcher.spec;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ContainerMemoryTest {

  @ParameterizedTest
  @CsvSource({"1536, 192, 761", "4096, 512, 2329"})
  void aWorkerSplitsItsLimitAsTheImageEntrypointDoes(int limit, int heap, int offer) {
    assertThat(ContainerMemory.workerHeapMib(limit)).isEqualTo(heap);
    assertThat(ContainerMemory.workerOfferMib(limit)).isEqualTo(offer);
  }

  @ParameterizedTest
  @CsvSource({"2048, 1344", "1024, 576", "256, 128"})
  void daemonsGetThreeQuartersOfWhatIsLeftAfterNonHeap(int limit, int heap) {
    assertThat(ContainerMemory.daemonHeapMib(limit)).isEqualTo(heap);
  }

  @ParameterizedTest
  @CsvSource({"512", "761", "1024", "2048", "2329", "8192", "65536"})
  void theWorkerLimitIsTheSmallestThatOffersWhatTheSpecAsks(int offer) {
    int limit = ContainerMemory.workerLimitMib(offer);

    assertThat(ContainerMemory.workerOfferMib(limit)).isGreaterThanOrEqualTo(offer);
    assertThat(ContainerMemory.workerOfferMib(limit - 1)).isLessThan(offer);
  }
}
