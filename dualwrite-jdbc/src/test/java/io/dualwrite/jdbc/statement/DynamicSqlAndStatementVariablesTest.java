package io.dualwrite.jdbc.statement;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualwrite.Store;
import io.dualwrite.mapping.TableMapping;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * MySQL's and MariaDB's dynamic SQL is read for the text it runs, and MariaDB's {@code SET STATEMENT … FOR} a write
 * is analysed as the write when its variables only limit time, locks or memory.
 */
class DynamicSqlAndStatementVariablesTest {

    private final StatementAnalyzer analyzer = new StatementAnalyzer(Map.of("orders", TableMapping.builder("orders")
            .newTable("orders_v2").rename("qty", "quantity").build()), 100, table -> List.of("id", "quantity"));

    @Test
    void executeImmediateOfAStringLiteralRunsItsText() {
        Map<String, TxControl.Dynamic> prepared = new HashMap<>();
        assertThat(TxControl.dynamicText("EXECUTE IMMEDIATE 'COMMIT'", prepared))
                .isEqualTo(new TxControl.Dynamic("COMMIT"));
        assertThat(TxControl.dynamicText("execute immediate \"it''s\" USING @a", prepared).text()).isEqualTo("it''s");
        assertThat(TxControl.dynamicText("EXECUTE IMMEDIATE 'it''s'", prepared).text()).isEqualTo("it's");
        assertThat(TxControl.dynamicText("EXECUTE IMMEDIATE 'ROLLBACK' /* c */;", prepared).text())
                .isEqualTo("ROLLBACK");
        assertThat(TxControl.dynamicText("EXECUTE IMMEDIATE @sql", prepared).known()).isFalse();
        assertThat(TxControl.dynamicText("EXECUTE IMMEDIATE CONCAT('COM', 'MIT')", prepared).known()).isFalse();
        assertThat(TxControl.dynamicText("EXECUTE IMMEDIATE 'COM' 'MIT'", prepared).known()).isFalse();
        assertThat(TxControl.dynamicText("SELECT 'EXECUTE IMMEDIATE'", prepared)).isNull();
    }

    @Test
    void preparedTextsAreTrackedByNameWithoutCaseAndForgottenWhenDeallocated() {
        Map<String, TxControl.Dynamic> prepared = new HashMap<>();
        assertThat(TxControl.trackPrepared("PREPARE `Stmt` FROM 'ROLLBACK'", prepared)).isTrue();
        assertThat(TxControl.dynamicText("EXECUTE stmt", prepared).text()).isEqualTo("ROLLBACK");
        assertThat(TxControl.dynamicText("EXECUTE STMT USING @a, @b", prepared).text()).isEqualTo("ROLLBACK");

        TxControl.trackPrepared("PREPARE stmt FROM @text", prepared);
        assertThat(TxControl.dynamicText("EXECUTE stmt", prepared).known()).isFalse();

        TxControl.trackPrepared("PREPARE stmt FROM 'COMMIT'", prepared);
        assertThat(TxControl.trackPrepared("DEALLOCATE PREPARE stmt", prepared)).isTrue();
        assertThat(TxControl.dynamicText("EXECUTE stmt", prepared).known()).isFalse();
        assertThat(TxControl.trackPrepared("drop prepare other", prepared)).isTrue();
        assertThat(TxControl.trackPrepared("PREPARE TRANSACTION 'gid'", prepared)).isFalse();
        assertThat(TxControl.dynamicText("EXECUTE never_prepared", prepared).known()).isFalse();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"PREPARE s FROM 'COMMIT'", "DEALLOCATE PREPARE s", "DROP PREPARE s"})
    void preparingAndDeallocatingNeverCommit(String sql) {
        assertThat(TxControl.implicitCommit(sql, true)).isEqualTo(TxControl.ImplicitCommit.NONE);
    }

    @Test
    void aWriteUnderTimeAndLockLimitsIsAnalysedAsTheWriteAndKeepsItsPrefixOnTheOldStore() {
        String sql = "SET STATEMENT max_statement_time = 10, innodb_lock_wait_timeout = 5 FOR "
                + "UPDATE orders SET qty = ? WHERE id = ?";
        StatementAnalysis analysis = analyzer.analyze(sql);

        assertThat(analysis.kind()).isEqualTo(SqlKind.UPDATE);
        assertThat(analysis.keysUnknown()).isNull();
        assertThat(analysis.whereKey()).containsExactly(new ValueRef(2, null));
        assertThat(analysis.sql()).isEqualTo(sql);
        assertThat(analysis.on(Store.OLD).sql()).isEqualTo(sql);
        assertThat(analysis.on(Store.OLD).parameters()).hasSize(2);
        assertThat(analysis.on(Store.NEW).sql()).isEqualTo("UPDATE orders_v2 SET quantity = ? WHERE id = ?");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"SET STATEMENT sql_mode = '' FOR ", "SET STATEMENT time_zone = '+01:00' FOR ",
            "SET STATEMENT auto_increment_increment = 2 FOR ", "SET STATEMENT max_statement_time = @limit FOR ",
            "SET STATEMENT lock_wait_timeout = 5, optimizer_switch = 'index_merge=off' FOR "})
    void aWriteUnderOtherVariablesIsNotAnalysedAsAnExactWrite(String prefix) {
        StatementAnalysis analysis = analyzer.analyze(prefix + "UPDATE orders SET qty = 1 WHERE id = 2");

        assertThat(analysis.whereKey()).isNull();
        assertThat(analysis.writtenMappings()).extracting(TableMapping::oldTable).containsExactly("orders");
    }
}
