package io.dualwrite.mybatis;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.ibatis.binding.MapperMethod;
import org.apache.ibatis.type.TypeHandlerRegistry;
import org.junit.jupiter.api.Test;

/** Where the ids come from, in order: the statement's path, the global paths, the annotated fields. */
class ContextExtractorTest {

    private static final String INSERT_ALL = "io.dualwrite.mybatis.OrderXmlMapper.insertAll";
    private final ContextExtractor extractor = new ContextExtractor(MyBatisStores.RULES, new TypeHandlerRegistry());

    @Test
    void aGlobalPathReadsABeanAndAParamMapByItsParamName() {
        assertThat(extractor.idsOf("x.M.insert", new Order("m-1", "NEW", "1")).merchantId()).isEqualTo("m-1");
        MapperMethod.ParamMap<Object> params = new MapperMethod.ParamMap<>();
        params.put("id", 5L);
        params.put("merchantNo", "m-9");
        assertThat(extractor.idsOf("x.M.update", params).merchantId()).isEqualTo("m-9");
    }

    @Test
    void theAnnotatedFieldIsReadWhenNoPathFits() {
        assertThat(extractor.idsOf("x.M.change", new OrderChange(1, "m-3", "PAID")).merchantId()).isEqualTo("m-3");
    }

    @Test
    void aPathThroughAListTakesTheIdAllElementsShareAndNoneWhenTheyDiffer() {
        Map<String, Object> same = new HashMap<>(Map.of("orders", List.of(new Order("m-1", "A", "1"), new Order("m-1", "B", "2"))));
        assertThat(extractor.idsOf(INSERT_ALL, same).merchantId()).isEqualTo("m-1");
        Map<String, Object> mixed = new HashMap<>(Map.of("orders", List.of(new Order("m-1", "A", "1"), new Order("m-2", "B", "2"))));
        assertThat(extractor.contextFor(INSERT_ALL, mixed)).isNull();
    }

    @Test
    void theStatementPathWinsOverTheGlobalOne() {
        Map<String, Object> params = new HashMap<>(Map.of("shop", "m-7", "merchantNo", "m-8", "status", "X"));
        assertThat(extractor.idsOf("io.dualwrite.mybatis.OrderXmlMapper.deleteByStatus", params).merchantId())
                .isEqualTo("m-7");
        assertThat(extractor.idsOf("io.dualwrite.mybatis.OrderMapper.delete", params).merchantId()).isEqualTo("m-8");
    }

    @Test
    void aSimpleParameterOrNullHasNoIds() {
        assertThat(extractor.contextFor("x.M.selectById", 5L)).isNull();
        assertThat(extractor.contextFor("x.M.selectById", null)).isNull();
    }

    @Test
    void aNestedPathReadsThroughBeansMapsListsAndArraysAlike() {
        ContextExtractor nested = new ContextExtractor(ContextRules.builder(MyBatisStores.MIGRATION)
                .merchantIdPath("order.merchantNo").annotations(false).build(), new TypeHandlerRegistry());
        Order order = new Order("m-4", "NEW", "1");

        assertThat(nested.idsOf("x.M.a", new HashMap<>(Map.of("order", order))).merchantId()).isEqualTo("m-4");
        assertThat(nested.idsOf("x.M.b", new HashMap<>(Map.of("order", List.of(order, new Order("m-4", "X", "2")))))
                .merchantId()).isEqualTo("m-4");
        assertThat(nested.idsOf("x.M.c", new HashMap<>(Map.of("order", new Order[] {order, new Order("m-5", "X", "2")}))).merchantId())
                .as("elements that disagree give no id").isNull();
        assertThat(nested.idsOf("x.M.d", List.of(Map.of("order", order), Map.of("order", order))).merchantId())
                .as("a list as the parameter itself").isEqualTo("m-4");
        assertThat(nested.idsOf("x.M.e", new HashMap<>(Map.of("order", "m-4"))).merchantId())
                .as("a simple value where the path needs a bean").isNull();
        Map<String, Object> nullOrder = new HashMap<>();
        nullOrder.put("order", null);
        assertThat(nested.idsOf("x.M.f", nullOrder).merchantId()).isNull();
        assertThat(nested.idsOf("x.M.g", new HashMap<>(Map.of("order", new Order(" ", "NEW", "1")))).merchantId())
                .as("a blank id is no id").isNull();
    }

    @Test
    void aPathEndingInAListTakesTheValueItsElementsShare() {
        ContextExtractor listed = new ContextExtractor(ContextRules.builder(MyBatisStores.MIGRATION)
                .merchantIdPath("merchants").annotations(false).build(), new TypeHandlerRegistry());

        assertThat(listed.idsOf("x.M.a", new HashMap<>(Map.of("merchants", List.of("m-1", "m-1")))).merchantId())
                .isEqualTo("m-1");
        assertThat(listed.idsOf("x.M.b", new HashMap<>(Map.of("merchants", List.of("m-1", "m-2")))).merchantId())
                .isNull();
        assertThat(listed.idsOf("x.M.c", new HashMap<>(Map.of("merchants", new String[] {"m-3"}))).merchantId())
                .isEqualTo("m-3");
    }
}
