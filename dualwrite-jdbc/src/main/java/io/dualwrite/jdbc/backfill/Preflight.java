package io.dualwrite.jdbc.backfill;

import io.dualwrite.MigrationContext;
import io.dualwrite.Store;
import io.dualwrite.internal.Credentials;
import io.dualwrite.jdbc.copy.AddedValues;
import io.dualwrite.jdbc.copy.KeyWalk;
import io.dualwrite.jdbc.copy.RowSecurity;
import io.dualwrite.jdbc.mapping.MappingValidator;
import io.dualwrite.jdbc.schema.DualWriteSchema;
import io.dualwrite.mapping.TableMapping;
import io.dualwrite.switches.PhaseResolver;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * The checks a job passes before it touches a row: the checkpoint table, every mapping against both schemas
 * ({@link MappingValidator}), a primary key on every old table that is the mapping's and not floating-point, a
 * primary or unique key on every new table that is the mapping's (unless a row writer of the user's writes it),
 * and the merchant id of a merchant scope fitting its column. Every problem is named at once.
 */
final class Preflight {

    /** A table ready to walk. */
    record Table(TableMapping mapping, String jobId, KeyWalk walk) {
    }

    private Preflight() {
    }

    static List<Table> check(BackfillJob job) throws SQLException {
        List<String> problems = new ArrayList<>();
        try {
            DualWriteSchema.verify(job.checkpointDataSource(), List.of(DualWriteSchema.BACKFILL_CHECKPOINT_TABLE));
        } catch (IllegalStateException e) {
            problems.add("the checkpoint store is not ready: " + e.getMessage().replace(":\n  - ", ": ")
                    .replace("\n  - ", "; "));
        }
        if (job.resolver() != null) {
            try {
                job.resolver().resolveRead(MigrationContext.forMigration(job.migration()).build());
            } catch (RuntimeException unknown) {
                // else every row's phase fails to resolve, in the first chunk, after checkpoints were written
                problems.add("the resolver cannot decide the phase of migration '" + job.migration() + "': "
                        + unknown.getMessage() + "; give BackfillJob.Builder.migration the name the switchboard"
                        + " configures");
            }
        }
        PhaseResolver switches = job.switches();
        if (switches != null) {
            try {
                // another instance writes under the phase before a recent change, unmirrored: a row read now may miss
                // its write for good; the wait is for the switches that may decide the scope's rows
                switches.unsettledSwitch(job.migration(), job.scope().merchantId().orElse(null)).ifPresent(reason ->
                        problems.add("the switches are not yet seen by every instance: " + reason));
            } catch (RuntimeException unreadable) {
                problems.add("the switch store cannot say when the switches of migration '" + job.migration()
                        + "' last changed, so this run cannot know that every instance sees them: "
                        + Credentials.mask(unreadable.getMessage()));
            }
        }
        // a table copied by a row writer of the user's is checked on the old side only (its key, below)
        problems.addAll(MappingValidator.problems(job.oldDataSource(), job.newDataSource(),
                job.mappings().stream().filter(mapping -> !job.copiedByRowWriter(mapping)).toList()));
        List<Table> tables = new ArrayList<>();
        Map<TableMapping, java.util.Set<String>> looseOldKeys = new java.util.HashMap<>();
        Map<TableMapping, java.util.Set<String>> textOldKeys = new java.util.HashMap<>();
        try (Connection old = RowSecurity.asLoggedIn(job.oldDataSource())) {
            for (TableMapping mapping : job.mappings()) {
                if (problems.stream().anyMatch(p -> p.startsWith("old table '" + mapping.oldTable() + "' ")
                        || p.startsWith("old table " + mapping.oldTable() + ": "))) {
                    continue; // the old table's problems are reported already
                }
                KeyWalk walk;
                try {
                    walk = KeyWalk.open(old, mapping, Store.OLD);
                } catch (SQLException e) {
                    problems.add("old table '" + mapping.oldTable() + "' cannot be read in the old store: "
                            + Credentials.mask(e.getMessage()));
                    continue;
                }
                String keyProblem = primaryKeyProblem(old, mapping);
                if (keyProblem != null) {
                    problems.add(keyProblem);
                    continue;
                }
                if (job.scope().merchantId().isPresent()) {
                    String merchant = job.scope().merchantId().get();
                    try {
                        String ofRows = walk.merchantIdOfRows(merchant);
                        if (!ofRows.equals(merchant)) {
                            // the rows it selects are merchant ofRows's to the switches and the copier: another one
                            problems.add("old table '" + mapping.oldTable() + "': the merchant id '" + merchant
                                    + "' of the scope is not how merchant column '" + mapping.merchantIdColumn().orElse("?")
                                    + "' writes any merchant: its rows of that value are merchant '" + ofRows + "' to the"
                                    + " switches and the copier; scope the backfill to merchant '" + ofRows + "'");
                            continue;
                        }
                    } catch (SQLException | IllegalStateException e) {
                        problems.add("old table '" + mapping.oldTable() + "': the merchant id '" + merchant
                                + "' of the scope does not fit merchant column '" + mapping.merchantIdColumn().orElse("?")
                                + "': " + Credentials.mask(e.getMessage()));
                        continue;
                    }
                }
                if (walk.floatingPointKey()) {
                    problems.add("old table '" + mapping.oldTable() + "' is keyed by a floating-point column "
                            + walk.keyColumnNames() + ": a FLOAT key read back as text may not find its row again"
                            + " (0.1 is stored as 0.100000001…), so such a table cannot be walked by key; key it by"
                            + " an exact column (an integer, DECIMAL or text) and give that to"
                            + " TableMapping.Builder.primaryKey");
                    continue;
                }
                looseOldKeys.put(mapping, looseColumns(old, mapping.oldTable()));
                textOldKeys.put(mapping, walk.textKeyColumns());
                tables.add(new Table(mapping, job.jobId(mapping), walk));
            }
        }
        try (Connection fresh = RowSecurity.asLoggedIn(job.newDataSource())) {
            for (TableMapping mapping : job.mappings()) {
                if (job.copiedByRowWriter(mapping) || problems.stream().anyMatch(p -> p.contains(
                        "new table '" + mapping.newTable() + "'") || p.contains("new table " + mapping.newTable()))) {
                    continue; // a row writer of the user's writes the new table as it likes; missing tables are named
                }
                String keyProblem = newKeyProblem(fresh, mapping);
                if (keyProblem != null) {
                    problems.add(keyProblem);
                    continue;
                }
                problems.addAll(AddedValues.problems(fresh, mapping));
                java.util.Set<String> looseNew = looseColumns(fresh, mapping.newTable());
                java.util.Set<String> looseOld = looseOldKeys.getOrDefault(mapping, java.util.Set.of());
                for (String oldKey : mapping.primaryKey()) {
                    String newKey = mapping.newColumn(oldKey).orElse(oldKey);
                    if (looseNew.contains(newKey.toLowerCase(Locale.ROOT))
                            && textOldKeys.getOrDefault(mapping, java.util.Set.of()).contains(oldKey.toLowerCase(Locale.ROOT))
                            && !looseOld.contains(oldKey.toLowerCase(Locale.ROOT))) {
                        problems.add("new table '" + mapping.newTable() + "': key column " + newKey + " compares"
                                + " text ignoring case, accents or trailing spaces while the old key column " + oldKey
                                + " compares it exactly, so old keys 'a' and 'A' would be one row there; give "
                                + newKey + " an exact collation (utf8mb4_bin on MySQL/MariaDB; on PostgreSQL a"
                                + " deterministic collation and text rather than citext)");
                    }
                }
                try {
                    if (KeyWalk.open(fresh, mapping, Store.NEW).floatingPointKey()) {
                        problems.add("new table '" + mapping.newTable() + "' is keyed by a floating-point column "
                                + mapping.newPrimaryKey() + ": distinct keys of the old table may round to one"
                                + " (0.1 and 0.10000000000000000001), so rows would be lost; key it by an exact"
                                + " column (an integer, DECIMAL or text)");
                    }
                } catch (SQLException e) {
                    // a missing new column is named by the mapping validator
                }
            }
        }
        if (problems.stream().noneMatch(p -> p.startsWith("the checkpoint store is not ready"))) {
            Checkpoints checkpoints = new Checkpoints(job.checkpointDataSource(), job.clock());
            for (Table table : tables) {
                String settings = job.checkpointSettings(table.mapping(), table.walk().keyTypes());
                String mappingOnly = job.checkpointSettings(table.mapping());
                // (a head written before round 24 holds the key's types without the run's migration and scope, one
                // written before the collations were kept the key's types alone)
                String anyRun = job.checkpointSettingsOfAnyRun(table.mapping(), table.walk().keyTypes());
                String uncollated = job.checkpointSettingsOfAnyRun(table.mapping(),
                        table.walk().keyTypesWithoutCollations());
                // (one written in round 24 holds the run without the merchant column)
                String before25 = job.checkpointSettingsBefore25(table.mapping(), table.walk().keyTypes());
                java.util.Optional<String> left = checkpoints.settings(table.jobId());
                String text = left.orElse(settings);
                int run = text.lastIndexOf(BackfillJob.RUN + "migration ");
                String keyed = run < 0 ? text : text.substring(0, run);
                if (java.util.List.of(settings, mappingOnly, anyRun, uncollated, before25).contains(text)) {
                    // this job's checkpoint, or one an earlier version left (ensureHead brings it up to date)
                } else if (keyed.startsWith(mappingOnly + BackfillJob.KEY_TYPES) && !keyed.equals(anyRun)
                        && !keyed.equals(uncollated)) {
                    problems.add("old table '" + table.mapping().oldTable() + "': the checkpoint of job '"
                            + table.jobId() + "' was planned when the table's key was "
                            + keyed.substring(mappingOnly.length() + BackfillJob.KEY_TYPES.length())
                            + ", and it is now " + table.walk().keyTypes() + ": its chunks' keys are in the order of"
                            + " the other types or collations (an integer's 9 before 10, a text's '10' before '9';"
                            + " 'b' before 'C' ignoring case, after it by bytes), so resumed, keys"
                            + " between them would never be copied; forget the checkpoint"
                            + " (BackfillJob.resetCheckpoints) and run again, or give this job another name"
                            + " (BackfillJob.Builder.name)");
                } else if (run >= 0 && (keyed.equals(anyRun) || keyed.equals(uncollated))) {
                    problems.add("old table '" + table.mapping().oldTable() + "': the checkpoint of job '"
                            + table.jobId() + "' was left by a run of " + text.substring(run + BackfillJob.RUN.length())
                            + ", and this is a run of " + job.checkpointRun(table.mapping()) + ": resumed, the chunks"
                            + " the other run copied (its merchant's rows, picked by its merchant column, into its new"
                            + " store) would count as copied by this one,"
                            + " and this run's rows in them would never be copied; forget the checkpoint"
                            + " (BackfillJob.resetCheckpoints) and run again, or give this job another name"
                            + " (BackfillJob.Builder.name)");
                } else {
                    problems.add("old table '" + table.mapping().oldTable() + "': the checkpoint of job '"
                            + table.jobId() + "' was left by a run whose mapping writes " + text + ", and this"
                            + " job's writes " + settings + ": resumed, the chunks copied under the other mapping"
                            + " would count as copied under this one; forget the checkpoint"
                            + " (BackfillJob.resetCheckpoints) or give this job another name (BackfillJob.Builder.name)");
                }
                String damage = checkpoints.damage(table.jobId(), table.walk()::keyProblem,
                        table.walk()::compareNumericKeys);
                if (damage != null) {
                    problems.add("old table '" + table.mapping().oldTable() + "': the checkpoint of job '"
                            + table.jobId() + "' in " + Checkpoints.TABLE + " is not as a backfill leaves it: " + damage
                            + "; resumed, keys would be left out or copied under the wrong chunk, so forget it"
                            + " (BackfillJob.resetCheckpoints) and run again, or give this job another name"
                            + " (BackfillJob.Builder.name)");
                }
            }
        }
        if (!problems.isEmpty()) {
            throw new IllegalStateException("backfill of migration '" + job.migration() + "' (" + job.scope()
                    + ") cannot start; no row was copied:\n  - " + String.join("\n  - ", problems));
        }
        return tables;
    }

