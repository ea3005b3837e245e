package io.dualwrite.mirror;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dualwrite.MigrationContext;
import io.dualwrite.MigrationPhase;
import io.dualwrite.changelog.Operation;
import io.dualwrite.changelog.RowRef;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The async lanes under a seeded load of several threads: ordered tasks (the state form) mixed with batchable
 * ones of several batch keys, some failing, a queue small enough to reject, and {@code close()} racing the
 * offers. Every row ends exactly once: it ran, or it was recorded (failed, rejected, shut down), never both,
 * never neither; and ordered tasks of one key never overlap and run in submission order.
 */
class LanesUnderLoadTest {

    private static final String MIGRATION = "orders";

    /** Per row: how many times it ran successfully, and how many times it was reported in a failed event. */
    private final Map<String, AtomicInteger> ran = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> reported = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> running = new ConcurrentHashMap<>();
    private final Map<String, List<Integer>> order = new ConcurrentHashMap<>();
    private final List<String> overlaps = java.util.Collections.synchronizedList(new ArrayList<>());

    private final class Sync implements MirrorWork.Batchable {
        final String batchKey;
        final List<String> keys;
        final boolean fails;

        Sync(String batchKey, List<String> keys, boolean fails) {
            this.batchKey = batchKey;
            this.keys = keys;
            this.fails = fails;
        }

        @Override
        public void run() {
            if (fails) {
                throw new IllegalStateException("new store refused");
            }
            keys.forEach(key -> ran.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet());
        }

        @Override
        public Object batchKey() {
            return batchKey;
        }

        @Override
        public MirrorWork mergeWith(List<MirrorWork> later) {
            List<String> all = new ArrayList<>(keys);
            boolean anyFails = fails;
            for (MirrorWork work : later) {
                all.addAll(((Sync) work).keys);
                anyFails |= ((Sync) work).fails;
            }
            return new Sync(batchKey, all, anyFails);
        }
    }

    private MirrorTask task(String rowKey, String orderingKey, MirrorWork work, String merchant) {
        MigrationContext context = MigrationContext.forMigration(MIGRATION).merchantId(merchant).build();
        return new MirrorTask(MIGRATION, MigrationPhase.DUAL_WRITE, io.dualwrite.Store.NEW, context,
                List.of(new RowRef("orders", rowKey, Operation.UPDATE)), orderingKey, work, List.of());
    }

    private MirrorWork ordered(String rowKey, String stateKey, int sequence, boolean fails) {
        return () -> {
            if (running.computeIfAbsent(stateKey, k -> new AtomicInteger()).incrementAndGet() != 1) {
                overlaps.add(stateKey);
            }
            try {
                order.computeIfAbsent(stateKey, k -> java.util.Collections.synchronizedList(new ArrayList<>())).add(sequence);
                if (fails) {
                    throw new IllegalStateException("new store refused");
                }
                ran.computeIfAbsent(rowKey, k -> new AtomicInteger()).incrementAndGet();
            } finally {
                running.get(stateKey).decrementAndGet();
            }
        };
    }

    @ParameterizedTest(name = "seed {0}, {1} lanes, {2} rows a batch, linger {3} ms, capacity {4}, close early {5}")
    @CsvSource({
            "1, 1, 1, 0, 64, false",
            "2, 1, 500, 5, 100000, false",
            "3, 4, 1, 0, 32, false",
            "4, 4, 7, 2, 100000, false",
            "5, 2, 500, 50, 16, false",
            "6, 4, 3, 0, 100000, true",
            "7, 1, 500, 0, 100000, true",
            "8, 3, 2, 1, 8, true"})
    void everyRowEndsExactlyOnce(long seed, int lanes, int maxBatchRows, int lingerMillis, int capacity,
                                 boolean closeWhileOffering) throws Exception {
        InMemoryChangeLogHolder log = new InMemoryChangeLogHolder();
        MirrorExecutor executor = MirrorExecutors.create("load-" + seed, MirrorConfig.custom().mode(MirrorMode.ASYNC)
                .lanes(lanes).maxBatchRows(maxBatchRows).batchLinger(Duration.ofMillis(lingerMillis))
                .queueCapacity(capacity).timeLimit(Duration.ofSeconds(20)).breakerMinimumCalls(10_000)
                .breakerWindowSize(10_000).build(), log.changeLog, event -> {
                    if (event.outcome() != MirrorOutcome.SUCCEEDED) {
                        event.task().rows().forEach(row ->
                                reported.computeIfAbsent(row.key(), k -> new AtomicInteger()).incrementAndGet());
                    }
                });
        int threads = 6;
        int perThread = 400;
        ExecutorService writers = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<?>> done = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int thread = t;
            Random random = new Random(seed * 1000 + t);
            done.add(writers.submit(() -> {
                start.await();
                for (int i = 0; i < perThread; i++) {
                    String rowKey = "t" + thread + "-" + i;
                    boolean fails = random.nextInt(10) == 0;
                    if (random.nextInt(4) == 0) {
                        // the state form: one key per thread pair, so that ordered tasks of a key come from one thread
                        String stateKey = "state-" + (thread % 3) + "-" + random.nextInt(2) + "-" + thread;
                        executor.submit(task(rowKey, stateKey, ordered(rowKey, stateKey, i, fails), "m-" + thread));
                    } else {
                        String batchKey = "copier-" + random.nextInt(3);
                        executor.submit(task(rowKey, MIGRATION + "/" + rowKey, new Sync(batchKey, List.of(rowKey), fails),
                                "m-" + thread));
                    }
                }
                return null;
            }));
        }
        start.countDown();
        if (closeWhileOffering) {
            executor.close();
        }
        for (Future<?> future : done) {
            future.get(60, TimeUnit.SECONDS);
        }
        writers.shutdown();
        if (!closeWhileOffering) {
            assertThat(executor.awaitIdle(Duration.ofSeconds(60))).as("idle").isTrue();
        }
        executor.close();

        int total = threads * perThread;
        if (closeWhileOffering) {
            // close() waited for the lanes; a recording on a lane may still be finishing
            await().atMost(Duration.ofSeconds(30)).until(() -> ran.size() + reported.size() >= total);
        } // else awaitIdle said every row had ended: checked at once
        List<String> problems = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            for (int i = 0; i < perThread; i++) {
                String key = "t" + t + "-" + i;
                int r = ran.getOrDefault(key, new AtomicInteger()).get();
                int f = reported.getOrDefault(key, new AtomicInteger()).get();
                // a merged batch that failed ran none of its rows; a row may not both run and be reported
                if (r + f != 1) {
                    problems.add(key + " ran " + r + ", reported " + f);
                }
            }
        }
        assertThat(problems).as("rows not ending exactly once").isEmpty();
        assertThat(log.changeLog.size()).as("one change-log entry per reported row")
                .isEqualTo(reported.values().stream().mapToInt(AtomicInteger::get).sum());
        assertThat(overlaps).as("ordered tasks of one key overlapped").isEmpty();
        order.forEach((key, sequence) -> assertThat(sequence).as("order of " + key).isSorted());
    }

    private static final class InMemoryChangeLogHolder {
        final io.dualwrite.changelog.InMemoryChangeLog changeLog = io.dualwrite.changelog.ChangeLogs.inMemory();
    }
}
