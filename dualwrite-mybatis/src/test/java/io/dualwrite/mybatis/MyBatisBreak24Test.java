package io.dualwrite.mybatis;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualwrite.MigrationPhase;
import io.dualwrite.jdbc.testing.TestDatabases.Kind;
import java.math.BigDecimal;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.ibatis.mapping.Environment;
import org.apache.ibatis.session.Configuration;
import org.apache.ibatis.session.SqlSession;
import org.apache.ibatis.session.SqlSessionFactory;
import org.apache.ibatis.session.SqlSessionFactoryBuilder;
import org.apache.ibatis.transaction.jdbc.JdbcTransactionFactory;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Twenty-fourth break review of the MyBatis module. Each test ends comparing both stores row by row with plain JDBC
 * in the test ({@link MyBatisStores#oldRows()}, {@link MyBatisStores#newRows()}).
 */
class MyBatisBreak24Test {

    private static final String XML = MyBatisBreakSupport.XML_MAPPER_HEAD
            + "<mapper namespace=\"io.dualwrite.mybatis.Break24Mapper\">\n"
            + " <insert id=\"insertBound\" useGeneratedKeys=\"true\" keyProperty=\"id\" keyColumn=\"id\">\n"
            + "  <bind name=\"m\" value=\"merchantNo.trim()\"/>\n"
            + "  INSERT INTO orders (merchant_no, status, amount) VALUES (#{m}, #{status}, #{amount})\n"
            + " </insert>\n"
            + " <insert id=\"insertLowered\" useGeneratedKeys=\"true\" keyProperty=\"id\" keyColumn=\"id\">\n"
            + "  <bind name=\"m\" value=\"merchantNo.toLowerCase()\"/>\n"
            + "  INSERT INTO orders (merchant_no, status, amount) VALUES (#{m}, #{status}, #{amount})\n"
            + " </insert>\n"
            + " <insert id=\"insertShadowed\" useGeneratedKeys=\"true\" keyProperty=\"id\" keyColumn=\"id\">\n"
            + "  <bind name=\"merchantNo\" value=\"merchantNo.strip()\"/>\n"
            + "  INSERT INTO orders (merchant_no, status, amount) VALUES (#{merchantNo}, #{status}, #{amount})\n"
            + " </insert>\n"
            + " <insert id=\"insertLabelled\" useGeneratedKeys=\"true\" keyProperty=\"id\" keyColumn=\"id\">\n"
            + "  <bind name=\"m\" value=\"merchantNo.trim()\"/><bind name=\"label\" value=\"'merchantNo'\"/>\n"
            + "  INSERT INTO orders (merchant_no, status, amount) VALUES (#{m}, #{label}, #{amount})\n"
            + " </insert>\n"
            + " <insert id=\"insertTrimmedDollar\" useGeneratedKeys=\"true\" keyProperty=\"id\" keyColumn=\"id\">\n"
            + "  INSERT INTO orders (merchant_no, status, amount) VALUES ('${merchantNo.trim()}', #{status}, #{amount})\n"
            + " </insert>\n"
            + " <insert id=\"insertPrefixedDollar\" useGeneratedKeys=\"true\" keyProperty=\"id\" keyColumn=\"id\">\n"
            + "  INSERT INTO orders (merchant_no, status, amount) VALUES ('m-${merchantNo}', #{status}, #{amount})\n"
            + " </insert>\n"
            + " <insert id=\"insertPrefixed\" useGeneratedKeys=\"true\" keyProperty=\"id\" keyColumn=\"id\">\n"
            + "  <bind name=\"m\" value=\"'m-' + merchantNo\"/>\n"
            + "  INSERT INTO orders (merchant_no, status, amount) VALUES (#{m}, #{status}, #{amount})\n"
            + " </insert>\n"
            + " <update id=\"updateBound\">\n"
            + "  <bind name=\"m\" value=\"merchantNo.trim()\"/>\n"
            + "  UPDATE orders SET status = #{status} WHERE id = #{id} AND merchant_no = #{m}\n"
            + " </update>\n"
            + " <insert id=\"insertDollar\" useGeneratedKeys=\"true\" keyProperty=\"id\" keyColumn=\"id\">\n"
            + "  INSERT INTO orders (merchant_no, status, amount) VALUES ('${merchantNo}', #{status}, #{amount})\n"
            + " </insert>\n"
            + " <insert id=\"insertRecord\">\n"
            + "  INSERT INTO orders (merchant_no, status, amount) VALUES (#{merchantNo}, #{status}, #{amount})\n"
            + " </insert>\n"
            + " <insert id=\"insertNested\">\n"
            + "  INSERT INTO orders (merchant_no, status, amount)\n"
            + "  VALUES (#{order.shop.merchantNo}, #{order.status}, #{order.amount})\n"
            + " </insert>\n"
            + " <insert id=\"insertChosen\">\n"
            + "  INSERT INTO orders (merchant_no, status, amount) VALUES\n"
            + "  <foreach collection=\"orders\" item=\"o\" separator=\",\">\n"
            + "   (#{o.merchantNo}, <choose><when test=\"o.status != null\">#{o.status}</when>"
            + "<otherwise>'NEW'</otherwise></choose>, #{o.amount})\n"
            + "  </foreach>\n"
            + " </insert>\n"
            + " <update id=\"updateTrimmed\">\n"
            + "  UPDATE orders <trim prefix=\"SET\" suffixOverrides=\",\"><if test=\"status != null\">status = #{status},"
            + "</if></trim> WHERE id = #{id}\n"
            + " </update>\n"
            + "</mapper>\n";

    private static final ContextRules RULES = ContextRules.builder(MyBatisStores.MIGRATION)
            .merchantIdPath("merchantNo").merchantIdPath("order.shop.merchantNo").build();

    private static SqlSessionFactory sessions(MyBatisStores stores) {
        Configuration configuration = new Configuration(
                new Environment("break24", new JdbcTransactionFactory(), stores.dataSource));
        MyBatisBreakSupport.parseXml(configuration, XML, "break24.xml");
        MigrationContextInterceptor.install(configuration, RULES);
        return new SqlSessionFactoryBuilder().build(configuration);
    }

    // Guards (held when written): parameters of other shapes and statements made per call. '${}' substitution of the
    // merchant, a record, a map inside a map under a @Param name (path order.shop.merchantNo), a <foreach> with a
    // <choose> in each row, and an update whose SET is a <trim> of an <if>: m-1's rows (DUAL_WRITE) reach the new
    // store, m-2's (OLD_ONLY) not, nothing recorded.
    @ParameterizedTest
    @CsvSource({"H2", "POSTGRES", "MARIADB"})
    void parametersOfOtherShapesAndStatementsMadePerCallOpenTheMerchantsContext(Kind kind) throws Exception {
        try (MyBatisStores stores = new MyBatisStores(kind)) {
            stores.merchantPhase("m-1", MigrationPhase.DUAL_WRITE);
            try (SqlSession session = sessions(stores).openSession(true)) {
                Break24Mapper mapper = session.getMapper(Break24Mapper.class);
                mapper.insertDollar(new Order("m-1", "NEW", "1.00"));
                mapper.insertRecord(new Break24Mapper.RecordOrder("m-1", "NEW", new BigDecimal("2.00")));
                Map<String, Object> shop = new HashMap<>(Map.of("merchantNo", "m-1"));
                mapper.insertNested(new HashMap<>(Map.of("shop", shop, "status", "NEW",
                        "amount", new BigDecimal("3.00"))));
                mapper.insertChosen(List.of(new Order("m-1", null, "4.00"), new Order("m-1", "PAID", "5.00")));
                mapper.updateTrimmed(1, "m-1", "PAID");
                mapper.insertDollar(new Order("m-2", "NEW", "6.00"));
            }
            MyBatisBreakSupport.assertOnlyTheMerchantMirrored(stores, "m-1", 6, 5);
        }
    }

    // A <bind> between the parameter and the merchant column: <bind name="m" value="merchantNo.trim()"/> then #{m}
    // (and merchantNo.toLowerCase(), and a bind named as the property it shadows: <bind name="merchantNo"
    // value="merchantNo.strip()"/> then #{merchantNo}, which MyBatis binds from the bind; and '${merchantNo.trim()}',
    // in XML and in an annotation without a script).
    // The interceptor read the merchant from the parameter's property (" m-1 ", "M-1", "m-1\t"; the path merchantNo
    // and Order's @MerchantId agree) while the column holds m-1, whom the switches name: the writes ran as a merchant
    // no switch names (the system's OLD_ONLY), and with no merchant column mapped the copier took that context for the
    // rows' merchant: m-1's rows (DUAL_WRITE) never reached the new store, nothing recorded. Expected: where a <bind>
    // (or a quoted literal made by ${…}) reads the id's property and the SQL does not bind the property itself, the id
    // is the bind's value when it is the property's but for case and spaces around it (a bind of the quoted text
    // 'merchantNo' beside it reads no property): m-1's rows mirrored, m-2's (written beside them by '${merchantNo}',
    // the property as it is) not, nothing recorded, with or without the merchant column mapped.
    @ParameterizedTest
    @CsvSource({"H2,true", "H2,false", "POSTGRES,true", "POSTGRES,false", "MARIADB,true", "MARIADB,false"})
    void aMerchantABindNormalisesIsTheValueTheStatementBinds(Kind kind, boolean merchantColumn) throws Exception {
        try (MyBatisStores stores = new MyBatisStores(kind, mapping(merchantColumn))) {
            stores.merchantPhase("m-1", MigrationPhase.DUAL_WRITE);
            try (SqlSession session = sessions(stores).openSession(true)) {
                Break24Mapper mapper = session.getMapper(Break24Mapper.class);
                mapper.insertBound(new Order(" m-1 ", "NEW", "1.00"));
                mapper.insertLowered(new Order("M-1", "NEW", "2.00"));
                mapper.insertShadowed(new Order("m-1\t", "NEW", "3.00"));
                mapper.insertLabelled(new Order(" m-1", "NEW", "4.00"));
                mapper.insertTrimmedDollar(new Order(" m-1 ", "NEW", "5.00"));
                mapper.insertAnnotatedDollar(new Order("m-1 ", "NEW", "6.00"));
                mapper.insertDollar(new Order("m-2", "NEW", "7.00"));
            }
            MyBatisBreakSupport.assertOnlyTheMerchantMirrored(stores, "m-1", 7, 6);
        }
    }

    // The same kind where the bind makes another value of the property: <bind name="m" value="'m-' + merchantNo"/>
    // called with merchantNo "1" writes merchant m-1 (also 'm-${merchantNo}', a literal around a substitution). Read
    // as merchant "1" (no switch names it), the row never reached the new store without a merchant column mapped,
    // unrecorded. Expected: no id is taken from the parameter, the write is unattributed and the data source decides:
    // with the merchant column mapped, the row by its own merchant (copied, nothing recorded); with none mapped, one
    // scoped resync of the table per write (rows-not-attributable), which the scoped-resync resolver completes.
    @ParameterizedTest
    @CsvSource({"H2,true", "H2,false", "POSTGRES,true", "POSTGRES,false", "MARIADB,true", "MARIADB,false"})
    void aMerchantABindRewritesOtherwiseGivesNoId(Kind kind, boolean merchantColumn) throws Exception {
        io.dualwrite.mapping.TableMapping mapping = mapping(merchantColumn);
        try (MyBatisStores stores = new MyBatisStores(kind, mapping)) {
            stores.merchantPhase("m-1", MigrationPhase.DUAL_WRITE);
            try (SqlSession session = sessions(stores).openSession(true)) {
                Break24Mapper mapper = session.getMapper(Break24Mapper.class);
                mapper.insertPrefixed(new Order("1", "NEW", "1.00"));
                mapper.insertPrefixed(new Order("1", "NEW", "2.00"));
                mapper.insertPrefixedDollar(new Order("1", "NEW", "3.00"));
            }
            if (!merchantColumn) {
                assertThat(stores.oldDb.query("SELECT operation, reason FROM dualwrite_change_log"))
                        .extracting(row -> row.get("operation") + " " + row.get("reason"))
                        .as("one scoped resync per write").hasSize(3).containsOnly("RESYNC rows-not-attributable");
                io.dualwrite.jdbc.verify.Verifier verifier = io.dualwrite.jdbc.verify.Verifier.builder()
                        .oldDataSource(stores.oldDb.dataSource()).newDataSource(stores.newDb.dataSource())
                        .changeLog(stores.changeLog).recheckDelay(java.time.Duration.ZERO).build();
                io.dualwrite.jdbc.copy.RowCopier copier = io.dualwrite.jdbc.copy.RowCopier.builder()
                        .oldDataSource(stores.oldDb.dataSource()).newDataSource(stores.newDb.dataSource()).build();
                assertThat(io.dualwrite.jdbc.verify.ScopedResyncResolver.builder().migration(MyBatisStores.MIGRATION)
                        .changeLog(stores.changeLog).verifier(verifier)
                        .repairer(io.dualwrite.jdbc.verify.Repairer.of(copier, verifier)).mapping(mapping).build()
                        .resolveOnce().failed()).isZero();
            }
            MyBatisBreakSupport.assertOnlyTheMerchantMirrored(stores, "m-1", 3, 3);
        }
    }

    private static io.dualwrite.mapping.TableMapping mapping(boolean merchantColumn) {
        return merchantColumn ? io.dualwrite.mapping.TableMapping.builder("orders").newTable("orders_v2")
                .rename("amount", "amount_total").merchantIdColumn("merchant_no").build() : MyBatisStores.MAPPING;
    }

    // The same where the merchant column is mapped and the merchant's authority has moved: m-1 in NEW_PRIMARY, an
    // update through <bind name="m" value="merchantNo.trim()"/> ... AND merchant_no = #{m} called with " m-1 ". The
    // context named " m-1 " (the system's OLD_ONLY), so the update ran on the old store alone, and the new store,
    // m-1's authority, kept the row as it was. Expected: the write is unattributed, the data source reads m-1 from its
    // WHERE, runs it on the new store and syncs the old one; nothing recorded.
    @ParameterizedTest
    @CsvSource({"H2", "POSTGRES", "MARIADB"})
    void aMerchantABindReadsDoesNotSendTheWriteToTheStoreThatIsNotItsAuthority(Kind kind) throws Exception {
        try (MyBatisStores stores = new MyBatisStores(kind, mapping(true))) {
            stores.oldDb.execute("INSERT INTO orders (id, merchant_no, status, amount) VALUES (1, 'm-1', 'NEW', 1.00)",
                    "INSERT INTO orders (id, merchant_no, status, amount) VALUES (2, 'm-1', 'NEW', 2.00)");
            stores.newDb.execute("INSERT INTO orders_v2 VALUES (1, 'm-1', 'NEW', 1.00)",
                    "INSERT INTO orders_v2 VALUES (2, 'm-1', 'NEW', 2.00)");
            stores.merchantPhase("m-1", MigrationPhase.NEW_PRIMARY);
            try (SqlSession session = sessions(stores).openSession(true)) {
                Break24Mapper mapper = session.getMapper(Break24Mapper.class);
                assertThat(mapper.updateBound(1, " m-1 ", "PAID")).isEqualTo(1);
                assertThat(mapper.updateBound(2, "m-1 ", "SHIPPED")).isEqualTo(1);
            }
            assertThat(stores.newRows()).isEqualTo(stores.oldRows())
                    .containsEntry(1L, "1 m-1 PAID 1").containsEntry(2L, "2 m-1 SHIPPED 2");
            assertThat(stores.changeLogCounts()).isEmpty();
        }
    }

    private static final String INLINE_XML = MyBatisBreakSupport.XML_MAPPER_HEAD
            + "<mapper namespace=\"io.dualwrite.mybatis.Break24InlineMapper\">\n"
            + " <insert id=\"insertDynamic\">\n"
            + "  INSERT INTO enum_orders (id, merchant_no, status) VALUES (#{id}, <choose><when test=\"merchant != null\">"
            + "#{merchant, typeHandler=org.apache.ibatis.type.EnumOrdinalTypeHandler}</when><otherwise>-1</otherwise>"
            + "</choose>, 'NEW')\n"
            + " </insert>\n"
            + " <update id=\"updateDynamic\">\n"
            + "  UPDATE enum_orders <set><if test=\"status != null\">status = #{status},</if></set>\n"
            + "  <where>id = #{order.id}<if test=\"order.merchant != null\"> AND merchant_no = #{order.merchant,"
            + " javaType=io.dualwrite.mybatis.Break23InlineHandlerMapper$Merchant,"
            + " typeHandler=org.apache.ibatis.type.EnumOrdinalTypeHandler}</if></where>\n"
            + " </update>\n"
            + " <insert id=\"insertAll\">\n"
            + "  INSERT INTO enum_orders (id, merchant_no, status) VALUES <foreach collection=\"orders\" item=\"o\""
            + " separator=\",\">(#{o.id}, #{o.merchant, typeHandler=org.apache.ibatis.type.EnumOrdinalTypeHandler},"
            + " 'NEW')</foreach>\n"
            + " </insert>\n"
            + "</mapper>\n";

    // Left open by round 23: a merchant enum bound by its ordinal through a type handler the statement names inline,
    // in dynamic SQL (a <choose> in the VALUES, a <set> and a <where> with an <if>, each element of a <foreach> by the
    // path orders.merchant), while the configuration binds enums by name. The column holds 0 for ACME, whom the
    // switches and the copier name; the interceptor, which read inline handlers of static SQL only, read the id as
    // "ACME", whom no switch names: ACME's rows (merchant 0, DUAL_WRITE) never reached the new store, unrecorded. Expected: the call's SQL is made and the id read through the handler
    // its mapping names: ACME's rows mirrored (the update too), GLOBEX's (1, OLD_ONLY) not, nothing recorded.
    @ParameterizedTest
    @CsvSource({"H2", "POSTGRES", "MARIADB"})
    void aMerchantBoundByAHandlerNamedInDynamicSqlIsTheValueItBinds(Kind kind) throws Exception {
        try (io.dualwrite.jdbc.testing.TestDatabase oldDb = io.dualwrite.jdbc.testing.TestDatabases.create(kind);
             io.dualwrite.jdbc.testing.TestDatabase newDb = io.dualwrite.jdbc.testing.TestDatabases.create(kind)) {
            for (io.dualwrite.jdbc.testing.TestDatabase db : List.of(oldDb, newDb)) {
                db.execute("CREATE TABLE enum_orders (id BIGINT PRIMARY KEY, merchant_no INT NOT NULL,"
                        + " status VARCHAR(20) NOT NULL)");
            }
            io.dualwrite.jdbc.schema.DualWriteSchema.create(oldDb.dataSource());
            io.dualwrite.switches.Switchboard switchboard = io.dualwrite.switches.Switchboard.builder()
                    .switchStore(io.dualwrite.switches.SwitchStores.inMemory())
                    .migration(io.dualwrite.switches.MigrationSwitchConfig.of("orders")).build();
            switchboard.switchStore().setMerchantPhase("orders", "0", MigrationPhase.DUAL_WRITE);
            try (io.dualwrite.DualWriter writer = io.dualwrite.DualWriter.builder().resolver(switchboard)
                    .changeLog(io.dualwrite.jdbc.changelog.JdbcChangeLog.create(oldDb.dataSource()))
                    .mirrorConfig(io.dualwrite.mirror.MirrorConfig.custom().mode(io.dualwrite.mirror.MirrorMode.SYNC)
                            .build()).build()) {
                io.dualwrite.jdbc.DualWriteDataSource dataSource = io.dualwrite.jdbc.DualWriteDataSource.builder()
                        .oldDataSource(oldDb.dataSource()).newDataSource(newDb.dataSource()).migration("orders")
                        .dualWriter(writer).mapping(io.dualwrite.mapping.TableMapping.identity("enum_orders")).build();
                Configuration configuration = new Configuration(
                        new Environment("break24", new JdbcTransactionFactory(), dataSource));
                MyBatisBreakSupport.parseXml(configuration, INLINE_XML, "break24-inline.xml");
                MigrationContextInterceptor.install(configuration, ContextRules.builder("orders")
                        .merchantIdPath("merchant").merchantIdPath("order.merchant").merchantIdPath("orders.merchant")
                        .build());
                try (SqlSession session = new SqlSessionFactoryBuilder().build(configuration).openSession(true)) {
                    Break24InlineMapper mapper = session.getMapper(Break24InlineMapper.class);
                    var acme = new Break23InlineHandlerMapper.MerchantOrder(1, Break23InlineHandlerMapper.Merchant.ACME);
                    mapper.insertDynamic(acme);
                    mapper.insertDynamic(new Break23InlineHandlerMapper.MerchantOrder(2,
                            Break23InlineHandlerMapper.Merchant.GLOBEX));
                    mapper.insertDynamic(new Break23InlineHandlerMapper.MerchantOrder(3,
                            Break23InlineHandlerMapper.Merchant.ACME));
                    assertThat(mapper.updateDynamic(acme, "PAID")).isEqualTo(1);
                    mapper.insertAll(List.of(
                            new Break23InlineHandlerMapper.MerchantOrder(4, Break23InlineHandlerMapper.Merchant.ACME),
                            new Break23InlineHandlerMapper.MerchantOrder(5, Break23InlineHandlerMapper.Merchant.ACME)));
                    mapper.insertAll(List.of(
                            new Break23InlineHandlerMapper.MerchantOrder(6, Break23InlineHandlerMapper.Merchant.GLOBEX)));
                }
                assertThat(rows(oldDb, "SELECT id, status FROM enum_orders ORDER BY id")).hasSize(6);
                assertThat(rows(newDb, "SELECT id, status FROM enum_orders ORDER BY id"))
                        .isEqualTo(rows(oldDb, "SELECT id, status FROM enum_orders WHERE merchant_no = 0 ORDER BY id"))
                        .containsEntry("1", "PAID").hasSize(4);
                assertThat(oldDb.query("SELECT row_key FROM dualwrite_change_log")).isEmpty();
            }
        }
    }

    private static Map<String, String> rows(io.dualwrite.jdbc.testing.TestDatabase db, String sql) throws Exception {
        Map<String, String> rows = new java.util.LinkedHashMap<>();
        for (Map<String, Object> row : db.query(sql)) {
            var values = row.values().iterator();
            rows.put(String.valueOf(values.next()), String.valueOf(values.next()));
        }
        return rows;
    }
}
