package io.dualwrite.mybatis;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.ibatis.type.TypeHandlerRegistry;
import org.junit.jupiter.api.Test;

/**
 * The id paths of {@link ContextExtractor} (fast path and the path through collections) with parameters
 * of other kinds: primitive arrays, Optional, a path ending at a bean or a list of beans, records, superclasses.
 * An id is either the value the application holds or none: never the text of an object that is no id.
 */
class ContextExtractorIdValueTest {

    private static ContextExtractor merchantPath(String path) {
        return new ContextExtractor(ContextRules.builder(MyBatisStores.MIGRATION).merchantIdPath(path)
                .annotations(false).build(), new TypeHandlerRegistry());
    }

    private static ContextExtractor orderPath(String path) {
        return new ContextExtractor(ContextRules.builder(MyBatisStores.MIGRATION).orderIdPath(path)
                .annotations(false).build(), new TypeHandlerRegistry());
    }

    @Test
    void aPathEndingInAnArrayOfPrimitivesGivesTheValueItsElementsShareOrNone() {
        String id = orderPath("ids").idsOf("x.M.a", new HashMap<>(Map.of("ids", new long[] {42L}))).orderId();
        assertThat(id).as("not the array's identity text").isIn("42", null);
    }

    @Test
    void anOptionalIdIsItsValueOrNone() {
        ContextExtractor extractor = merchantPath("merchantNo");
        assertThat(extractor.idsOf("x.M.a", new HashMap<>(Map.of("merchantNo", Optional.of("m-1")))).merchantId())
                .isIn("m-1", null);
        assertThat(extractor.idsOf("x.M.b", new HashMap<>(Map.of("merchantNo", Optional.empty()))).merchantId())
                .as("an empty Optional is no id").isNull();
    }

    @Test
    void aPathEndingAtABeanIsNoId() {
        Order order = new Order("m-1", "NEW", "1");
        assertThat(merchantPath("order").idsOf("x.M.a", new HashMap<>(Map.of("order", order))).merchantId())
                .as("the path names the bean, not its merchant").isNull();
    }

    @Test
    void aPathEndingInAListOfOneBeanIsNoId() {
        Order order = new Order("m-1", "NEW", "1");
        assertThat(merchantPath("orders").idsOf("x.M.a", new HashMap<>(Map.of("orders", List.of(order)))).merchantId())
                .as("the path names the beans, not their merchant").isNull();
    }

    @Test
    void aNullInTheMiddleOfANestedPathIsNoIdAndTheNextPathIsTried() {
        ContextExtractor extractor = new ContextExtractor(ContextRules.builder(MyBatisStores.MIGRATION)
                .merchantIdPath("order.merchantNo").merchantIdPath("merchantNo").annotations(false).build(),
                new TypeHandlerRegistry());
        Map<String, Object> params = new HashMap<>();
        params.put("order", null);
        params.put("merchantNo", "m-2");
        assertThat(extractor.idsOf("x.M.a", params).merchantId()).isEqualTo("m-2");
    }

    record Placed(String merchantNo, long orderId) {
    }

    @Test
    void aRecordIsReadByItsComponents() {
        assertThat(merchantPath("merchantNo").idsOf("x.M.a", new Placed("m-3", 9)).merchantId()).isEqualTo("m-3");
        assertThat(merchantPath("placed.merchantNo").idsOf("x.M.a", new HashMap<>(Map.of("placed",
                new Placed("m-3", 9)))).merchantId()).isEqualTo("m-3");
    }

    static class Base {
        @MerchantId
        String merchant = "m-4";
    }

    static class Derived extends Base {
        String status = "NEW";
    }

    @Test
    void anAnnotatedIdOnASuperclassIsFoundWhenThePathsFindOnlyTheOtherId() {
        ContextExtractor extractor = new ContextExtractor(ContextRules.builder(MyBatisStores.MIGRATION)
                .orderIdPath("status").build(), new TypeHandlerRegistry());
        ContextExtractor.Ids ids = extractor.idsOf("x.M.a", new Derived());
        assertThat(ids.orderId()).isEqualTo("NEW");
        assertThat(ids.merchantId()).isEqualTo("m-4");
        // and twice: the class is cached after the first scan
        assertThat(extractor.idsOf("x.M.a", new Derived()).merchantId()).isEqualTo("m-4");
    }
}
