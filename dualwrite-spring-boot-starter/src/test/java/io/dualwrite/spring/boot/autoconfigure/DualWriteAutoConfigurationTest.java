package io.dualwrite.spring.boot.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import io.dualwrite.DualWriter;
import io.dualwrite.KeyedStore;
import io.dualwrite.MigrationContext;
import io.dualwrite.MigrationPhase;
import io.dualwrite.SharedKeyLock;
import io.dualwrite.StateSync;
import io.dualwrite.Store;
import io.dualwrite.changelog.ChangeLog;
import io.dualwrite.changelog.ChangeLogs;
import io.dualwrite.changelog.InMemoryChangeLog;
import io.dualwrite.changelog.Operation;
import io.dualwrite.changelog.RowRef;
import io.dualwrite.jdbc.DualWriteDataSource;
import io.dualwrite.jdbc.changelog.JdbcChangeLog;
import io.dualwrite.jdbc.reconcile.Reconciler;
import io.dualwrite.jdbc.switches.JdbcOrderPinStore;
import io.dualwrite.jdbc.switches.JdbcSwitchStore;
import io.dualwrite.jdbc.verify.JdbcVerificationProbe;
import io.dualwrite.mapping.TableMapping;
import io.dualwrite.mirror.MirrorConfig;
import io.dualwrite.mybatis.ContextRules;
import io.dualwrite.mybatis.MigrationContextInterceptor;
import io.dualwrite.switches.MigrationSwitchConfig;
import io.dualwrite.switches.OrderPinStore;
import io.dualwrite.switches.OrderPinStores;
import io.dualwrite.switches.PhaseGate;
import io.dualwrite.switches.SwitchAdmin;
import io.dualwrite.switches.SwitchRule;
import io.dualwrite.switches.SwitchStore;
import io.dualwrite.switches.SwitchStores;
import io.dualwrite.switches.Switchboard;
import io.dualwrite.switches.VerificationProbe;
import io.dualwrite.switches.VerificationStatus;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.apache.ibatis.session.SqlSessionFactory;
import org.junit.jupiter.api.Test;
import org.mybatis.spring.boot.autoconfigure.MybatisAutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration;
import org.springframework.boot.autoconfigure.jdbc.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.autoconfigure.jdbc.JdbcTemplateAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.support.JdbcTransactionManager;

/**
 * Each bean of the auto-configuration under its conditions, and backing off for the application's own. The
 * databases are H2 in memory; most scenarios never connect (building the beans does not).
 */
class DualWriteAutoConfigurationTest {

