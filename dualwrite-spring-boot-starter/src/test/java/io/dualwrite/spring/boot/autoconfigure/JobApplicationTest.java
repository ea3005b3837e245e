package io.dualwrite.spring.boot.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualwrite.jdbc.testing.TestDatabases;
import io.dualwrite.spring.jobs.DualWriteJobRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

/**
 * The job runner in a real {@link SpringApplication} started with command-line arguments: on an old MariaDB and
 * a new PostgreSQL store in this JVM ({@code dualwrite.job.exit=false}, the code read through
 * {@link SpringApplication#exit}), and in a JVM of its own, which must end by itself with the job's exit code.
 */
class JobApplicationTest {

    @Configuration(proxyBeanMethods = false)
    @Import(DualWriteJobConfiguration.class)
    static class Application {
    }

    /** Starts the application with {@code args} over {@code stores}; the code {@link SpringApplication#exit} returns. */
    private static int run(JobStores stores, String... args) {
        SpringApplication application = new SpringApplication(Application.class);
        application.setWebApplicationType(WebApplicationType.NONE);
        application.addInitializers(context -> {
            context.getBeanFactory().registerSingleton("dataSource", stores.dataSource);
            context.getBeanFactory().registerSingleton("changeLog", stores.changeLog);
            context.getBeanFactory().registerSingleton("switchboard", stores.switchboard);
            context.getBeanFactory().registerSingleton("dualWriter", stores.writer);
        });
        ConfigurableApplicationContext context = application.run(args);
        assertThat(context.getBean(DualWriteJobRunner.class)).isNotNull();
        return SpringApplication.exit(context);
    }

    @Test
    void mariaDbToPostgresBackfillVerifyAndRepairThroughSpringApplicationExit() throws Exception {
        try (JobStores stores = JobStores.create(TestDatabases.Kind.MARIADB, TestDatabases.Kind.POSTGRES).seed(2_000)) {
            assertThat(run(stores, "--dualwrite.job=backfill", "--dualwrite.job.exit=false", "--dualwrite.job.rate=100000"))
                    .isEqualTo(DualWriteJobRunner.EXIT_CLEAN);
            assertThat(stores.newOrders()).hasSize(2_000).isEqualTo(stores.oldOrders());
            assertThat(stores.newItems()).hasSize(4_000).isEqualTo(stores.oldItems());
            assertThat(run(stores, "--dualwrite.job=verify", "--dualwrite.job.exit=false"))
                    .isEqualTo(DualWriteJobRunner.EXIT_CLEAN);

            stores.fresh.execute("UPDATE orders_v2 SET state = 'lost' WHERE id = 1500", "DELETE FROM items WHERE id = 9");
            assertThat(run(stores, "--dualwrite.job=verify", "--dualwrite.job.exit=false"))
                    .isEqualTo(DualWriteJobRunner.EXIT_DIFFERENCES);
            assertThat(run(stores, "--dualwrite.job=repair", "--dualwrite.job.exit=false"))
                    .isEqualTo(DualWriteJobRunner.EXIT_CLEAN);

            assertThat(stores.newOrders()).isEqualTo(stores.oldOrders());
            assertThat(stores.newItems()).isEqualTo(stores.oldItems());
            assertThat(run(stores, "--dualwrite.job=verify", "--dualwrite.job.exit=false"))
                    .isEqualTo(DualWriteJobRunner.EXIT_CLEAN);
        }
    }

    @Test
    void anApplicationStartedWithAJobEndsByItselfWithTheJobsExitCode(@TempDir Path directory) throws Exception {
        assertThat(fork(directory, "equal", "--dualwrite.job=verify")).isEqualTo(DualWriteJobRunner.EXIT_CLEAN);
        assertThat(Files.readString(directory.resolve("equal.log")))
                .contains("dualwrite job verify is done: closing the application");
        assertThat(fork(directory, "planted", "--dualwrite.job=verify", "--test.plant-difference=true"))
                .isEqualTo(DualWriteJobRunner.EXIT_DIFFERENCES);
        assertThat(fork(directory, "bad", "--dualwrite.job=migrate")).as("Spring Boot's code for a failed start")
                .isEqualTo(1);
        assertThat(Files.readString(directory.resolve("bad.log")))
                .contains("dualwrite.job must be one of [backfill, verify, repair, status], but was 'migrate'");
    }

    /** Runs {@link ForkedJobApplication} in a JVM of its own and returns its exit status. */
    private static int fork(Path directory, String name, String... args) throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Path log = directory.resolve(name + ".log");
        List<String> command = new java.util.ArrayList<>(List.of(java.toString(), "-Xmx256m", "-XX:TieredStopAtLevel=1",
                "-cp", System.getProperty("java.class.path"), ForkedJobApplication.class.getName()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            assertThat(process.waitFor(120, TimeUnit.SECONDS)).as("the application ended by itself").isTrue();
        } finally {
            process.destroyForcibly();
        }
        return process.exitValue();
    }
}
