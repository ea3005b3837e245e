package io.dualwrite.jdbc.verify;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualwrite.jdbc.copy.RowCopier;
import io.dualwrite.jdbc.testing.TestDatabases.Kind;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every planted difference is repaired through the copier (old wins), re-verified, and the TEST finds the rows equal. */
class RepairTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource(Pair.STORE_PAIRS)
    void repairOfEveryPlantedDifferenceLeavesNoDifference(Kind oldKind, Kind newKind) throws Exception {
        try (Pair pair = Pair.of(oldKind, newKind)) {
            pair.fill(1, 300);
            PlantedDifferencesTest.plant(pair);
            Verifier verifier = pair.verifier().build();
            VerificationJob job = Pair.job().chunkRows(40).build();
            VerificationResult found = verifier.verify(job);
            assertThat(found.tables().get(0).differenceCount()).isEqualTo(7);

            RowCopier copier = RowCopier.builder().oldDataSource(pair.oldDb.dataSource())
                    .newDataSource(pair.newDb.dataSource()).build();
            Repairer.RepairResult repaired = Repairer.of(copier, verifier).repair(job, found);

            assertThat(repaired.clean()).as(repaired.toString()).isTrue();
            assertThat(repaired.tables().get(0).copied()).isEqualTo(6);
            assertThat(repaired.tables().get(0).deleted()).isEqualTo(1);
            pair.assertSameRows();
            assertThat(verifier.verify(job).clean()).isTrue();
        }
    }
}
