package io.dualwrite.examples.spring;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.PropertySource;

/**
 * A shop whose {@code orders} table moves to a new store as {@code orders_v2}, {@code amount} renamed
 * {@code amount_total}. Its whole dualwrite configuration is in {@code shop.properties}: the starter wraps the
 * application's own {@code DataSource}, and {@link OrderRepository} marks its writes with {@code @DualWrite}.
 * Run by {@code ShopApplicationTest}; {@code main} starts it against the two in-memory H2 databases of the
 * properties, places two orders and exits.
 */
@SpringBootApplication
@PropertySource("classpath:io/dualwrite/examples/spring/shop.properties")
public class ShopApplication {

    public static void main(String[] args) {
        try (var context = SpringApplication.run(ShopApplication.class, args)) {
            OrderRepository orders = context.getBean(OrderRepository.class);
            orders.place("m-1", 1, new java.math.BigDecimal("12.50")); // m-1 double-writes: in both stores
            orders.place("m-2", 2, new java.math.BigDecimal("7.00"));  // m-2 stays on the old store
            orders.pay("m-1", 1);
        } // closing the context drains the mirrors before the pools close
    }
}
