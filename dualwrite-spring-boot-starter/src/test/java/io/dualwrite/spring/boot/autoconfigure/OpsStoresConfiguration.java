package io.dualwrite.spring.boot.autoconfigure;

import io.dualwrite.changelog.ChangeLogs;
import io.dualwrite.changelog.InMemoryChangeLog;
import io.dualwrite.switches.MigrationSwitchConfig;
import io.dualwrite.switches.SwitchStores;
import io.dualwrite.switches.Switchboard;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The beans the endpoint and metrics configurations are built from, in memory: what the core configuration gives. */
@Configuration(proxyBeanMethods = false)
class OpsStoresConfiguration {

    @Bean
    Switchboard switchboard() {
        return Switchboard.builder().switchStore(SwitchStores.inMemory()).migration(MigrationSwitchConfig.of("orders"))
                .build();
    }

    @Bean
    InMemoryChangeLog changeLog() {
        return ChangeLogs.inMemory();
    }
}
