package io.dualwrite.jdbc.copy;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import org.junit.jupiter.api.Test;

/**
 * The number a floating-point column shows for what it stores ({@link Holdable#shortest}): the shortest decimal that
 * reads back as the same float or double, which is what the products print and what a decimal copied into such a
 * column is compared with. Java 17's own {@code Float.toString} is not always that shortest text.
 */
class ShortestFloatTextTest {

    @Test
    void aFloatShowsTheShortestDecimalThatReadsBackAsIt() {
        assertThat(Float.toString(3e10f)).as("Java 17's text, one digit too many").isEqualTo("3.0000001E10");
        assertThat(Holdable.shortest(3e10f, true)).isEqualByComparingTo("30000000000");
        assertThat(Holdable.shortest(0.1f, true)).isEqualByComparingTo("0.1");
        assertThat(Holdable.shortest(123.456f, true)).isEqualByComparingTo("123.456");
        assertThat(Holdable.shortest(16777217f, true)).as("16777217 has no float of its own")
                .isEqualByComparingTo("16777216");
        assertThat(Holdable.shortest(-2.5f, true)).isEqualByComparingTo("-2.5");
        assertThat(Holdable.shortest(0f, true)).isEqualByComparingTo(BigDecimal.ZERO);
    }

    @Test
    void aDoubleShowsTheShortestDecimalThatReadsBackAsIt() {
        assertThat(Holdable.shortest(0.1, false)).isEqualByComparingTo("0.1");
        assertThat(Holdable.shortest(1e-7, false)).isEqualByComparingTo("0.0000001");
        assertThat(Holdable.shortest(9007199254740993d, false)).as("2^53 + 1 has no double of its own")
                .isEqualByComparingTo("9007199254740992");
        assertThat(Holdable.shortest(Math.PI, false)).isEqualByComparingTo(Double.toString(Math.PI));
        assertThat(Holdable.shortest(Double.MIN_VALUE, false)).as("Java prints 4.9E-324").isEqualByComparingTo("5E-324");
    }
}
