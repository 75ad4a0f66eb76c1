package ${package}.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class JobsTest {
  static List<Event> events(int count) {
    List<Event> events = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      events.add(new Event(new double[] {i}, i % 2));
    }
    return events;
  }

  @Test
  void aFailedJobKeepsTheModelThatServedBefore() {
    Model first = new HttpModelStub();
    AtomicReference<RuntimeException> fail = new AtomicReference<>();
    Jobs jobs =
        new Jobs(
            given -> {
              if (fail.get() != null) {
                throw fail.get();
              }
              return first;
            },
            Runnable::run);
    assertThat(jobs.submit(events(10)).state()).isEqualTo(Jobs.State.RUNNING);
    fail.set(new IllegalStateException("executor lost"));

    Jobs.Status failed = jobs.submit(events(12));

    assertThat(jobs.status(failed.id()).orElseThrow().state()).isEqualTo(Jobs.State.FAILED);
    assertThat(jobs.status(failed.id()).orElseThrow().detail()).isEqualTo("executor lost");
    assertThat(jobs.model()).containsSame(first);
  }

  @Test
  void whileAJobRunsAnotherSubmitGetsThatJob() {
    List<Runnable> queued = new ArrayList<>();
    Jobs jobs = new Jobs(given -> new HttpModelStub(), queued::add);
    Jobs.Status running = jobs.submit(events(10));

    assertThat(jobs.submit(events(20)).id()).isEqualTo(running.id());
    queued.get(0).run();
    assertThat(jobs.status(running.id()).orElseThrow().state()).isEqualTo(Jobs.State.SUCCEEDED);
  }

  @Test
  void needsBothLabelsToTrain() {
    Jobs jobs = new Jobs(given -> new HttpModelStub(), Runnable::run);
    List<Event> onlyZeros = events(20).stream().filter(e -> e.label() == 0).toList();
    assertThatThrownBy(() -> jobs.submit(onlyZeros)).hasMessageContaining("label 0 and with label 1");
  }

  static final class HttpModelStub implements Model {
    @Override
    public int dimension() {
      return 1;
    }

    @Override
    public Prediction predict(double[] features) {
      return new Prediction(0, 0.0);
    }

    @Override
    public double trainingAccuracy() {
      return 0.5;
    }
  }
}
