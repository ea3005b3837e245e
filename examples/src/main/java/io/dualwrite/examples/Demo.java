package io.dualwrite.examples;

import java.sql.SQLException;

/**
 * The demo the README's first command runs: the plain-JDBC quick start (two embedded H2 databases, a
 * merchant switched to double writes, an outage of the new store, the reconciler) and the
 * store-agnostic quick start (two key-value maps and the phase gate).
 */
public final class Demo {

    private Demo() {
    }

    public static void main(String[] args) throws SQLException {
        System.out.println("== Plain JDBC: swap the DataSource, switch merchant m-1 to DUAL_WRITE, break the new store, reconcile");
        PlainJdbcQuickStart.main(args);
        System.out.println();
        System.out.println("== Any store: two maps through DualWriter, an outage, and the phase gate");
        ProgrammaticQuickStart.main(args);
    }
}
