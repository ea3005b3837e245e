package io.dualwrite.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class KeyCodecTest {

    @Test
    void singleColumnKeyIsTheValueText() {
        assertThat(KeyCodec.encode(List.of(42L))).isEqualTo("42");
        assertThat(KeyCodec.decode("a|b", 1)).containsExactly("a|b");
    }

    @Test
    void compositeKeyRoundTripsEvenWithSeparatorsInValues() {
        String key = KeyCodec.encode(List.of("m|1", "back\\slash", 7));

        assertThat(key).isEqualTo("m\\|1|back\\\\slash|7");
        assertThat(KeyCodec.decode(key, 3)).containsExactly("m|1", "back\\slash", "7");
    }

    @Test
    void wrongNumberOfPartsIsAnError() {
        assertThatThrownBy(() -> KeyCodec.decode("a|b", 3))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("has 2 parts, expected 3");
    }

    @Test
    void nullKeyValuesAreRefused() {
        assertThatThrownBy(() -> KeyCodec.encode(java.util.Arrays.asList(1, null)))
                .isInstanceOf(NullPointerException.class);
    }
}
