package io.dualwrite.spring.boot.autoconfigure;

import io.dualwrite.DualWriter;
import io.dualwrite.changelog.ChangeLog;
import io.dualwrite.jdbc.testing.TestDatabases;
import io.dualwrite.switches.Switchboard;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.core.env.Environment;

/**
 * An application with a plain {@code main} (no {@code System.exit} of its own), run in a JVM of its own by
 * {@link JobApplicationTest}: two H2 stores holding the same rows, one of them changed in the new store when
 * {@code test.plant-difference=true}.
 */
@Configuration(proxyBeanMethods = false)
@Import(DualWriteJobConfiguration.class)
public class ForkedJobApplication {

    public static void main(String[] args) {
        SpringApplication application = new SpringApplication(ForkedJobApplication.class);
        application.setWebApplicationType(WebApplicationType.NONE);
        application.run(args);
    }

    @Bean(destroyMethod = "close")
    JobStores jobStores(Environment environment) throws SQLException {
        JobStores stores = JobStores.create(TestDatabases.Kind.H2, TestDatabases.Kind.H2).seedBoth(200);
        if (environment.getProperty("test.plant-difference", Boolean.class, false)) {
            stores.fresh.execute("UPDATE orders_v2 SET amount = 0 WHERE id = 42");
        }
        return stores;
    }

    @Bean
    DataSource dataSource(JobStores stores) {
        return stores.dataSource;
    }

    @Bean
    ChangeLog changeLog(JobStores stores) {
        return stores.changeLog;
    }

    @Bean
    Switchboard switchboard(JobStores stores) {
        return stores.switchboard;
    }

    @Bean
    DualWriter dualWriter(JobStores stores) {
        return stores.writer;
    }
}
