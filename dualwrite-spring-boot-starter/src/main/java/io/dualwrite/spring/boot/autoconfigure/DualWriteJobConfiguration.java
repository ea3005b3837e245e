package io.dualwrite.spring.boot.autoconfigure;

import io.dualwrite.DualWriter;
import io.dualwrite.changelog.ChangeLog;
import io.dualwrite.jdbc.DualWriteDataSource;
import io.dualwrite.spring.jobs.DualWriteJob;
import io.dualwrite.spring.jobs.DualWriteJobProperties;
import io.dualwrite.spring.jobs.DualWriteJobRunner;
import io.dualwrite.switches.Switchboard;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * The job runner, when {@code dualwrite.job} is set (e.g. {@code --dualwrite.job=verify}): a
 * {@link DualWriteJobRunner} over the application's {@link DualWriteDataSource}, {@link ChangeLog} and
 * {@link Switchboard}, with the options of {@link DualWriteJobProperties}.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(prefix = "dualwrite", name = "job")
@EnableConfigurationProperties(DualWriteJobProperties.class)
class DualWriteJobConfiguration {

    @Bean
    @ConditionalOnMissingBean
    DualWriteJobRunner dualWriteJobRunner(Environment environment, DualWriteJobProperties properties,
                                          ObjectProvider<DataSource> dataSources, ChangeLog changeLog,
                                          Switchboard switchboard, ObjectProvider<DualWriter> dualWriter) {
        DualWriteJob job = DualWriteJob.parse(environment.getProperty(DualWriteJob.PROPERTY));
        DualWriteDataSource dataSource = dualWriteDataSource(dataSources.orderedStream().toList(),
                properties.getMigration());
        return new DualWriteJobRunner(job, properties, dataSource, changeLog, switchboard, dualWriter.getIfUnique());
    }

    /**
     * The application's {@link DualWriteDataSource}: a data source bean that is one or wraps one; the one of
     * {@code dualwrite.job.migration} when there are several.
     */
    static DualWriteDataSource dualWriteDataSource(List<DataSource> dataSources, @Nullable String migration) {
        List<DualWriteDataSource> found = new ArrayList<>();
        for (DataSource dataSource : dataSources) {
            DualWriteDataSource dualWrite = unwrap(dataSource);
            if (dualWrite != null && !found.contains(dualWrite)) {
                found.add(dualWrite);
            }
        }
        List<String> migrations = found.stream().map(DualWriteDataSource::migration).toList();
        if (migration != null) {
            return found.stream().filter(d -> d.migration().equals(migration)).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("dualwrite.job.migration is '" + migration
                            + "', but the application's DualWriteDataSources serve " + migrations
                            + "; name one of those"));
        }
        if (found.isEmpty()) {
            throw new IllegalStateException("dualwrite.job needs the application's DualWriteDataSource, but no"
                    + " DataSource bean is one or wraps one; enable dualwrite (dualwrite.enabled) or declare a"
                    + " DualWriteDataSource bean");
        }
        if (found.size() > 1) {
            throw new IllegalArgumentException("dualwrite.job.migration must name the migration the job covers when"
                    + " there are several DualWriteDataSources, but was not set; they serve " + migrations);
        }
        return found.get(0);
    }

    private static @Nullable DualWriteDataSource unwrap(DataSource dataSource) {
        if (dataSource instanceof DualWriteDataSource dualWrite) {
            return dualWrite;
        }
        try {
            return dataSource.isWrapperFor(DualWriteDataSource.class) ? dataSource.unwrap(DualWriteDataSource.class)
                    : null;
        } catch (SQLException e) {
            return null;
        }
    }
}