    /**
     * Why the old table cannot be walked by the mapping's key: it has no primary key, or its primary key is
     * other columns. Null when it can.
     */
    private static @Nullable String primaryKeyProblem(Connection connection, TableMapping mapping) throws SQLException {
        List<String> key = primaryKey(connection, mapping.oldTable());
        if (key.isEmpty()) {
            return "old table '" + mapping.oldTable() + "' has no primary key; a backfill walks a table in chunks of"
                    + " its primary key, so add one (ALTER TABLE " + mapping.oldTable() + " ADD PRIMARY KEY ("
                    + String.join(", ", mapping.primaryKey()) + "))";
        }
        List<String> declared = mapping.primaryKey().stream().map(c -> c.toLowerCase(Locale.ROOT)).sorted().toList();
        List<String> actual = key.stream().map(c -> c.toLowerCase(Locale.ROOT)).sorted().toList();
        if (!declared.equals(actual)) {
            return "old table '" + mapping.oldTable() + "' has primary key " + key + ", but its mapping names "
                    + mapping.primaryKey() + "; give the table's key columns to TableMapping.Builder.primaryKey";
        }
        return null;
    }

    /**
     * Why the new table cannot take upserts by the mapping's key: neither its primary key nor a unique key is
     * exactly the mapping's key columns (in their new names). The copier writes with {@code INSERT … ON DUPLICATE
     * KEY UPDATE} (MySQL, MariaDB) or {@code ON CONFLICT (key)}: without such a key, a row copied twice (a chunk
     * run again, a row moved between merchants) would be inserted twice. Null when it can.
     */
    private static @Nullable String newKeyProblem(Connection connection, TableMapping mapping) throws SQLException {
        List<String> declared = mapping.newPrimaryKey().stream().map(c -> c.toLowerCase(Locale.ROOT)).sorted()
                .toList();
        List<String> primary = primaryKey(connection, mapping.newTable());
        if (primary.stream().map(c -> c.toLowerCase(Locale.ROOT)).sorted().toList().equals(declared)) {
            return null;
        }
        for (List<String> unique : uniqueKeys(connection, mapping.newTable())) {
            if (unique.stream().map(c -> c.toLowerCase(Locale.ROOT)).sorted().toList().equals(declared)) {
                return null;
            }
        }
        return "new table '" + mapping.newTable() + "' has " + (primary.isEmpty() ? "no primary key"
                : "primary key " + primary) + " and no unique key on the mapping's key " + mapping.newPrimaryKey()
                + "; rows are upserted by that key, so without it a row copied twice is inserted twice: add one"
                + " (ALTER TABLE " + mapping.newTable() + " ADD " + (primary.isEmpty() ? "PRIMARY KEY" : "UNIQUE")
                + " (" + String.join(", ", mapping.newPrimaryKey()) + "))";
    }