    private static final AtomicInteger DATABASES = new AtomicInteger();

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class,
                    DataSourceTransactionManagerAutoConfiguration.class, JdbcTemplateAutoConfiguration.class,
                    MybatisAutoConfiguration.class, DualWriteAutoConfiguration.class))
            .withPropertyValues(
                    "spring.datasource.url=jdbc:h2:mem:ctx_old",
                    "dualwrite.new-datasource.url=jdbc:h2:mem:ctx_new",
                    "dualwrite.migrations.orders.tables.orders.new-table=orders_v2",
                    "dualwrite.migrations.orders.tables.orders.merchant-column=merchant_id");

    @Test
    void defaultsGiveInMemoryStoresSwitchboardGateAdminAndWriter() {
        runner.run(context -> {
            assertThat(context).hasSingleBean(SwitchStore.class).doesNotHaveBean(JdbcSwitchStore.class)
                    .hasSingleBean(OrderPinStore.class).hasSingleBean(InMemoryChangeLog.class)
                    .hasSingleBean(Switchboard.class).hasSingleBean(PhaseGate.class)
                    .hasSingleBean(SwitchAdmin.class).hasSingleBean(DualWriter.class);
            assertThat(context.getBean(Switchboard.class).migrations()).containsOnlyKeys("orders");
        });
    }

    @Test
    void memoryChangeLogGivesAProbeThatNeverSawAVerification() {
        runner.run(context -> assertThat(context.getBean(VerificationProbe.class).lastVerification("orders"))
                .isEqualTo(VerificationStatus.NEVER_RUN));
    }

    @Test
    void jdbcStoresLiveInTheOldStoreWhoseTablesAreCreatedOnRequest() {
        String old = "jdbc:h2:mem:ctx_jdbc_" + DATABASES.incrementAndGet() + ";DB_CLOSE_DELAY=-1";
        runner.withPropertyValues("spring.datasource.url=" + old, "dualwrite.stores.switches=jdbc",
                "dualwrite.stores.pins=jdbc", "dualwrite.stores.change-log=jdbc", "dualwrite.stores.create-schema=true",
                "dualwrite.migrations.orders.merchants.m-1=DUAL_WRITE").run(context -> {
                    assertThat(context).hasSingleBean(JdbcSwitchStore.class).hasSingleBean(JdbcOrderPinStore.class)
                            .hasSingleBean(JdbcChangeLog.class).hasSingleBean(JdbcVerificationProbe.class);
                    assertThat(singleString(old, "SELECT phase FROM dualwrite_switch WHERE subject_id = 'm-1'"))
                            .isEqualTo("DUAL_WRITE");
                });
    }

    @Test
    void applicationDataSourceIsReplacedByADualWriteDataSourceThatUnwrapsToItsPool() {
        runner.run(context -> {
            DataSource dataSource = context.getBean(DataSource.class);
            assertThat(dataSource).isInstanceOf(DualWriteDataSource.class);
            HikariDataSource pool = dataSource.unwrap(HikariDataSource.class);
            assertThat(pool.getJdbcUrl()).isEqualTo("jdbc:h2:mem:ctx_old");
            assertThat(((DualWriteDataSource) dataSource).dataSource(Store.NEW))
                    .isSameAs(context.getBean(StoreDataSources.NEW_DATA_SOURCE));
        });
    }

    @Test
    void writerAndReconcilerCloseBeforeEitherPool() {
        runner.run(context -> {
            var beanFactory = context.getBeanFactory();
            assertThat(beanFactory.getDependentBeans("dataSource")).contains("dualWriter", "dualwriteReconciler");
            assertThat(beanFactory.getDependentBeans(StoreDataSources.NEW_DATA_SOURCE))
                    .contains("dualWriter", "dualwriteReconciler");
        });
    }

    @Test
    void libraryTablesGoToTheNewStoreWhenItsLocationSaysSo() {
        String neu = "jdbc:h2:mem:ctx_loc_new_" + DATABASES.incrementAndGet() + ";DB_CLOSE_DELAY=-1";
        runner.withPropertyValues("dualwrite.new-datasource.url=" + neu, "dualwrite.new-datasource.username=sa",
                "dualwrite.stores.location=new",
                "dualwrite.stores.switches=jdbc", "dualwrite.stores.create-schema=true",
                "dualwrite.migrations.orders.merchants.m-2=SHADOW_READ").run(context -> assertThat(
                        singleString(neu, "SELECT phase FROM dualwrite_switch WHERE subject_id = 'm-2'"))
                .isEqualTo("SHADOW_READ"));
    }

    @Test
    void bootStillCreatesTheApplicationDataSourceAndInjectsTheWrapperEverywhere() {
        runner.run(context -> {
            assertThat(context).hasSingleBean(JdbcTemplate.class).hasSingleBean(JdbcTransactionManager.class);
            assertThat(context.getBean(JdbcTemplate.class).getDataSource()).isInstanceOf(DualWriteDataSource.class);
            assertThat(context.getBean(JdbcTransactionManager.class).getDataSource())
                    .isSameAs(context.getBean("dataSource"));
        });
    }

    @Test
    void newStorePoolIsBoundFromItsPropertiesAndIsNoAutowireCandidate() {
        runner.withPropertyValues("dualwrite.new-datasource.hikari.maximum-pool-size=3",
                "dualwrite.new-datasource.username=newuser").run(context -> {
                    HikariDataSource pool = context.getBean(StoreDataSources.NEW_DATA_SOURCE, HikariDataSource.class);
                    assertThat(pool.getJdbcUrl()).isEqualTo("jdbc:h2:mem:ctx_new");
                    assertThat(pool.getMaximumPoolSize()).isEqualTo(3);
                    assertThat(pool.getUsername()).isEqualTo("newuser");
                    assertThat(context.getBeanProvider(DataSource.class).getIfUnique())
                            .isSameAs(context.getBean("dataSource", DataSource.class));
                });
    }

    @Test
    void actuatorDatabaseHealthChecksOnlyTheApplicationPoolNeverTheNewStore() {
        runner.withConfiguration(AutoConfigurations.of(
                org.springframework.boot.actuate.autoconfigure.health.HealthContributorAutoConfiguration.class,
                org.springframework.boot.actuate.autoconfigure.jdbc.DataSourceHealthContributorAutoConfiguration.class))
                .run(context -> assertThat(context.getBean("dbHealthContributor"))
                        .isInstanceOf(org.springframework.boot.actuate.jdbc.DataSourceHealthIndicator.class));
    }

    @Test
    void newStorePoolIsNeverWrappedEvenWhenNamedAsTheBeanToWrap() {
        runner.withPropertyValues("dualwrite.jdbc.bean-name=" + StoreDataSources.NEW_DATA_SOURCE).run(context -> {
            assertThat(context.getBean(StoreDataSources.NEW_DATA_SOURCE)).isExactlyInstanceOf(HikariDataSource.class);
            assertThat(context.getBean("dataSource")).isExactlyInstanceOf(HikariDataSource.class);
        });
    }

    @Test
    void aDataSourceThatIsAlreadyADualWriteDataSourceIsNotWrappedTwice() {
        runner.withUserConfiguration(HandWrappedDataSource.class).run(context -> {
            DualWriteDataSource bean = context.getBean("dataSource", DualWriteDataSource.class);
            assertThat(bean.dataSource(Store.OLD)).isInstanceOf(org.h2.jdbcx.JdbcDataSource.class);
        });
    }

    @Test
    void userTableMappingBeanReplacesThePropertyMappingOfItsTable() {
        runner.withUserConfiguration(UserMapping.class).run(context -> {
            Reconciler reconciler = context.getBean(Reconciler.class);
            assertThat(reconciler).isNotNull();
            assertThat(JdbcWrapperConfiguration.mappings("orders", context.getBean(DualWriteProperties.class),
                    context.getBeanProvider(TableMapping.class)))
                    .singleElement().extracting(TableMapping::newTable).isEqualTo("orders_by_user");
        });
    }

    @Test
    void eachMigrationsShadowReadRateComesFromItsProperty() {
        runner.withPropertyValues("dualwrite.migrations.orders.shadow-reads.rate=0.25").run(context -> {
            io.dualwrite.spring.aop.ShadowReadSampling sampling =
                    context.getBean(io.dualwrite.spring.aop.ShadowReadSampling.class);
            assertThat(sampling.rate("orders")).isEqualTo(0.25);
            assertThat(context).hasSingleBean(io.dualwrite.spring.aop.DualWriteAdvisor.class)
                    .hasSingleBean(io.dualwrite.spring.aop.DualReadAdvisor.class);
        });
        runner.run(context -> assertThat(context.getBean(io.dualwrite.spring.aop.ShadowReadSampling.class)
                .rate("orders")).as("the documented default").isEqualTo(0.01));
    }

    @Test
    void switchesFromPropertiesAreWrittenIntoTheStore() {
        runner.withPropertyValues("dualwrite.migrations.orders.merchants.m-1=dual-write",
                "dualwrite.migrations.orders.orders.o-9=NEW_PRIMARY",
                "dualwrite.migrations.orders.rules[0].merchant-percentage=10",
                "dualwrite.migrations.orders.rules[0].phase=DUAL_WRITE",
                "dualwrite.migrations.orders.system-phase=old-only").run(context -> {
                    Switchboard switchboard = context.getBean(Switchboard.class);
                    assertThat(switchboard.merchantPhase("orders", "m-1").phase()).isEqualTo(MigrationPhase.DUAL_WRITE);
                    assertThat(switchboard.switchStore().load("orders").orderPhases())
                            .containsEntry("o-9", MigrationPhase.NEW_PRIMARY);
                    assertThat(switchboard.switchStore().load("orders").rules())
                            .containsExactly(SwitchRule.merchantPercentage(10, MigrationPhase.DUAL_WRITE));
                });
    }

    @Test
    void aSwitchTheStoreAlreadyHoldsWinsOverTheProperty() {
        runner.withUserConfiguration(PreloadedSwitchStore.class)
                .withPropertyValues("dualwrite.migrations.orders.merchants.m-1=DUAL_WRITE")
                .run(context -> assertThat(context.getBean(Switchboard.class).merchantPhase("orders", "m-1").phase())
                        .isEqualTo(MigrationPhase.NEW_PRIMARY));
    }

    @Test
    void pinningAndSystemPhaseReachTheSwitchboard() {
        runner.withPropertyValues("dualwrite.migrations.orders.pinning=true",
                "dualwrite.migrations.orders.system-phase=DUAL_WRITE").run(context -> assertThat(
                        context.getBean(Switchboard.class).config("orders"))
                .isEqualTo(MigrationSwitchConfig.builder("orders").pinning(true).defaultPhase(MigrationPhase.DUAL_WRITE)
                        .build()));
    }

    @Test
    void mirrorPropertiesReachTheWriter() {
        runner.withPropertyValues("dualwrite.mirror.mode=sync", "dualwrite.mirror.time-limit=300ms",
                "dualwrite.mirror.breaker.slow-call-duration-threshold=100ms", "dualwrite.mirror.lanes=2")
                .run(context -> {
                    MirrorConfig config = context.getBean(DualWriter.class).mirrorConfig("orders");
                    assertThat(config.mode()).isEqualTo(io.dualwrite.mirror.MirrorMode.SYNC);
                    assertThat(config.timeLimit()).hasMillis(300);
                    assertThat(config.breakerSlowCallDurationThreshold()).hasMillis(100);
                    assertThat(config.lanes()).isEqualTo(2);
                });
    }

    @Test
    void aSharedKeyLockBeanIsTakenByTheWritersStateSyncs() {
        List<String> locked = new CopyOnWriteArrayList<>();
        runner.withPropertyValues("dualwrite.mirror.mode=sync", "dualwrite.migrations.orders.system-phase=DUAL_WRITE")
                .withBean(SharedKeyLock.class, () -> (migration, table, key, wait) -> {
                    locked.add(migration + "/" + table + "/" + key);
                    return () -> { };
                })
                .run(context -> {
                    Map<String, Integer> oldValues = new ConcurrentHashMap<>();
                    Map<String, Integer> newValues = new ConcurrentHashMap<>();
                    StateSync<Integer> sync = StateSync.of(new MapKeys(oldValues),
                            new MapKeys(newValues));
                    context.getBean(DualWriter.class).writeState(
                            MigrationContext.forMigration("orders").orderId("o-1").build(),
                            new RowRef("orders", "o-1", Operation.UPSERT),
                            store -> oldValues.put("o-1", 7), sync);
                    assertThat(locked).containsExactly("orders/orders/o-1");
                    assertThat(newValues).isEqualTo(oldValues);
                });
    }

    /** A store of a map, by key. */
    private record MapKeys(Map<String, Integer> values) implements KeyedStore<Integer> {
        @Override
        public Optional<Integer> read(String key) {
            return Optional.ofNullable(values.get(key));
        }

        @Override
        public void upsert(String key, Integer value) {
            values.put(key, value);
        }

        @Override
        public void delete(String key) {
            values.remove(key);
        }
    }

    @Test
    void propertyDefaultsAreTheLibraryDefaults() {
        assertThat(DualWriteSettings.mirrorConfig(new DualWriteProperties()).toString())
                .isEqualTo(MirrorConfig.ofDefaults().toString());
        DualWriteProperties.Jdbc jdbc = new DualWriteProperties().getJdbc();
        assertThat(jdbc.getMaxBufferedKeys()).isEqualTo(DualWriteDataSource.DEFAULT_MAX_BUFFERED_KEYS);
        assertThat(jdbc.getStreamBufferLimit()).isEqualTo(DualWriteDataSource.DEFAULT_STREAM_BUFFER_LIMIT);
        assertThat(jdbc.getOutboxGrace()).isEqualTo(DualWriteDataSource.DEFAULT_OUTBOX_GRACE);
        assertThat(jdbc.getCatalogRefresh()).isEqualTo(DualWriteDataSource.DEFAULT_CATALOG_REFRESH);
        assertThat(jdbc.getLockTimeout()).isEqualTo(io.dualwrite.jdbc.copy.RowCopier.DEFAULT_LOCK_TIMEOUT);
        assertThat(jdbc.getStatementCacheSize()).isEqualTo(io.dualwrite.jdbc.statement.StatementAnalyzer.DEFAULT_CACHE_SIZE);
        DualWriteProperties.Reconciler reconciler = new DualWriteProperties().getReconciler();
        assertThat(reconciler.getBatchSize()).isEqualTo(Reconciler.Builder.DEFAULT_BATCH_SIZE);
        assertThat(reconciler.getLease()).isEqualTo(Reconciler.Builder.DEFAULT_LEASE);
        assertThat(reconciler.getMaxBackoff()).isEqualTo(Reconciler.Builder.DEFAULT_MAX_BACKOFF);
        assertThat(reconciler.getMaxAttempts()).isEqualTo(Reconciler.Builder.DEFAULT_MAX_ATTEMPTS);
    }

    @Test
    void shadowReadRateIsExposedPerMigration() {
        runner.withPropertyValues("dualwrite.migrations.orders.shadow-reads.rate=0.25").run(context -> assertThat(
                context.getBean(DualWriteProperties.class).shadowReadRate("orders"))
                .isEqualTo(0.25));
    }

    @Test
    void endpointWriteRoleIsExposed() {
        runner.withPropertyValues("dualwrite.endpoint.write-role=OPS").run(context -> assertThat(
                context.getBean(DualWriteProperties.class).getEndpoint().getWriteRole()).isEqualTo("OPS"));
    }

    @Test
    void disabledLeavesNoDualwriteBeanAndTheApplicationDataSourceUnwrapped() {
        runner.withPropertyValues("dualwrite.enabled=false").run(context -> {
            assertThat(context).doesNotHaveBean(DualWriteProperties.class).doesNotHaveBean(Switchboard.class)
                    .doesNotHaveBean(DualWriter.class).doesNotHaveBean(ChangeLog.class)
                    .doesNotHaveBean(Reconciler.class).doesNotHaveBean(ContextRules.class)
                    .doesNotHaveBean(StoreDataSources.NEW_DATA_SOURCE)
                    .doesNotHaveBean(DualWriteDataSourcePostProcessor.class);
            assertThat(context.getBean(DataSource.class)).isExactlyInstanceOf(HikariDataSource.class);
        });
    }

    @Test
    void jdbcWrappingOffLeavesTheDataSourceButKeepsTheSwitchboard() {
        runner.withPropertyValues("dualwrite.jdbc.enabled=false").run(context -> {
            assertThat(context).hasSingleBean(Switchboard.class).doesNotHaveBean(DualWriteDataSourcePostProcessor.class);
            assertThat(context.getBean(DataSource.class)).isExactlyInstanceOf(HikariDataSource.class);
        });
    }

    @Test
    void myBatisOnTheClassPathGetsContextRulesFromProperties() {
        runner.withUserConfiguration(Mappers.class).withPropertyValues("dualwrite.mybatis.merchant-id-paths=merchantNo",
                "dualwrite.mybatis.statements[0].id=" + TestOrderMapper.class.getName() + ".insert",
                "dualwrite.mybatis.statements[0].order-id-path=orderNo").run(context -> {
                    ContextRules rules = context.getBean(ContextRules.class);
                    assertThat(rules.migration()).isEqualTo("orders");
                    assertThat(rules.merchantIdPaths()).containsExactly("merchantNo");
                    assertThat(rules.statement(TestOrderMapper.class.getName() + ".insert")).isPresent();
                });
    }

    @Test
    void myBatisInterceptorIsInstalledInTheSessionFactory() {
        runner.withUserConfiguration(Mappers.class).run(context -> assertThat(context.getBean(SqlSessionFactory.class).getConfiguration().getInterceptors())
                .hasExactlyElementsOfTypes(MigrationContextInterceptor.class));
    }

    @Test
    void myBatisAbsentGivesNoInterceptor() {
        runner.withClassLoader(new FilteredClassLoader(SqlSessionFactory.class)).run(context -> assertThat(context)
                .hasSingleBean(Switchboard.class).doesNotHaveBean(ContextRules.class)
                .doesNotHaveBean(MyBatisInterceptorInstaller.class));
    }

    @Test
    void reconcilerRunsOnItsScheduleUntilTheContextCloses() {
        ReconcilerSchedule[] schedule = new ReconcilerSchedule[1];
        runner.run(context -> {
            assertThat(context).hasSingleBean(Reconciler.class);
            schedule[0] = context.getBean(ReconcilerSchedule.class);
            assertThat(schedule[0].isRunning()).isTrue();
        });
        assertThat(schedule[0].isRunning()).isFalse();
    }

    @Test
    void reconcilerOffGivesNoReconciler() {
        runner.withPropertyValues("dualwrite.reconciler.enabled=false")
                .run(context -> assertThat(context).doesNotHaveBean(Reconciler.class)
                        .doesNotHaveBean(ReconcilerSchedule.class));
    }

    @Test
    void userSwitchStoreWins() {
        runner.withUserConfiguration(PreloadedSwitchStore.class).run(context -> assertThat(context)
                .hasSingleBean(SwitchStore.class).hasBean("preloadedSwitchStore"));
    }

    @Test
    void userOrderPinStoreWins() {
        runner.withBean("myPins", OrderPinStore.class, OrderPinStores::inMemory).run(context -> assertThat(context)
                .hasSingleBean(OrderPinStore.class).hasBean("myPins"));
    }

    @Test
    void userChangeLogWins() {
        runner.withBean("myLog", ChangeLog.class, ChangeLogs::inMemory).run(context -> assertThat(context)
                .hasSingleBean(ChangeLog.class).hasBean("myLog"));
    }

    @Test
    void userSwitchboardWins() {
        runner.withBean("mySwitchboard", Switchboard.class, () -> Switchboard.builder()
                .switchStore(SwitchStores.inMemory()).migration(MigrationSwitchConfig.of("orders")).build())
                .run(context -> assertThat(context).hasSingleBean(Switchboard.class).hasBean("mySwitchboard"));
    }

    @Test
    void userPhaseGateWins() {
        runner.withBean("myGate", PhaseGate.class, PhaseGate::open)
                .run(context -> assertThat(context).hasSingleBean(PhaseGate.class).hasBean("myGate"));
    }

    @Test
    void userVerificationProbeWins() {
        runner.withBean("myProbe", VerificationProbe.class, () -> migration -> VerificationStatus.CLEAN)
                .run(context -> assertThat(context).hasSingleBean(VerificationProbe.class).hasBean("myProbe"));
    }

    @Test
    void userDualWriterWins() {
        runner.withUserConfiguration(UserWriter.class)
                .run(context -> assertThat(context).hasSingleBean(DualWriter.class).hasBean("myWriter"));
    }

    @Test
    void userNewStoreDataSourceWins() {
        runner.withUserConfiguration(UserNewStore.class).run(context -> {
            assertThat(context.getBean(StoreDataSources.NEW_DATA_SOURCE))
                    .isInstanceOf(org.h2.jdbcx.JdbcDataSource.class);
            assertThat(context.getBean(DataSource.class).unwrap(DualWriteDataSource.class).dataSource(Store.NEW))
                    .isSameAs(context.getBean(StoreDataSources.NEW_DATA_SOURCE));
        });
    }

    @Test
    void userContextRulesWin() {
        runner.withBean("myRules", ContextRules.class, () -> ContextRules.builder("orders").build())
                .run(context -> assertThat(context).hasSingleBean(ContextRules.class).hasBean("myRules"));
    }

    @Test
    void userReconcilerWins() {
        runner.withUserConfiguration(UserReconciler.class)
                .run(context -> assertThat(context).hasSingleBean(Reconciler.class).hasBean("myReconciler"));
    }

    private static String singleString(String url, String sql) throws SQLException {
        try (Connection connection = DriverManager.getConnection(url, "sa", "");
             Statement statement = connection.createStatement();
             ResultSet result = statement.executeQuery(sql)) {
            assertThat(result.next()).as("a row for %s", sql).isTrue();
            return result.getString(1);
        }
    }

    /** A mapper with one statement, added the way mapper scanning would. */
    interface TestOrderMapper {
        @org.apache.ibatis.annotations.Insert("INSERT INTO orders (id, merchant_id) VALUES (#{orderNo}, #{merchantNo})")
        int insert(TestOrder order);
    }

    /** The parameter of {@link TestOrderMapper}. */
    record TestOrder(String orderNo, String merchantNo) {
    }

    @Configuration(proxyBeanMethods = false)
    static class Mappers {
        @Bean
        org.mybatis.spring.boot.autoconfigure.ConfigurationCustomizer testOrderMapper() {
            return configuration -> configuration.addMapper(TestOrderMapper.class);
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class PreloadedSwitchStore {
        @Bean
        SwitchStore preloadedSwitchStore() {
            SwitchStore store = SwitchStores.inMemory();
            store.setMerchantPhase("orders", "m-1", MigrationPhase.NEW_PRIMARY);
            return store;
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class UserMapping {
        @Bean
        TableMapping ordersMapping() {
            return TableMapping.builder("orders").newTable("orders_by_user").build();
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class UserWriter {
        @Bean
        DualWriter myWriter(Switchboard switchboard) {
            return DualWriter.builder().resolver(switchboard).changeLog(ChangeLogs.inMemory()).build();
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class UserNewStore {
        @Bean(name = StoreDataSources.NEW_DATA_SOURCE, autowireCandidate = false)
        DataSource userNewStore() {
            org.h2.jdbcx.JdbcDataSource h2 = new org.h2.jdbcx.JdbcDataSource();
            h2.setURL("jdbc:h2:mem:ctx_user_new");
            return h2;
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class UserReconciler {
        @Bean
        Reconciler myReconciler(ChangeLog changeLog) {
            org.h2.jdbcx.JdbcDataSource old = new org.h2.jdbcx.JdbcDataSource();
            old.setURL("jdbc:h2:mem:ctx_rec_old");
            org.h2.jdbcx.JdbcDataSource neu = new org.h2.jdbcx.JdbcDataSource();
            neu.setURL("jdbc:h2:mem:ctx_rec_new");
            return Reconciler.builder().changeLog(changeLog).oldDataSource(old).newDataSource(neu)
                    .mapping(TableMapping.identity("orders")).build();
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class HandWrappedDataSource {
        @Bean
        DualWriteDataSource dataSource() {
            org.h2.jdbcx.JdbcDataSource old = new org.h2.jdbcx.JdbcDataSource();
            old.setURL("jdbc:h2:mem:ctx_hand_old");
            org.h2.jdbcx.JdbcDataSource neu = new org.h2.jdbcx.JdbcDataSource();
            neu.setURL("jdbc:h2:mem:ctx_hand_new");
            Switchboard switchboard = Switchboard.builder().switchStore(SwitchStores.inMemory())
                    .migration(MigrationSwitchConfig.of("orders")).build();
            return DualWriteDataSource.builder().oldDataSource(old).newDataSource(neu).migration("orders")
                    .dualWriter(DualWriter.builder().resolver(switchboard).changeLog(ChangeLogs.inMemory()).build())
                    .mapping(TableMapping.identity("orders")).build();
        }
    }
}
