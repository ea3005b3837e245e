package io.dualwrite.mybatis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dualwrite.Store;
import io.dualwrite.annotation.DualWrite;
import io.dualwrite.changelog.Operation;
import io.dualwrite.jdbc.testing.TestDatabases;
import java.util.ArrayList;
import java.util.List;
import org.apache.ibatis.annotations.Insert;
import org.apache.ibatis.annotations.Options;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Twelfth break review of the MyBatis module. Tries generated keys that come back as several columns
 * ({@code keyProperty="merchantNo,id"}) through two session factories.
 * Every test of mirroring ends comparing both stores row by row with plain JDBC, and the change log.
 */
class MyBatisBreak12Test {

    /** An insert taking back two generated columns, neither of them the table's key. */
    public interface Break12NoKeyMapper {
        @DualWrite(table = "orders", key = 0, operation = Operation.INSERT)
        @Insert("INSERT INTO orders (merchant_no, status, amount) VALUES (#{merchantNo}, #{status}, #{amount})")
        @Options(useGeneratedKeys = true, keyProperty = "merchantNo,status", keyColumn = "merchant_no,status")
        int insert(Order order);
    }

    /**
     * A marked insert taking back two generated columns, the table's key second ({@code keyProperty="merchantNo,id"},
     * alone, through {@code @Param} and for each element of a {@code <foreach>} insert): the sync took the first
     * property's value ("m-1", "NEW") for the row's key, read no row by it, and the rows never reached the new store.
     */
    @ParameterizedTest
    @EnumSource(value = TestDatabases.Kind.class, names = {"H2", "POSTGRES"})
    void aMarkedInsertTakingBackSeveralGeneratedColumnsSyncsTheRowByItsKeyProperty(TestDatabases.Kind kind)
            throws Exception {
        try (MyBatisBreakSupport.TwoStores stores = new MyBatisBreakSupport.TwoStores(kind)) {
            Break12TwoStoreMapper orders = stores.mappers(Break12TwoStoreMapper.class)
                    .rules(ContextRules.builder("orders").merchantIdPath("merchantNo")
                            .statement(Break12TwoStoreMapper.class.getName() + ".insertRow", null, "row.merchantNo")
                            .statement(Break12TwoStoreMapper.class.getName() + ".insertAll", null, "orders.merchantNo")
                            .build())
                    .build().mapper(Break12TwoStoreMapper.class);
            Order first = new Order("m-1", "NEW", "1.00");
            orders.insert(first);
            orders.insertRow(new Order("m-1", "NEW", "2.00"));
            orders.insertAll(new ArrayList<>(List.of(new Order("m-1", "NEW", "3.00"), new Order("m-1", "NEW", "4.00"))));
            assertThat(first.getId()).isNotNull();
            assertThat(MyBatisBreakSupport.rows(stores.oldDb)).hasSize(4);
            assertThat(MyBatisBreakSupport.rows(stores.newDb)).isEqualTo(MyBatisBreakSupport.rows(stores.oldDb));
            assertThat(stores.changeLog.pendingCount("orders")).isZero();
        }
    }

    /**
     * Several key properties none of which is the table's key ({@code keyProperty="merchantNo,status"}): every call
     * synced by the merchant, found no row and recorded a key no repair could sync. Refused when the mapper is made.
     */
    @Test
    void aMarkedInsertTakingBackSeveralColumnsNoneOfThemTheKeyIsRefusedWhenItsMapperIsMade() throws Exception {
        try (MyBatisBreakSupport.TwoStores stores = new MyBatisBreakSupport.TwoStores(TestDatabases.Kind.H2)) {
            String mapper = Break12TwoStoreMapper.class.getName() + ".";
            List<String> upsert = List.of(mapper + "deleteById", mapper + "insertWithId");
            DualWriteMappers mappers = DualWriteMappers.builder(stores.writer, "orders")
                    .sessions(Store.OLD, MyBatisBreakSupport.twoStoreFactory(stores.oldDb.dataSource(),
                            Break12TwoStoreMapper.class, Break12NoKeyMapper.class))
                    .sessions(Store.NEW, MyBatisBreakSupport.twoStoreFactory(stores.newDb.dataSource(),
                            Break12TwoStoreMapper.class, Break12NoKeyMapper.class))
                    .table("orders", Store.OLD, mapper + "selectById", upsert, List.of(mapper + "deleteById"))
                    .table("orders", Store.NEW, mapper + "selectById", upsert, List.of(mapper + "deleteById"))
                    .build();
            assertThatThrownBy(() -> mappers.mapper(Break12NoKeyMapper.class))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith(Break12NoKeyMapper.class.getName() + ".insert takes back several keys"
                            + " (keyProperty \"merchantNo,status\") and none of them is the key of table 'orders'");
            assertThat(MyBatisBreakSupport.rows(stores.oldDb)).isEmpty();
            assertThat(MyBatisBreakSupport.rows(stores.newDb)).isEmpty();
        }
    }
}
