package io.dualwrite.jdbc.copy;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualwrite.Store;
import io.dualwrite.mapping.TableMapping;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * MariaDB {@code FLOAT} keys hold single-precision values (0.1 is stored as 0.100000001490116…). A sync names them
 * by their float text ({@code "0.1"}); bound as a float, such a key matched no row, so a delete deleted nothing and
 * reported success. Each test compares both stores' rows exactly ({@code CAST(id AS DECIMAL(65, 30))}).
 */
class FloatKeysTest extends MariaDbTextTransactionStores {

    private static final TableMapping F = TableMapping.builder("f").primaryKey("id").build();
    private static final String ROWS = "SELECT CAST(id AS DECIMAL(65, 30)) AS k, qty FROM f ORDER BY id";

    @ParameterizedTest
    @ValueSource(strings = {"0.1", "-3.3", "1.0E-7", "1.0E30"})
    void aFloatKeyGoneFromTheSourceIsDeletedFromTheTarget(String key) throws Exception {
        old.execute("CREATE TABLE f (id FLOAT NOT NULL PRIMARY KEY, qty INT)", "INSERT INTO f VALUES (2, 2)");
        fresh.execute("CREATE TABLE f (id FLOAT NOT NULL PRIMARY KEY, qty INT)",
                "INSERT INTO f VALUES (" + key + ", 1), (2, 2)");

        copier(target).sync(Store.OLD, List.of(keys(F, key)));

        assertThat(table(fresh, ROWS)).isEqualTo(table(old, ROWS)).hasSize(1);
        assertClean(target);
    }

    @ParameterizedTest
    @ValueSource(strings = {"0.1", "-3.3", "1.0E-7", "1.0E30"})
    void aFloatKeysRowIsUpdatedInPlaceAndNotDuplicated(String key) throws Exception {
        old.execute("CREATE TABLE f (id FLOAT NOT NULL PRIMARY KEY, qty INT)", "INSERT INTO f VALUES (" + key + ", 5)");
        fresh.execute("CREATE TABLE f (id FLOAT NOT NULL PRIMARY KEY, qty INT)", "INSERT INTO f VALUES (" + key + ", 1)");

        copier(target).sync(Store.OLD, List.of(keys(F, key)));

        assertThat(table(fresh, ROWS)).isEqualTo(table(old, ROWS)).hasSize(1);
        assertClean(target);
    }
}
