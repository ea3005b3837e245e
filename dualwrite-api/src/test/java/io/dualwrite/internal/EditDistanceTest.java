package io.dualwrite.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class EditDistanceTest {

    @Test
    void countsInsertionsDeletionsAndReplacements() {
        assertThat(EditDistance.between("kitten", "sitting")).isEqualTo(3);
        assertThat(EditDistance.between("new-tabel", "new-table")).isEqualTo(2);
        assertThat(EditDistance.between("merchnts", "merchants")).isEqualTo(1);
        assertThat(EditDistance.between("", "abc")).isEqualTo(3);
        assertThat(EditDistance.between("abc", "")).isEqualTo(3);
    }

    @Test
    void equalNamesAreZeroApartAndCaseCounts() {
        assertThat(EditDistance.between("amount", "amount")).isZero();
        assertThat(EditDistance.between("Amount", "amount")).isEqualTo(1);
    }

    @Test
    void isTheSameBothWays() {
        assertThat(EditDistance.between("status", "statsu")).isEqualTo(EditDistance.between("statsu", "status"))
                .isEqualTo(2);
    }
}
