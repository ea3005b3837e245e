package io.dualwrite.annotation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dualwrite.DualWriter;
import io.dualwrite.MigrationContext;
import io.dualwrite.MigrationPhase;
import io.dualwrite.Store;
import io.dualwrite.changelog.ChangeLogs;
import io.dualwrite.changelog.InMemoryChangeLog;
import io.dualwrite.changelog.Operation;
import io.dualwrite.mirror.MirrorConfig;
import io.dualwrite.mirror.MirrorMode;
import io.dualwrite.testing.FixedPhaseResolver;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class DualWriterProxyTest {

    interface OrderStore {
        @DualWrite(table = "orders", key = 0, operation = Operation.INSERT)
        String save(String orderId, String body) throws IOException;

        @DualWrite(table = "orders", operation = Operation.DELETE)
        void deleteCurrent();

        @DualRead
        String find(String orderId);
    }

    interface Unannotated {
        @DualRead
        String find(String id);

        void save(String id);
    }

    interface NoTable {
        @DualWrite(merchantId = "#id")
        void save(String id);
    }

    interface BadKey {
        @DualWrite(table = "orders", key = 2)
        void save(String id);
    }

    /** A store that notes each call with its name. */
    static class NamedStore implements OrderStore {
        private final String name;
        private final List<String> calls;
        private final IOException failure;

        NamedStore(String name, List<String> calls, IOException failure) {
            this.name = name;
            this.calls = calls;
            this.failure = failure;
        }

        @Override
        public String save(String orderId, String body) throws IOException {
            calls.add(name + ".save(" + orderId + ")");
            if (failure != null) {
                throw failure;
            }
            return name;
        }

        @Override
        public void deleteCurrent() {
            calls.add(name + ".deleteCurrent");
        }

        @Override
        public String find(String orderId) {
            calls.add(name + ".find(" + orderId + ")");
            return name;
        }

        @Override
        public String toString() {
            return name;
        }
    }

    private final List<String> calls = new CopyOnWriteArrayList<>();
    private final InMemoryChangeLog changeLog = ChangeLogs.inMemory();
    private final FixedPhaseResolver resolver = new FixedPhaseResolver(MigrationPhase.DUAL_WRITE);
    private final DualWriter writer = DualWriter.builder().resolver(resolver).changeLog(changeLog)
            .mirrorConfig(MirrorConfig.custom().mode(MirrorMode.SYNC).build()).build();

    @AfterEach
    void tearDown() {
        writer.close();
    }

    private MigrationContext.Scope open() {
        return MigrationContext.forMigration("orders").orderId("o-9").open();
    }

    @Test
    void writesAndReadsAreRoutedByPhase() throws IOException {
        OrderStore store = writer.proxy(OrderStore.class, new NamedStore("old", calls, null),
                new NamedStore("new", calls, null));

        try (MigrationContext.Scope scope = open()) {
            assertThat(store.save("o-1", "{}")).isEqualTo("old");
            assertThat(store.find("o-1")).isEqualTo("old");
            resolver.phase = MigrationPhase.NEW_PRIMARY;
            assertThat(store.save("o-2", "{}")).isEqualTo("new");
            assertThat(store.find("o-2")).isEqualTo("new");
            resolver.phase = MigrationPhase.NEW_ONLY;
            store.deleteCurrent();
        }

        assertThat(calls).containsExactly("old.save(o-1)", "new.save(o-1)", "old.find(o-1)",
                "new.save(o-2)", "old.save(o-2)", "new.find(o-2)", "new.deleteCurrent");
    }

    @Test
    void failedMirrorIsRecordedWithTheAnnotatedTableKeyAndOperation() throws IOException {
        OrderStore store = writer.proxy(OrderStore.class, new NamedStore("old", calls, null),
                new NamedStore("new", calls, new IOException("new store down")));

        try (MigrationContext.Scope scope = open()) {
            assertThat(store.save("o-1", "{}")).isEqualTo("old");
        }

        assertThat(changeLog.entries()).singleElement().satisfies(entry -> {
            assertThat(entry.record().table()).isEqualTo("orders");
            assertThat(entry.record().key()).isEqualTo("o-1");
            assertThat(entry.record().operation()).isEqualTo(Operation.INSERT);
            assertThat(entry.record().target()).isEqualTo(Store.NEW);
        });
    }

    @Test
    void keyDefaultsToTheContextsOrderId() {
        OrderStore store = writer.proxy(OrderStore.class, new NamedStore("old", calls, null),
                new NamedStore("new", calls, null) {
                    @Override
                    public void deleteCurrent() {
                        throw new IllegalStateException("new store down");
                    }
                });

        try (MigrationContext.Scope scope = open()) {
            store.deleteCurrent();
        }

        assertThat(changeLog.entries()).singleElement().satisfies(entry -> {
            assertThat(entry.record().key()).isEqualTo("o-9");
            assertThat(entry.record().operation()).isEqualTo(Operation.DELETE);
        });
    }

    @Test
    void implementationExceptionsPropagateUnchanged() {
        IOException failure = new IOException("old store down");
        OrderStore store = writer.proxy(OrderStore.class, new NamedStore("old", calls, failure),
                new NamedStore("new", calls, null));

        try (MigrationContext.Scope scope = open()) {
            assertThatThrownBy(() -> store.save("o-1", "{}")).isSameAs(failure);
        }
        assertThat(calls).containsExactly("old.save(o-1)");
    }

    @Test
    void unannotatedMethodIsRejectedAtCreation() {
        Unannotated impl = new Unannotated() {
            @Override
            public String find(String id) {
                return id;
            }

            @Override
            public void save(String id) {
            }
        };

        assertThatThrownBy(() -> writer.proxy(Unannotated.class, impl, impl))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Unannotated.save")
                .hasMessageContaining("@DualWrite")
                .hasMessageContaining("@DualRead");
    }

    @Test
    void keyIndexOutsideTheParametersIsRejectedAtCreation() {
        BadKey impl = id -> { };

        assertThatThrownBy(() -> writer.proxy(BadKey.class, impl, impl))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("@DualWrite key of BadKey.save must be -1 (the context's order id) or an argument "
                        + "index between 0 and 0, but was 2");
    }

    @Test
    void aWriteWithoutATableIsRejectedAtCreation() {
        NoTable impl = id -> { };

        assertThatThrownBy(() -> writer.proxy(NoTable.class, impl, impl))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("@DualWrite table of NoTable.save must be a non-blank string");
    }

    @Test
    void callsWithoutAnOpenContextFailClearly() {
        OrderStore store = writer.proxy(OrderStore.class, new NamedStore("old", calls, null),
                new NamedStore("new", calls, null));

        assertThatThrownBy(() -> store.find("o-1")).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("No MigrationContext is open");
        assertThat(calls).isEmpty();
    }

    @Test
    void objectMethodsAreAnsweredByTheProxy() {
        OrderStore store = writer.proxy(OrderStore.class, new NamedStore("old", calls, null),
                new NamedStore("new", calls, null));

        assertThat(store.toString()).contains("OrderStore").contains("old").contains("new");
        assertThat(store).isEqualTo(store);
        assertThat(store.hashCode()).isEqualTo(System.identityHashCode(store));
        assertThat(calls).isEmpty();
    }
}