    /** The column lists of a table's unique indexes; empty when it has none (or the table is not found). */
    private static List<List<String>> uniqueKeys(Connection connection, String table) throws SQLException {
        DatabaseMetaData metaData = connection.getMetaData();
        String[] place = place(connection, metaData, table);
        String name = table.substring(table.indexOf('.') + 1);
        String schema = place[1];
        for (String[] candidate : new String[][] {{schema, name},
                {upper(schema), name.toUpperCase(Locale.ROOT)}, {lower(schema), name.toLowerCase(Locale.ROOT)}}) {
            Map<String, Map<Short, String>> indexes = new TreeMap<>();
            java.util.Set<String> partial = prefixIndexes(connection, metaData, place[0], candidate[1]);
            try (ResultSet rows = metaData.getIndexInfo(place[0], candidate[0], candidate[1], true, false)) {
                while (rows.next()) {
                    String index = rows.getString("INDEX_NAME");
                    String column = rows.getString("COLUMN_NAME");
                    if (index != null && rows.getString("FILTER_CONDITION") != null) {
                        partial.add(index); // a partial index (WHERE …) is no key for every row
                    }
                    if (index != null && column != null && !rows.getBoolean("NON_UNIQUE")) {
                        indexes.computeIfAbsent(index, k -> new TreeMap<>()).put(rows.getShort("ORDINAL_POSITION"),
                                column);
                    }
                }
            }
            indexes.keySet().removeAll(partial);
            if (!indexes.isEmpty()) {
                return indexes.values().stream().map(columns -> List.copyOf(columns.values())).toList();
            }
        }
        return List.of();
    }

    /**
     * The text columns of a table (lower case) that compare loosely — ignoring case, accents or, on MySQL and
     * MariaDB, trailing spaces: a MySQL/MariaDB collation other than a binary one, PostgreSQL's {@code citext}
     * or a nondeterministic collation, H2's {@code VARCHAR_IGNORECASE}. Empty when they cannot be read.
     */
    private static java.util.Set<String> looseColumns(Connection connection, String table) {
        java.util.Set<String> loose = new java.util.HashSet<>();
        String name = table.substring(table.indexOf('.') + 1);
        try {
            io.dualwrite.jdbc.Dialect dialect = io.dualwrite.jdbc.Dialect.detect(connection.getMetaData());
            String sql = switch (dialect) {
                case MYSQL -> "SELECT COLUMN_NAME FROM information_schema.COLUMNS WHERE TABLE_SCHEMA ="
                        + " COALESCE(?, DATABASE()) AND TABLE_NAME = ? AND COLLATION_NAME IS NOT NULL"
                        + " AND COLLATION_NAME NOT LIKE '%\\_bin'"
                        + " AND COLLATION_NAME <> 'binary'";
                case POSTGRESQL -> "SELECT a.attname FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid"
                        + " LEFT JOIN pg_collation co ON co.oid = a.attcollation WHERE a.attrelid = to_regclass(?)"
                        + " AND a.attnum > 0 AND (t.typname = 'citext' OR co.collisdeterministic = false)";
                case H2 -> "SELECT COLUMN_NAME FROM INFORMATION_SCHEMA.COLUMNS WHERE UPPER(TABLE_NAME) = UPPER(?)"
                        + " AND UPPER(DATA_TYPE) LIKE '%IGNORECASE%'";
            };
            // the table's home (place), not the schema or database a pooled session was left on
            @Nullable String home = dialect == io.dualwrite.jdbc.Dialect.MYSQL
                    ? place(connection, connection.getMetaData(), table)[0]
                    : table.contains(".") ? null
                    : io.dualwrite.jdbc.schema.OwnTable.homeOf(connection, table.toLowerCase(Locale.ROOT));
            try (java.sql.PreparedStatement select = connection.prepareStatement(sql)) {
                if (dialect == io.dualwrite.jdbc.Dialect.MYSQL) {
                    select.setString(1, home);
                    select.setString(2, name);
                } else if (dialect == io.dualwrite.jdbc.Dialect.POSTGRESQL) {
                    select.setString(1, table.contains(".") || home == null ? table
                            : '"' + home.replace("\"", "\"\"") + "\"." + table);
                } else {
                    select.setString(1, name);
                }
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        loose.add(rows.getString(1).toLowerCase(Locale.ROOT));
                    }
                }
            }
        } catch (SQLException | RuntimeException unreadable) {
            loose.clear(); // the preflight does not refuse on what it cannot read
        }
        return loose;
    }

    /**
     * The MySQL/MariaDB indexes of a table that cover only a prefix of a column ({@code UNIQUE (code(3))}): two
     * keys sharing the prefix conflict there, so such an index is no key for the copier. Empty elsewhere.
     */
    private static java.util.Set<String> prefixIndexes(Connection connection, DatabaseMetaData metaData,
                                                       @Nullable String database, String table) throws SQLException {
        java.util.Set<String> prefixed = new java.util.HashSet<>();
        if (io.dualwrite.jdbc.Dialect.detect(metaData) != io.dualwrite.jdbc.Dialect.MYSQL || table == null) {
            return prefixed;
        }
        try (java.sql.PreparedStatement select = connection.prepareStatement("SELECT INDEX_NAME FROM"
                + " information_schema.STATISTICS WHERE TABLE_SCHEMA = COALESCE(?, DATABASE()) AND TABLE_NAME = ?"
                + " AND SUB_PART IS NOT NULL")) {
            select.setString(1, database); // the table's home (place), not where the session was left
            select.setString(2, table);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    prefixed.add(rows.getString(1));
                }
            }
        }
        return prefixed;
    }

    /** The catalog and schema that hold {@code table} (a qualified name's own, else the connection's). */
    private static String[] place(Connection connection, DatabaseMetaData metaData, String table) throws SQLException {
        boolean mysql = io.dualwrite.jdbc.Dialect.detect(metaData) == io.dualwrite.jdbc.Dialect.MYSQL;
        int dot = table.indexOf('.');
        if (dot < 0) {
            // the table's home (OwnTable#homeOf), the copier's, not the place a pooled session was left on
            for (String name : new java.util.LinkedHashSet<>(List.of(table, table.toLowerCase(Locale.ROOT),
                    table.toUpperCase(Locale.ROOT)))) {
                @Nullable String home = io.dualwrite.jdbc.schema.OwnTable.homeOf(connection, name);
                if (home != null) {
                    return mysql ? new String[] {home, null} : new String[] {connection.getCatalog(), home};
                }
            }
            return new String[] {connection.getCatalog(), connection.getSchema()};
        }
        // MySQL and MariaDB call a schema a database, which JDBC reports as the catalog
        return mysql ? new String[] {table.substring(0, dot), null}
                : new String[] {connection.getCatalog(), table.substring(0, dot)};
    }

    /** The primary-key columns of a table in key order; empty when it has none (or the table is not found). */
    private static List<String> primaryKey(Connection connection, String table) throws SQLException {
        DatabaseMetaData metaData = connection.getMetaData();
        String[] place = place(connection, metaData, table);
        String catalog = place[0];
        String schema = place[1];
        String name = table.substring(table.indexOf('.') + 1);
        // Identifiers are stored upper-case (H2), lower-case (PostgreSQL) or as written (MySQL).
        for (String[] candidate : new String[][] {{schema, name},
                {upper(schema), name.toUpperCase(Locale.ROOT)}, {lower(schema), name.toLowerCase(Locale.ROOT)}}) {
            Map<Short, String> columns = new TreeMap<>();
            try (ResultSet rows = metaData.getPrimaryKeys(catalog, candidate[0], candidate[1])) {
                while (rows.next()) {
                    columns.put(rows.getShort("KEY_SEQ"), rows.getString("COLUMN_NAME"));
                }
            }
            if (!columns.isEmpty()) {
                return List.copyOf(columns.values());
            }
        }
        return List.of();
    }

    private static @Nullable String upper(@Nullable String text) {
        return text == null ? null : text.toUpperCase(Locale.ROOT);
    }

    private static @Nullable String lower(@Nullable String text) {
        return text == null ? null : text.toLowerCase(Locale.ROOT);
    }
}
