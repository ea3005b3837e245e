package io.dualwrite.jdbc;

import io.dualwrite.Store;
import io.dualwrite.jdbc.mapping.CatalogNames;
import io.dualwrite.mapping.TableMapping;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.RemovalCause;
import com.github.benmanes.caffeine.cache.Scheduler;
import org.jspecify.annotations.Nullable;

/**
 * What the key derivation needs to know about an authoritative table, read per store and table from the
 * database's metadata and again after the catalog's trust: its column order (for an {@code INSERT} without a
 * column list), its unique keys (the columns an upsert can conflict on) and whether its key compares text
 * loosely. Thread-safe.
 */
final class Metadata {

    private final Map<String, List<String>> columns = new ConcurrentHashMap<>();
    private final Map<String, List<List<String>>> uniqueKeys = new ConcurrentHashMap<>();
    private final Map<TableMapping, Read<KeyTexts>> oldKeyTexts = new ConcurrentHashMap<>();
    private final Map<TableMapping, Read<KeyTexts>> newKeyTexts = new ConcurrentHashMap<>();
    /**
     * How long what the catalog said of a table ({@link KeyTexts}, cascading foreign keys) is trusted before it
     * is read again (on the next write): a trigger created while the application runs is seen within this time.
     * A few catalog queries per table and refresh.
     */
    private final long refreshNanos;
    /** The mapped tables (per store) whose {@link KeyTexts} a refresh found changed, until a write takes them. */
    private final java.util.Set<Object> changed = ConcurrentHashMap.newKeySet();

    /** @param refreshNanos how long a catalog read is trusted ({@code DualWriteDataSource.Builder#catalogRefresh}) */
    Metadata(long refreshNanos) {
        this.refreshNanos = refreshNanos;
    }

    /** Metadata trusted for the default refresh. */
    Metadata() {
        this(DualWriteDataSource.DEFAULT_CATALOG_REFRESH.toNanos());
    }

    /** Per store: the mapped tables a delete ({@code d:} keys) or update ({@code u:}) of a table changes by cascade. */
    private final Map<String, Read<List<TableMapping>>> oldCascades = new ConcurrentHashMap<>();
    private final Map<String, Read<List<TableMapping>>> newCascades = new ConcurrentHashMap<>();


    /**
     * The mapped tables whose rows a delete ({@code deletes}) or an update of {@code table} may change through
     * foreign keys with {@code ON DELETE}/{@code ON UPDATE} {@code CASCADE}, {@code SET NULL} or {@code SET
     * DEFAULT} — the database writes them without any statement naming them — followed through tables that are
     * not mapped (a cascade onto a cascade), to the end of the chain, and back into {@code table} itself (a
     * foreign key of a mapped table onto its own key). Read from the catalog per store and table, again
     * after a minute; empty when it cannot be read (a failed read is logged by the caller's statement, not here).
     */
    List<TableMapping> cascadesFrom(Store store, Connection connection, @Nullable Dialect dialect, String table,
                                    boolean deletes, java.util.Collection<TableMapping> mappings) {
        // by the name as written: PostgreSQL's to_regclass finds "Parents" or "Shop"."Parents" only so
        return follow(store, connection, dialect, table, cascadeKey(table, deletes),
                parent -> readCascades(connection, dialect, parent, deletes), mappings, true);
    }

    /** Per store and table ({@code c:} keys): the columns of it that foreign keys with an active update rule refer to. */
    private final Map<String, Read<List<String>>> oldUpdateColumns = new ConcurrentHashMap<>();
    private final Map<String, Read<List<String>>> newUpdateColumns = new ConcurrentHashMap<>();

    /**
     * The columns of {@code table} (lower case) that foreign keys with {@code ON UPDATE CASCADE}, {@code SET NULL} or
     * {@code SET DEFAULT} refer to: an update that assigns none of them cannot cascade {@code ON UPDATE}, whatever
     * the keys reach. Read from the catalog per store and table and cached as {@link #cascadesFrom} is; {@code null}
     * when it cannot be read (then any update may cascade).
     */
    @Nullable List<String> updateCascadeColumns(Store store, Connection connection, @Nullable Dialect dialect,
                                                String table) {
        Map<String, Read<List<String>>> cache = store == Store.OLD ? oldUpdateColumns : newUpdateColumns;
        String key = "c:" + catalogKey(table);
        Read<List<String>> known = cache.get(key);
        if (known != null && known.fresh(refreshNanos)) {
            return known.value();
        }
        if (dialect == null) {
            return null;
        }
        String sql = switch (dialect) {
            case POSTGRESQL -> "SELECT a.attname::text FROM pg_constraint c JOIN pg_attribute a ON a.attrelid = c.confrelid"
                    + " AND a.attnum = ANY (c.confkey) WHERE c.contype = 'f' AND c.confrelid = " + REGCLASS
                    + " AND c.confupdtype IN ('c', 'n', 'd')";
            case MYSQL -> "SELECT k.REFERENCED_COLUMN_NAME FROM information_schema.KEY_COLUMN_USAGE k"
                    + " JOIN information_schema.REFERENTIAL_CONSTRAINTS r ON r.CONSTRAINT_SCHEMA = k.CONSTRAINT_SCHEMA"
                    + " AND r.CONSTRAINT_NAME = k.CONSTRAINT_NAME AND r.TABLE_NAME = k.TABLE_NAME"
                    + " WHERE k.REFERENCED_TABLE_NAME = ? AND k.REFERENCED_TABLE_SCHEMA = DATABASE()"
                    + " AND r.UPDATE_RULE IN ('CASCADE', 'SET NULL', 'SET DEFAULT')";
            case H2 -> "SELECT k.COLUMN_NAME FROM INFORMATION_SCHEMA.REFERENTIAL_CONSTRAINTS rc"
                    + " JOIN INFORMATION_SCHEMA.KEY_COLUMN_USAGE k ON k.CONSTRAINT_NAME = rc.UNIQUE_CONSTRAINT_NAME"
                    + " AND k.CONSTRAINT_SCHEMA = rc.UNIQUE_CONSTRAINT_SCHEMA"
                    + " WHERE UPPER(k.TABLE_NAME) = UPPER(?) AND rc.UPDATE_RULE IN ('CASCADE', 'SET NULL', 'SET DEFAULT')";
        };
        List<String> columns = new ArrayList<>();
        try (java.sql.PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setString(1, dialect == Dialect.POSTGRESQL ? table
                    : bare(table.replace("\"", "").replace("`", "")));
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    columns.add(rows.getString(1).toLowerCase(Locale.ROOT));
                }
            }
        } catch (SQLException e) {
            return null;
        }
        List<String> result = List.copyOf(columns);
        cache.put(key, new Read<>(result, System.nanoTime()));
        return result;
    }

    /** What {@link #updateCascadeColumns} found for the table within the last minute, or {@code null}. */
    @Nullable List<String> knownUpdateCascadeColumns(Store store, String table) {
        Read<List<String>> known = (store == Store.OLD ? oldUpdateColumns : newUpdateColumns).get("c:" + catalogKey(table));
        return known != null && known.fresh(refreshNanos) ? known.value() : null;
    }

    /**
     * The tables (as the catalog names them) a write on {@code table} writes in truth when it is a view or a
     * partition — every name {@link #basesOf} reached, mapped or not — as read by its last call within the last
     * minute, or {@code null}. Their own cascading foreign keys reach further ({@code DELETE FROM v} of a view over
     * an unmapped parent whose children are mapped).
     */
    @Nullable List<String> knownBaseNames(Store store, String table) {
        Read<List<String>> known = (store == Store.OLD ? oldBaseNames : newBaseNames).get(baseKey(table));
        return known != null && known.fresh(refreshNanos) ? known.value() : null;
    }

    private final Map<String, Read<List<String>>> oldBaseNames = new ConcurrentHashMap<>();
    private final Map<String, Read<List<String>>> newBaseNames = new ConcurrentHashMap<>();

    /**
     * The mapped tables whose rows a write on {@code table} — a table no mapping names — changes because {@code
     * table} is a view over them or a partition (an inheriting child) of them: the database writes the mapped
     * table while the statement names another. Followed through views of views to the end of the chain; read and
     * cached as {@link #cascadesFrom} is.
     */
    List<TableMapping> basesOf(Store store, Connection connection, @Nullable Dialect dialect, String table,
                               java.util.Collection<TableMapping> mappings) {
        List<String> mapped = mappings.stream().map(m -> m.table(store)).toList();
        TriggerCalls calls = texts -> {
            if (texts.stream().anyMatch(text -> Writers.DYNAMIC_SQL.matcher(text).find())) {
                return List.copyOf(mapped); // a trigger running SQL it builds may write any mapped table
            }
            Map<String, java.util.Set<TableMapping>> known = knownWriters(store);
            if (known == null) {
                readWriters(store, connection, dialect, mappings);
                known = java.util.Objects.requireNonNull(knownWriters(store));
            }
            List<String> tables = new ArrayList<>();
            for (String text : texts) {
                for (String name : io.dualwrite.jdbc.statement.SqlText.allNames(text)) {
                    known.getOrDefault(name, java.util.Set.of()).forEach(mapping -> tables.add(mapping.table(store)));
                }
            }
            return tables;
        };
        return follow(store, connection, dialect, table, baseKey(table),
                parent -> readBases(connection, dialect, parent, mapped, calls),
                mappings, true);
    }

    /** What {@link #basesOf} found for the table within the last minute, or {@code null}: no catalog read. */
    @Nullable List<TableMapping> knownBasesOf(Store store, String table) {
        String key = baseKey(table);
        Read<List<TableMapping>> known = trustedCascades(store, key);
        if (known == null) {
            return null;
        }
        rely(known, store, null, key);
        return known.value();
    }

    private static String baseKey(String table) {
        return "b:" + catalogKey(table);
    }

    /**
     * A table's name as a cache key: lower case without quotes, but as written when it holds a double-quoted part
     * (PostgreSQL's {@code "Parents"} is another table than {@code parents}).
     */
    private static String catalogKey(String table) {
        return table.indexOf('"') >= 0 ? table.strip() : table.replace("`", "").toLowerCase(Locale.ROOT);
    }

    /** Reads the tables one catalog step from a table (children it cascades into, or bases it writes through). */
    @FunctionalInterface
    private interface CatalogStep {
        List<String> from(String table) throws SQLException;
    }

    /** @param asWritten whether the first step gets the table's name as the statement wrote it (quoted, mixed case) */
    private List<TableMapping> follow(Store store, Connection connection, @Nullable Dialect dialect, String table,
                                      String key, CatalogStep step, java.util.Collection<TableMapping> mappings,
                                      boolean asWritten) {
        Read<List<TableMapping>> trusted = trustedCascades(store, key);
        List<TableMapping> known = trusted == null ? null : trusted.value();
        if (known != null) {
            return known;
        }
        String name = table.replace("\"", "").replace("`", "").toLowerCase(Locale.ROOT);
        Map<String, Read<List<TableMapping>>> cache = store == Store.OLD ? oldCascades : newCascades;
        List<TableMapping> found = new ArrayList<>();
        List<String> reached = new ArrayList<>();
        if (dialect != null && !mappings.isEmpty()) {
            java.util.Set<String> seen = new java.util.HashSet<>(List.of(bare(name)));
            List<String> level = List.of(asWritten && dialect == Dialect.POSTGRESQL ? table : name);
            try {
                while (!level.isEmpty()) { // to the end of the chain: seen names are not followed again
                    List<String> next = new ArrayList<>();
                    for (String parent : level) {
                        for (String child : step.from(parent)) {
                            String plain = bare(child.replace("\"", "").replace("`", "").toLowerCase(Locale.ROOT));
                            // a step back to a table already seen, the start included, is a cascade all the same (a
                            // mapped table whose foreign key refers to itself); only its children are not read again
                            TableMapping mapping = mappings.stream()
                                    .filter(m -> bare(m.table(store).toLowerCase(Locale.ROOT)).equals(plain))
                                    .findFirst().orElse(null);
                            if (mapping != null && !found.contains(mapping)) {
                                found.add(mapping);
                            }
                            if (seen.add(plain)) {
                                next.add(child); // a cascade onto its own children goes on, mapped or not
                                reached.add(child);
                            }
                        }
                    }
                    level = next;
                }
            } catch (SQLException e) {
                found.clear();
                reached.clear();
            }
        }
        List<TableMapping> result = List.copyOf(found);
        long now = System.nanoTime();
        cache.put(key, new Read<>(result, now));
        if (key.startsWith("b:")) {
            (store == Store.OLD ? oldBaseNames : newBaseNames).put(key, new Read<>(List.copyOf(reached), now));
        }
        return result;
    }

    private final StoreSlots<Read<Map<String, java.util.Set<TableMapping>>>> otherNames = new StoreSlots<>();

    /**
     * PostgreSQL's {@code to_regclass} of a table name bound once as text, tried as the database folds an unquoted name
     * and then quoted as written, part by part ({@code Order} reaches {@code order}, else {@code "Order"}), as the
     * copier finds a table: a table created in mixed case was otherwise not found, and its triggers, rules, foreign
     * keys and kind were read as none. A name already quoted ({@code "Parents"}, as {@code regclass} spells one) is
     * found by the first form.
     */
    static final String REGCLASS = "(SELECT coalesce(to_regclass(n), to_regclass('\"' || replace(replace(n, '\"',"
            + " '\"\"'), '.', '\".\"') || '\"')) FROM (SELECT CAST(? AS text) AS n) regclass_name)";

    /**
     * The new tables of {@code mappings} as the new store's catalog spells them ({@link
     * io.dualwrite.jdbc.statement.StatementAnalyzer#newSpellings}), by lower-case configured name: each found as the
     * copier finds a table, by its name as the database folds unquoted names (H2 upper case, PostgreSQL lower case),
     * then as written; a table found under neither, or named with its schema, is left out (its rewrites keep the
     * configured names).
     *
     * @throws SQLException when the catalog cannot be read
     */
    static Map<String, CatalogNames.Spelling> readNewSpellings(Connection connection,
            java.util.Collection<TableMapping> mappings) throws SQLException {
        Map<String, CatalogNames.Spelling> found = new java.util.HashMap<>();
        for (TableMapping mapping : mappings) {
            String table = mapping.newTable();
            CatalogNames.Spelling spelling = table.indexOf('.') >= 0 ? null : CatalogNames.find(connection, table);
            if (spelling != null) {
                found.put(table.toLowerCase(Locale.ROOT), spelling);
            }
        }
        return found;
    }

    private volatile long newSpellingsRead = Long.MIN_VALUE; // System.nanoTime() of the last read, or never

    /**
     * Whether the new tables' spellings ({@link #readNewSpellings}) are due to be read: never read, read longer ago
     * than the catalog is trusted, or {@code missing} (a new table that the last read did not find, as when it was
     * created after: it is read again before a statement is rewritten for it, instead of naming it unquoted).
     */
    boolean newSpellingsDue(boolean missing) {
        long read = newSpellingsRead;
        return missing || read == Long.MIN_VALUE || System.nanoTime() - read > refreshNanos;
    }

    /** Notes that the new tables' spellings were read now ({@link #newSpellingsDue}). */
    void newSpellingsRead() {
        newSpellingsRead = System.nanoTime();
    }

    /**
     * Whether the other names of the mapped tables on {@code store} ({@link #readOtherNames}) are due to be read:
     * never read, or read longer ago than the catalog is trusted.
     */
    boolean otherNamesDue(Store store) {
        Read<Map<String, java.util.Set<TableMapping>>> known = otherNames.get(store);
        return known == null || !known.fresh(refreshNanos);
    }

    /**
     * Reads the other names under which statements write the mapped tables on {@code store}: views over them
     * (and views of those), and on PostgreSQL the partitions, inheriting children and parents of them, each
     * with the mapped tables a write on it reaches; on H2 the synonyms of them. Kept per store until the catalog is
     * due again; the union of both stores is returned. A failed read keeps what was known.
     */
    Map<String, java.util.Set<TableMapping>> readOtherNames(Store store, Connection connection, @Nullable Dialect dialect,
                                                            java.util.Collection<TableMapping> mappings) {
        Map<String, java.util.Set<TableMapping>> found = new java.util.HashMap<>();
        try {
            if (dialect == Dialect.POSTGRESQL) {
                for (TableMapping mapping : mappings) {
                    java.util.Set<String> seen = new java.util.HashSet<>();
                    List<String> level = List.of(mapping.table(store));
                    while (!level.isEmpty()) { // to the end of the chain: seen names are not followed again
                        List<String> next = new ArrayList<>();
                        for (String table : level) {
                            for (String other : readDependents(connection, table)) {
                                String plain = plainName(other);
                                if (plain.equals(plainName(mapping.table(store))) || !seen.add(plain)) {
                                    continue;
                                }
                                found.computeIfAbsent(plain, k -> new java.util.LinkedHashSet<>()).add(mapping);
                                next.add(other);
                            }
                        }
                        level = next;
                    }
                }
            } else if (dialect == Dialect.MYSQL) {
                Map<String, String> views = new java.util.HashMap<>();
                try (java.sql.Statement statement = connection.createStatement();
                     ResultSet rows = statement.executeQuery("SELECT TABLE_NAME, VIEW_DEFINITION FROM"
                             + " information_schema.VIEWS WHERE TABLE_SCHEMA = DATABASE()")) {
                    while (rows.next()) {
                        views.put(rows.getString(1).toLowerCase(Locale.ROOT),
                                String.valueOf(rows.getString(2)).toLowerCase(Locale.ROOT));
                    }
                }
                // a view reaches a mapped table its definition names, or a view that reaches one
                for (TableMapping mapping : mappings) {
                    java.util.Set<String> reaching = new java.util.HashSet<>(List.of(plainName(mapping.table(store))));
                    boolean grew = true;
                    while (grew) { // until a pass adds no view: a chain of any length
                        grew = false;
                        for (Map.Entry<String, String> view : views.entrySet()) {
                            if (!reaching.contains(view.getKey()) && reaching.stream()
                                    .anyMatch(name -> view.getValue().contains("`" + name + "`"))) {
                                reaching.add(view.getKey());
                                found.computeIfAbsent(view.getKey(), k -> new java.util.LinkedHashSet<>()).add(mapping);
                                grew = true;
                            }
                        }
                    }
                }
            } else if (dialect == Dialect.H2) {
                // a synonym writes the table it stands for (CREATE SYNONYM s FOR orders)
                try (java.sql.Statement statement = connection.createStatement();
                     ResultSet rows = statement.executeQuery("SELECT SYNONYM_NAME, SYNONYM_FOR FROM"
                             + " INFORMATION_SCHEMA.SYNONYMS")) {
                    while (rows.next()) {
                        String target = plainName(rows.getString(2));
                        for (TableMapping mapping : mappings) {
                            if (plainName(mapping.table(store)).equals(target)) {
                                found.computeIfAbsent(plainName(rows.getString(1)), k -> new java.util.LinkedHashSet<>())
                                        .add(mapping);
                            }
                        }
                    }
                }
            }
            otherNames.put(store, new Read<>(Map.copyOf(found), System.nanoTime()));
        } catch (SQLException | RuntimeException e) {
            Read<Map<String, java.util.Set<TableMapping>>> before = otherNames.get(store);
            otherNames.put(store, new Read<>(before == null ? Map.of() : before.value(), System.nanoTime()));
        }
        Map<String, java.util.Set<TableMapping>> union = new java.util.HashMap<>();
        otherNames.values().forEach(read -> read.value().forEach((name, tables) ->
                union.computeIfAbsent(name, k -> new java.util.LinkedHashSet<>()).addAll(tables)));
        return union;
    }

    /** A table name without schema and quotes, lower case: how other names are matched in statements. */
    private static String plainName(String table) {
        return bare(table.replace("\"", "").replace("`", "").toLowerCase(Locale.ROOT));
    }

    /** The views over a PostgreSQL table, and its inheriting children and parents, as regclass spells them. */
    private static List<String> readDependents(Connection connection, String table) throws SQLException {
        String sql = "SELECT inhrelid::regclass::text FROM pg_inherits WHERE inhparent = " + REGCLASS
                + " UNION SELECT inhparent::regclass::text FROM pg_inherits WHERE inhrelid = " + REGCLASS
                + " UNION SELECT r.ev_class::regclass::text FROM pg_depend d JOIN pg_rewrite r ON r.oid = d.objid"
                + " WHERE d.classid = 'pg_rewrite'::regclass AND d.refclassid = 'pg_class'::regclass"
                + " AND d.refobjid = " + REGCLASS + " AND r.ev_class <> d.refobjid";
        return texts(connection, sql, table, table, table);
    }

    /** What {@link #cascadesFrom} found for the table within the last minute, or {@code null}: no catalog read. */
    @Nullable List<TableMapping> knownCascadesFrom(Store store, String table, boolean deletes) {
        String key = cascadeKey(table, deletes);
        Read<List<TableMapping>> known = trustedCascades(store, key);
        if (known == null) {
            return null;
        }
        rely(known, store, null, key);
        return known.value();
    }

    /** The key under which a write relies on {@link #knownWriters} ({@link #recheck}). */
    private static final String WRITERS_KEY = "w:";

    /** Per store: the names a statement may mention that make the database write mapped tables ({@link #readWriters}). */
    private final StoreSlots<Read<Map<String, java.util.Set<TableMapping>>>> writers = new StoreSlots<>();
    /** The stores whose {@link #writers} are being read again in the background. */
    private final java.util.Set<Store> writersRefreshing = ConcurrentHashMap.newKeySet();

    /**
     * What {@link #readWriters} found on {@code store}, or {@code null} when it was never read. While trusted, a
     * write relies on it (it is read again when the trust ends, and what changed is resynced); once no longer
     * trusted it is still returned, and read again in the background on a connection of the data source's own
     * ({@link #onTrustEnded}), which resyncs what changed meanwhile.
     */
    @Nullable Map<String, java.util.Set<TableMapping>> knownWriters(Store store) {
        Read<Map<String, java.util.Set<TableMapping>>> known = writers.get(store);
        if (known == null || refreshNanos == 0) {
            return null; // never read, or a refresh of zero: every statement reads it
        }
        if (known.fresh(refreshNanos)) {
            rely(known, store, null, WRITERS_KEY);
        } else {
            java.util.function.Consumer<Relied> handler = onTrustEnded;
            if (handler != null && writersRefreshing.add(store)) {
                try {
                    RECHECKS.execute(() -> {
                        try {
                            handler.accept(new Relied(store, null, WRITERS_KEY));
                        } finally {
                            writersRefreshing.remove(store);
                        }
                    });
                } catch (java.util.concurrent.RejectedExecutionException e) {
                    writersRefreshing.remove(store);
                }
            }
        }
        return known.value();
    }

    /**
     * Forgets what {@link #readWriters} found on {@code store}: a statement of the application changed the catalog
     * ({@code CREATE FUNCTION}, {@code CREATE TRIGGER}, {@code ALTER TABLE … SET DEFAULT}), so the next statement
     * reads it again first.
     */
    void forgetWriters(Store store) {
        writers.remove(store);
    }

    /**
     * Reads from {@code store}'s catalog the names (lower case, without schema or quotes) that a statement may
     * mention and that make the database write mapped tables no statement names, each with those tables:
     * <ul>
     * <li>routines ({@code SELECT bump(1)}): PostgreSQL's functions, procedures and aggregates outside the system
     * schemas and extensions and not in C; MySQL/MariaDB's of the session's database; H2's aliases;</li>
     * <li>on PostgreSQL, every object that depends on such a routine: a view or materialized view, a table whose
     * default, generated column, check constraint, index expression, policy or trigger (its function or its
     * {@code WHEN}) calls it, a type whose cast or domain check calls it, an operator; on MySQL/MariaDB, a view
     * that calls it and a table whose triggers call it or name a mapped table.</li>
     * </ul>
     * A routine may write what its body names, read as a statement's names are ({@link
     * io.dualwrite.jdbc.statement.SqlText#allNames}; a body is code the catalog does not resolve: a table it only
     * reads costs a resync too many, one too few would lose rows): a mapped table, a view or partition of
     * one, a table whose triggers, rules or cascading foreign keys write one; and what the routines it names
     * write, followed to the end. A body running SQL built at run time (PL/pgSQL {@code EXECUTE}, {@code
     * PREPARE}, an H2 alias running a statement) or that the catalog does not show may write every mapped table.
     * A PostgreSQL function declared stable or immutable writes only through the routines it calls (PostgreSQL
     * refuses its own writes). Names that write nothing are left out, so the map is empty for most stores.
     *
     * @return the mapped tables that a name now writes and did not in the read before (empty the first time):
     *         writes made while the read before was trusted may have written them unrecorded
     * @throws SQLException when the catalog cannot be read
     */
    List<TableMapping> readWriters(Store store, Connection connection, @Nullable Dialect dialect,
                                   java.util.Collection<TableMapping> mappings) throws SQLException {
        Map<String, java.util.Set<TableMapping>> found = dialect == null || mappings.isEmpty() ? Map.of()
                : Writers.read(store, connection, dialect, mappings, readOtherNames(store, connection, dialect, mappings));
        Read<Map<String, java.util.Set<TableMapping>>> before = writers.put(store, new Read<>(found, System.nanoTime()));
        if (before == null) {
            return List.of();
        }
        java.util.Set<TableMapping> grown = new java.util.LinkedHashSet<>();
        found.forEach((name, tables) -> tables.stream()
                .filter(table -> !before.value().getOrDefault(name, java.util.Set.of()).contains(table))
                .forEach(grown::add));
        return List.copyOf(grown);
    }

    private static String cascadeKey(String table, boolean deletes) {
        return (deletes ? "d:" : "u:") + catalogKey(table);
    }

    private @Nullable Read<List<TableMapping>> trustedCascades(Store store, String key) {
        Read<List<TableMapping>> known = (store == Store.OLD ? oldCascades : newCascades).get(key);
        return known != null && known.fresh(refreshNanos) ? known : null;
    }

    private static String bare(String table) {
        return table.substring(table.lastIndexOf('.') + 1);
    }

    /** The tables (lower case) with a foreign key onto {@code parent} whose delete or update rule writes them. */
    private static List<String> readCascades(Connection connection, Dialect dialect, String parent, boolean deletes)
            throws SQLException {
        String rule = deletes ? "DELETE_RULE" : "UPDATE_RULE";
        String sql = switch (dialect) {
            case POSTGRESQL -> "SELECT conrelid::regclass::text FROM pg_constraint WHERE contype = 'f'"
                    + " AND confrelid = " + REGCLASS + " AND " + (deletes ? "confdeltype" : "confupdtype")
                    + " IN ('c', 'n', 'd')";
            case MYSQL -> "SELECT TABLE_NAME FROM information_schema.REFERENTIAL_CONSTRAINTS"
                    + " WHERE REFERENCED_TABLE_NAME = ? AND CONSTRAINT_SCHEMA = DATABASE()"
                    + " AND " + rule + " IN ('CASCADE', 'SET NULL', 'SET DEFAULT')";
            case H2 -> "SELECT tc.TABLE_NAME FROM INFORMATION_SCHEMA.REFERENTIAL_CONSTRAINTS rc"
                    + " JOIN INFORMATION_SCHEMA.TABLE_CONSTRAINTS tc ON tc.CONSTRAINT_NAME = rc.CONSTRAINT_NAME"
                    + " AND tc.CONSTRAINT_SCHEMA = rc.CONSTRAINT_SCHEMA"
                    + " JOIN INFORMATION_SCHEMA.TABLE_CONSTRAINTS pc ON pc.CONSTRAINT_NAME = rc.UNIQUE_CONSTRAINT_NAME"
                    + " AND pc.CONSTRAINT_SCHEMA = rc.UNIQUE_CONSTRAINT_SCHEMA"
                    + " WHERE UPPER(pc.TABLE_NAME) = UPPER(?) AND rc." + rule + " IN ('CASCADE', 'SET NULL', 'SET DEFAULT')";
        };
        List<String> children = new ArrayList<>();
        try (java.sql.PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setString(1, dialect == Dialect.POSTGRESQL ? parent : bare(parent));
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    // PostgreSQL's as regclass spells it (quoted where it must be), to be found again by to_regclass
                    String child = rows.getString(1);
                    children.add(dialect == Dialect.POSTGRESQL ? child : child.replace("\"", "").toLowerCase(Locale.ROOT));
                }
            }
        }
        return children;
    }

    /**
     * The tables (lower case) a write on {@code table} writes in truth: for a view, the tables its query reads
     * (PostgreSQL's rewrite rule dependencies; MySQL/MariaDB's view definition, every quoted name in it, of which
     * the mapped ones count and the rest are followed as possible views); for a PostgreSQL partition or inheriting
     * child, its parent; and the mapped tables the table's triggers name (an {@code INSTEAD OF} trigger on a
     * view, an {@code AFTER INSERT} trigger on an audit table that updates a mapped one). H2: the table a synonym
     * stands for ({@code CREATE SYNONYM s FOR orders}: a write on {@code s} writes {@code orders}), and every mapped
     * table when the table has a trigger, whose Java code (a class, or source compiled by H2) the catalog does not
     * show: it may write any of them, as an {@code INSTEAD OF} trigger on a view does.
     */
    private static List<String> readBases(Connection connection, @Nullable Dialect dialect, String table,
                                          List<String> mapped, TriggerCalls calls) throws SQLException {
        if (dialect == null) {
            return List.of();
        }
        if (dialect == Dialect.H2) {
            List<String> bases = new ArrayList<>(texts(connection, "SELECT SYNONYM_FOR FROM INFORMATION_SCHEMA.SYNONYMS"
                    + " WHERE UPPER(SYNONYM_NAME) = UPPER(?)", bare(table)));
            if (!texts(connection, "SELECT TRIGGER_NAME FROM INFORMATION_SCHEMA.TRIGGERS"
                    + " WHERE UPPER(EVENT_OBJECT_TABLE) = UPPER(?)", bare(table)).isEmpty()) {
                bases.addAll(mapped);
            }
            return bases;
        }
        List<String> bases = new ArrayList<>();
        if (dialect == Dialect.POSTGRESQL) {
            // a partition's or inheriting child's parent, the children of a parent (a write on it reaches theirs
            // rows), and a view's tables; names as regclass spells them, quoted where they must be
            String sql = "SELECT inhparent::regclass::text FROM pg_inherits WHERE inhrelid = " + REGCLASS
                    + " UNION SELECT inhrelid::regclass::text FROM pg_inherits WHERE inhparent = " + REGCLASS
                    + " UNION SELECT d.refobjid::regclass::text FROM pg_rewrite r JOIN pg_depend d ON d.objid = r.oid"
                    + " AND d.classid = 'pg_rewrite'::regclass AND d.refclassid = 'pg_class'::regclass"
                    + " WHERE r.ev_class = " + REGCLASS + " AND d.refobjid <> r.ev_class";
            bases.addAll(texts(connection, sql, table, table, table));
            // the tables the table's triggers may write: the mapped ones their functions' text names
            // the tables the table's triggers may write: the mapped ones their functions' text names, and those of
            // the routines they call
            List<String> bodies = texts(connection, "SELECT p.prosrc FROM pg_trigger t JOIN pg_proc p"
                    + " ON p.oid = t.tgfoid WHERE t.tgrelid = " + REGCLASS + " AND NOT t.tgisinternal", table);
            bases.addAll(namedIn(bodies, mapped));
            bases.addAll(bodies.isEmpty() ? List.of() : calls.tablesOf(bodies));
            return bases;
        }
        List<String> bodies = texts(connection, "SELECT ACTION_STATEMENT FROM information_schema.TRIGGERS"
                + " WHERE EVENT_OBJECT_TABLE = ? AND TRIGGER_SCHEMA = DATABASE()", bare(table));
        bases.addAll(namedIn(bodies, mapped));
        bases.addAll(bodies.isEmpty() ? List.of() : calls.tablesOf(bodies));
        try (java.sql.PreparedStatement statement = connection.prepareStatement("SELECT VIEW_DEFINITION FROM"
                + " information_schema.VIEWS WHERE TABLE_NAME = ? AND TABLE_SCHEMA = DATABASE()")) {
            statement.setString(1, bare(table));
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    java.util.regex.Matcher quoted = java.util.regex.Pattern.compile("`((?:[^`]|``)+)`")
                            .matcher(String.valueOf(rows.getString(1)));
                    while (quoted.find()) {
                        String name = quoted.group(1).replace("``", "`").toLowerCase(Locale.ROOT);
                        if (!bases.contains(name)) {
                            bases.add(name);
                        }
                    }
                }
            }
        }
        return bases;
    }

    /** The tables (as {@code mapped} spells them) that the routines called in trigger bodies may write. */
    @FunctionalInterface
    private interface TriggerCalls {
        List<String> tablesOf(List<String> triggerBodies) throws SQLException;
    }

    /** The first column of every row a catalog query returns, its parameters bound as text. */
    private static List<String> texts(Connection connection, String sql, String... parameters) throws SQLException {
        List<String> texts = new ArrayList<>();
        try (java.sql.PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                statement.setString(i + 1, parameters[i]);
            }
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    texts.add(String.valueOf(rows.getString(1)));
                }
            }
        }
        return texts;
    }

    /**
     * The mapped tables that any of {@code texts} names as a word: a trigger's body is code the catalog does not
     * resolve, so the names in it are all there is to go by (a name it only reads counts too: a resync too many
     * costs a verification, one too few loses rows).
     */
    private static List<String> namedIn(List<String> texts, List<String> mapped) {
        List<String> named = new ArrayList<>();
        for (String table : mapped) {
            java.util.regex.Pattern word = java.util.regex.Pattern.compile("(?<![\\w$])"
                    + java.util.regex.Pattern.quote(bare(table.toLowerCase(Locale.ROOT))) + "(?![\\w$])",
                    java.util.regex.Pattern.CASE_INSENSITIVE);
            if (texts.stream().anyMatch(text -> word.matcher(text).find())) {
                named.add(table);
            }
        }
        return named;
    }

    /**
     * The table's own foreign keys through which a write on another table changes its rows ({@code ON DELETE} or
     * {@code ON UPDATE} {@code CASCADE}, {@code SET NULL}, {@code SET DEFAULT}), as sorted texts (constraint,
     * referenced table, rules): one added while the application runs is a change of the table's catalog ({@link
     * #takeChanged}) even when the referenced table is not written again. Empty when they cannot be read.
     */
    private static List<String> cascadesInto(Connection connection, @Nullable Dialect dialect, String name, String table) {
        if (dialect == null) {
            return List.of();
        }
        String sql = switch (dialect) {
            case POSTGRESQL -> "SELECT conname::text || ' ' || confrelid::regclass::text || ' ' || confdeltype::text"
                    + " || confupdtype::text"
                    + " FROM pg_constraint WHERE contype = 'f' AND conrelid = " + REGCLASS
                    + " AND (confdeltype IN ('c', 'n', 'd') OR confupdtype IN ('c', 'n', 'd'))";
            case MYSQL -> "SELECT CONCAT(CONSTRAINT_NAME, ' ', REFERENCED_TABLE_NAME, ' ', DELETE_RULE, ' ', UPDATE_RULE)"
                    + " FROM information_schema.REFERENTIAL_CONSTRAINTS WHERE TABLE_NAME = ?"
                    + " AND CONSTRAINT_SCHEMA = DATABASE() AND (DELETE_RULE IN ('CASCADE', 'SET NULL', 'SET DEFAULT')"
                    + " OR UPDATE_RULE IN ('CASCADE', 'SET NULL', 'SET DEFAULT'))";
            case H2 -> "SELECT rc.CONSTRAINT_NAME || ' ' || rc.DELETE_RULE || ' ' || rc.UPDATE_RULE"
                    + " FROM INFORMATION_SCHEMA.REFERENTIAL_CONSTRAINTS rc"
                    + " JOIN INFORMATION_SCHEMA.TABLE_CONSTRAINTS tc ON tc.CONSTRAINT_NAME = rc.CONSTRAINT_NAME"
                    + " AND tc.CONSTRAINT_SCHEMA = rc.CONSTRAINT_SCHEMA WHERE UPPER(tc.TABLE_NAME) = UPPER(?)"
                    + " AND (rc.DELETE_RULE IN ('CASCADE', 'SET NULL', 'SET DEFAULT')"
                    + " OR rc.UPDATE_RULE IN ('CASCADE', 'SET NULL', 'SET DEFAULT'))";
        };
        List<String> found = new ArrayList<>();
        try (java.sql.PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setString(1, dialect == Dialect.POSTGRESQL ? table : name);
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    found.add(rows.getString(1));
                }
            }
        } catch (SQLException e) {
            return List.of();
        }
        java.util.Collections.sort(found);
        return List.copyOf(found);
    }

    /**
     * What the catalog keeps of the table besides its key facts, compared by {@link KeyTexts#sameAs}: its own
     * cascading foreign keys ({@link #cascadesInto}) and, on PostgreSQL, whether it has or ever had triggers or
     * rules ({@code pg_class.relhastriggers}, {@code relhasrules}: PostgreSQL sets them when one is created and
     * leaves them set when it is dropped), so that a trigger created and dropped again between two reads, which
     * may have stored rows under other keys meanwhile, still shows as a change.
     */
    private static List<String> traces(Connection connection, @Nullable Dialect dialect, String name, String table) {
        List<String> traces = new ArrayList<>(cascadesInto(connection, dialect, name, table));
        if (dialect == Dialect.POSTGRESQL) {
            try (java.sql.PreparedStatement statement = connection.prepareStatement(
                    "SELECT relhastriggers, relhasrules FROM pg_class WHERE oid = " + REGCLASS)) {
                statement.setString(1, table);
                try (ResultSet rows = statement.executeQuery()) {
                    if (rows.next()) {
                        traces.add("triggers " + rows.getBoolean(1) + ", rules " + rows.getBoolean(2));
                    }
                }
            } catch (SQLException e) {
                traces.add("unread");
            }
        }
        return List.copyOf(traces);
    }

    /**
     * Something read from the catalog and when ({@link System#nanoTime()}), trusted for a refresh; whether a write
     * relied on it while it was trusted (then it is {@linkplain #recheck read again} when the trust ends).
     */
    private static final class Read<T> {
        private final T value;
        private final long at;
        private volatile boolean relied;

        Read(T value, long at) {
            this.value = value;
            this.at = at;
        }

        T value() {
            return value;
        }

        boolean fresh(long refreshNanos) {
            return System.nanoTime() - at < refreshNanos;
        }
    }

    /**
     * A trusted catalog read a write relied on: the key facts of a mapped table ({@code cascadeKey} null), or the
     * cascades from a table ({@code cascadeKey} {@code d:}/{@code u:} and its lower-case name).
     */
    record Relied(Store store, @Nullable TableMapping mapping, @Nullable String cascadeKey) { }

    /**
     * The reads writes relied on, each until its trust ends; then {@link #onTrustEnded} is told (on {@link
     * #RECHECKS}), so that a change made while a read was trusted (a trigger created, a cascading foreign key
     * added) is found even when the table is never written again. Caffeine's system scheduler ends entries on
     * time without a thread of this data source, and its clean-up holds caches weakly, so a data source that is
     * dropped leaves nothing running.
     */
    private final Cache<Relied, Long> relied = Caffeine.newBuilder()
            .expireAfter(Expiry.<Relied, Long>writing((key, deadline) ->
                    java.time.Duration.ofNanos(Math.max(0, deadline - System.nanoTime()))))
            .scheduler(Scheduler.systemScheduler())
            .removalListener((Relied key, Long deadline, RemovalCause cause) -> {
                java.util.function.Consumer<Relied> handler = this.onTrustEnded;
                if (cause == RemovalCause.EXPIRED && key != null && handler != null) {
                    RECHECKS.execute(() -> handler.accept(key));
                }
            })
            .build();
    private volatile java.util.function.@Nullable Consumer<Relied> onTrustEnded;

    /**
     * Where rechecks run: one daemon thread for the JVM, started on demand and gone after ten idle seconds. A
     * recheck borrows a connection, which may wait for the pool; it must not hold a thread of the common pool.
     */
    private static final java.util.concurrent.ThreadPoolExecutor RECHECKS = new java.util.concurrent.ThreadPoolExecutor(
            0, 1, 10, java.util.concurrent.TimeUnit.SECONDS, new java.util.concurrent.LinkedBlockingQueue<>(),
            runnable -> {
                Thread thread = new Thread(runnable, "dualwrite-catalog-recheck");
                thread.setDaemon(true);
                return thread;
            });

    /**
     * What to do when the trust of a read a write relied on ends ({@link #recheck} it): set once by the data
     * source that owns this metadata.
     */
    void onTrustEnded(java.util.function.Consumer<Relied> handler) {
        this.onTrustEnded = handler;
    }

    private <T> void rely(Read<T> read, Store store, @Nullable TableMapping mapping, @Nullable String cascadeKey) {
        // a refresh of over a century is "never": no recheck (and no overflow of the deadline)
        if (!read.relied && refreshNanos > 0 && refreshNanos < Long.MAX_VALUE / 4) {
            read.relied = true;
            relied.put(new Relied(store, mapping, cascadeKey), read.at + refreshNanos);
        }
    }

    /**
     * Reads again what a write relied on once its trust has ended, on {@code connection} (of {@code relied}'s
     * store): the mapped tables a change found since then may have changed without a record (their key facts
     * changed; a cascade from the table now reaches them); empty when nothing changed, when a write read it again
     * meanwhile (that write took the change), or when the catalog cannot be read.
     */
    List<TableMapping> recheck(Relied relied, Connection connection, @Nullable Dialect dialect,
                               java.util.Collection<TableMapping> mappings) {
        Store store = relied.store();
        TableMapping mapping = relied.mapping();
        if (mapping != null) {
            keyTexts(store, connection, dialect, mapping); // read again unless a write did
            return takeChanged(store, mapping) ? List.of(mapping) : List.of();
        }
        String key = java.util.Objects.requireNonNull(relied.cascadeKey());
        if (key.equals(WRITERS_KEY)) {
            Read<Map<String, java.util.Set<TableMapping>>> known = writers.get(store);
            if (known != null && known.fresh(refreshNanos)) {
                return List.of(); // read again meanwhile, by a write that took the change
            }
            try {
                return readWriters(store, connection, dialect, mappings);
            } catch (SQLException e) {
                return List.of();
            }
        }
        Read<List<TableMapping>> before = (store == Store.OLD ? oldCascades : newCascades).get(key);
        if (before == null || before.fresh(refreshNanos)) {
            return List.of();
        }
        List<TableMapping> now;
        now = key.startsWith("b:") ? basesOf(store, connection, dialect, key.substring(2), mappings)
                : cascadesFrom(store, connection, dialect, key.substring(2), key.startsWith("d:"), mappings);
        return now.stream().filter(child -> !before.value().contains(child)).toList();
    }
    private final Map<TableMapping, Boolean> oldLockable = new ConcurrentHashMap<>();
    private final Map<TableMapping, Boolean> newLockable = new ConcurrentHashMap<>();
    private final Map<TableMapping, Read<Boolean>> oldReturning = new ConcurrentHashMap<>();
    private final Map<TableMapping, Read<Boolean>> newReturning = new ConcurrentHashMap<>();
    private final Map<TableMapping, Read<Boolean>> oldTransactional = new ConcurrentHashMap<>();
    private final Map<TableMapping, Read<Boolean>> newTransactional = new ConcurrentHashMap<>();

    /**
     * The table's columns in table order, read with an empty query on {@code connection}; {@code table} is the name
     * as configured (the cache's key), {@code spelled} as the query names it ({@link KeyTexts#table}).
     */
    List<String> columnOrder(Store store, Connection connection, String table, String spelled) throws SQLException {
        String key = store + "#" + table.toLowerCase(Locale.ROOT);
        List<String> known = columns.get(key);
        if (known == null) {
            List<String> names = new ArrayList<>();
            try (java.sql.Statement statement = connection.createStatement();
                 ResultSet empty = statement.executeQuery("SELECT * FROM " + spelled + " WHERE 1 = 0")) {
                ResultSetMetaData meta = empty.getMetaData();
                for (int i = 1; i <= meta.getColumnCount(); i++) {
                    names.add(meta.getColumnName(i));
                }
            }
            known = List.copyOf(names);
            columns.put(key, known);
        }
        return known;
    }

    /** The table's unique keys (primary key included), each as its column names in index order. */
    List<List<String>> uniqueKeys(Store store, Connection connection, String table) throws SQLException {
        return uniqueKeys(store, connection, table, null);
    }

    /**
     * {@link #uniqueKeys(Store, Connection, String)}, for a write that names the table in {@code namedIn} (a schema or
     * database, as written): where the bare name finds no unique key on this session (a MariaDB session {@code USE}d
     * into another database, a PostgreSQL or H2 one on another schema), they are read where the write named the
     * table, and not kept (the bare name's answer stays the one cached).
     */
    List<List<String>> uniqueKeys(Store store, Connection connection, String table, @Nullable String namedIn)
            throws SQLException {
        String key = store + "#" + table.toLowerCase(Locale.ROOT);
        List<List<String>> known = uniqueKeys.get(key);
        if (known == null) {
            known = readUniqueKeys(connection, null, table);
            uniqueKeys.put(key, known);
        }
        if (known.isEmpty() && namedIn != null && !table.contains(".")) {
            return readUniqueKeys(connection, namedIn, table);
        }
        return known;
    }

    /**
     * What a table's key is, read from the catalog: how it compares what a statement names it by, and whether the
     * store may keep a key other than the one written. {@code textColumns}: the key columns (bit per position)
     * that hold text (a number bound against one is compared as a number on MySQL, MariaDB and H2: {@code 7}
     * names row {@code '007'}); {@code loose}: a text key matches rows spelt otherwise ({@code 'ABC'} names row
     * {@code 'abc'}); {@code enumColumns}: MySQL {@code ENUM} or {@code SET} columns (a number bound to one is a
     * member's index); {@code formedColumns}: types that store a value in a form of its own ({@link #formed});
     * {@code zonedColumns}: MySQL and MariaDB {@code TIMESTAMP} columns ({@link #zoned}); {@code numericColumns}:
     * exact or approximate numbers (text bound to one is converted); {@code autoIncrementColumns}: MySQL
     * {@code AUTO_INCREMENT} (a {@code 0} written to one is replaced by the next value); {@code insertTriggers}
     * and {@code updateTriggers}: a trigger or the column's own definition may give the row being inserted or
     * updated another key ({@link #readKeyTriggers}, a generated column, {@code ON UPDATE CURRENT_TIMESTAMP});
     * {@code selfWriting}: a trigger or rule may write rows of the table other than the one written, or rewrite
     * a delete ({@link #readKeyTriggers}); {@code limits}: per key position, the longest text and the range of
     * integers the column holds as written (MySQL and MariaDB outside strict mode cut and clamp the rest), or
     * {@code null} where any value is held or refused.
     */
    record KeyTexts(long textColumns, boolean loose, long enumColumns, long formedColumns, long zonedColumns,
                    long numericColumns, long autoIncrementColumns, long numberedColumns, long durationColumns,
                    boolean insertTriggers, boolean updateTriggers, boolean selfWriting, @Nullable Limit[] limits,
                    List<String> traces, int idTriggers, @Nullable String quotedTable, Map<String, String> spellings) {
        // zoned, numbered and duration stay empty: a key column read in another form must be known to be of its type
        static final KeyTexts UNKNOWN = new KeyTexts(-1L, true, -1L, -1L, 0L, -1L, 0L, 0L, 0L, true, true, false,
                new Limit[0], List.of(), INSERT | UPDATE, null, Map.of());

        /**
         * {@code name} (a table's name as the mapping configures it) as SQL the library adds to the application's
         * statements names it on PostgreSQL and H2: quoted as the catalog spells it, so that a reserved word ({@code
         * order}, {@code user}) or a table created in mixed case ({@code "Order"}) is the table the copier reads;
         * as configured when the catalog was not read, and on MySQL and MariaDB (whose table names are not folded).
         */
        String table(String name) {
            return quotedTable == null ? name : quotedTable;
        }

        /**
         * The column {@code name} (as the mapping or a unique key names it, any case) quoted as the catalog spells it,
         * on PostgreSQL and H2, where an unquoted reserved word fails and an unquoted mixed-case name is folded to
         * another; {@code null} when the table's columns were not read or none has that name.
         */
        @Nullable String column(String name) {
            String spelled = spellings.get(name.toLowerCase(Locale.ROOT));
            return spelled == null ? null : CatalogNames.quoted("\"", spelled);
        }

        /**
         * Whether a row trigger may give a row being inserted ({@code insert}) or updated another order or merchant
         * id than the statement wrote ({@code SET NEW.merchant_id = …}): read as {@link #insertTriggers} is, for
         * the mapping's order and merchant id columns instead of its key.
         */
        boolean idTriggers(boolean insert) {
            return (idTriggers & (insert ? INSERT : UPDATE)) != 0;
        }

        /** Whether {@code other} says the same of the key (its limits compared by value). */
        boolean sameAs(KeyTexts other) {
            return textColumns == other.textColumns && loose == other.loose && enumColumns == other.enumColumns
                    && formedColumns == other.formedColumns && zonedColumns == other.zonedColumns
                    && numericColumns == other.numericColumns && autoIncrementColumns == other.autoIncrementColumns
                    && numberedColumns == other.numberedColumns && durationColumns == other.durationColumns
                    && insertTriggers == other.insertTriggers && updateTriggers == other.updateTriggers
                    && selfWriting == other.selfWriting && java.util.Arrays.equals(limits, other.limits)
                    && traces.equals(other.traces) && idTriggers == other.idTriggers
                    && java.util.Objects.equals(quotedTable, other.quotedTable) && spellings.equals(other.spellings);
        }

        /**
         * Whether the key column at {@code position} is a MySQL or MariaDB {@code TIMESTAMP}: its text names an
         * instant in the session's {@code time_zone}, so {@code '2024-01-01 10:00:00'} written in a session at
         * {@code +05:00} is another row for the copier's session.
         */
        boolean zoned(int position) {
            return position < 64 && (zonedColumns & (1L << position)) != 0;
        }

        /**
         * Whether the key column at {@code position} stores a value in a form of its own (date and time types
         * truncate or round fractions, binary types pad, {@code ENUM} maps numbers and texts to members,
         * floating-point types round to their precision, {@code YEAR} reads {@code 24} as {@code 2024}).
         */
        boolean formed(int position) {
            return position >= 64 || (formedColumns & (1L << position)) != 0;
        }

        /** Whether the key column at {@code position} is a MySQL {@code ENUM} or {@code SET}. */
        boolean enumerated(int position) {
            return position >= 64 || (enumColumns & (1L << position)) != 0;
        }

        /** Whether the key column at {@code position} holds numbers. */
        boolean numeric(int position) {
            return position >= 64 || (numericColumns & (1L << position)) != 0;
        }

        /**
         * Whether the key column at {@code position} is a MySQL or MariaDB {@code BIT(n)}, {@code YEAR} or
         * {@code TINYINT}: the drivers give bytes, a date and (for {@code TINYINT(1)}) a boolean, while the column
         * holds a number ({@code column + 0} reads it).
         */
        boolean numbered(int position) {
            return position < 64 && (numberedColumns & (1L << position)) != 0;
        }

        /**
         * Whether the key column at {@code position} is a MySQL or MariaDB {@code TIME}: a duration from -838:59:59
         * to 838:59:59, which the drivers' time of day wraps into one day ({@code 25:00:00} as {@code 01:00:00});
         * its text is exact.
         */
        boolean duration(int position) {
            return position < 64 && (durationColumns & (1L << position)) != 0;
        }

        /** Whether the key column at {@code position} is a MySQL {@code AUTO_INCREMENT} column. */
        boolean autoIncrement(int position) {
            return position < 64 && (autoIncrementColumns & (1L << position)) != 0;
        }

        /** Whether any key column holds text. */
        boolean text() {
            return textColumns != 0;
        }

        /** Whether the key column at {@code position} (0-based, in primary-key order) holds text. */
        boolean text(int position) {
            return position >= 64 || (textColumns & (1L << position)) != 0;
        }

        /**
         * Whether the key column at {@code position} holds {@code value} as written as far as its length and range
         * go: a text no longer than the column, an integer within its type's range. Anything else is true here.
         */
        boolean holds(int position, Object value) {
            Limit limit = position < limits.length ? limits[position] : null;
            return limit == null || limit.holds(value);
        }
    }

    /**
     * What a MySQL or MariaDB key column holds as written: text of at most {@code maxChars} characters (0: no
     * limit known), whole numbers from {@code minimum} to {@code maximum}.
     */
    record Limit(long maxChars, long minimum, long maximum) {
        boolean holds(Object value) {
            if (value instanceof String text) {
                return maxChars <= 0 || text.codePointCount(0, text.length()) <= maxChars;
            }
            if (value instanceof java.math.BigInteger big) {
                return big.bitLength() < 64 && holds(big.longValue());
            }
            if (value instanceof Long || value instanceof Integer || value instanceof Short || value instanceof Byte) {
                long number = ((Number) value).longValue();
                return number >= minimum && number <= maximum;
            }
            return true;
        }

        /** The limit of a column of MySQL type {@code columnType} ({@code int(10) unsigned}, {@code varchar(3)}). */
        static @Nullable Limit of(String type, String columnType, long maxChars) {
            boolean unsigned = columnType.contains("unsigned");
            long[] range = switch (type) {
                case "tinyint" -> unsigned ? new long[] {0, 255} : new long[] {-128, 127};
                case "smallint" -> unsigned ? new long[] {0, 65_535} : new long[] {-32_768, 32_767};
                case "mediumint" -> unsigned ? new long[] {0, 16_777_215} : new long[] {-8_388_608, 8_388_607};
                case "int", "integer" -> unsigned ? new long[] {0, 4_294_967_295L}
                        : new long[] {Integer.MIN_VALUE, Integer.MAX_VALUE};
                case "bigint" -> unsigned ? new long[] {0, Long.MAX_VALUE} : new long[] {Long.MIN_VALUE, Long.MAX_VALUE};
                default -> null;
            };
            if (range == null && maxChars <= 0) {
                return null;
            }
            return range == null ? new Limit(maxChars, Long.MIN_VALUE, Long.MAX_VALUE) : new Limit(0, range[0], range[1]);
        }
    }

    /**
     * What the table's key is ({@link KeyTexts}), read per store and table from the catalog, again after a
     * minute. On MySQL and MariaDB every text key is loose (their collations ignore trailing spaces even when
     * binary, and most ignore case and accents); on H2 too (a database collation such as {@code SET COLLATION
     * ENGLISH STRENGTH PRIMARY} is not in the column's type); on PostgreSQL {@code char(n)}, {@code citext} and
     * nondeterministic collations are, also under a domain; on any other database, or when the catalog cannot
     * be read, {@link KeyTexts#UNKNOWN}.
     */
    KeyTexts keyTexts(Store store, Connection connection, @Nullable Dialect dialect, TableMapping mapping) {
        return keyTexts(store, connection, dialect, mapping, null);
    }

    /**
     * {@link #keyTexts(Store, Connection, Dialect, TableMapping)}, for a write that names the mapped table in {@code
     * namedIn} (a schema or database, as written): when the bare name finds no table on this session (a MariaDB
     * session {@code USE}d into another database, a PostgreSQL {@code search_path} or an H2 {@code SET SCHEMA} that
     * misses it), the table is read where the write named it instead. Only then: the bare name's facts stay the ones
     * cached for the mapping.
     */
    KeyTexts keyTexts(Store store, Connection connection, @Nullable Dialect dialect, TableMapping mapping,
                      @Nullable String namedIn) {
        Read<KeyTexts> trusted = trustedKeyTexts(store, mapping);
        KeyTexts known = trusted == null ? null : trusted.value();
        if (known == null) {
            // the column order and unique keys are read again after the key facts (whose traces hold the table's
            // columns), never older than them: a change found between two reads of the facts is recorded
            String cached = store + "#" + mapping.table(store).toLowerCase(Locale.ROOT);
            columns.remove(cached);
            uniqueKeys.remove(cached);
            known = readKeyTexts(connection, dialect, mapping.table(store),
                    store == Store.OLD ? mapping.primaryKey() : mapping.newPrimaryKey(), idColumns(store, mapping));
            if (known == KeyTexts.UNKNOWN && namedIn != null && dialect != null && !mapping.table(store).contains(".")) {
                String schema = dialect == Dialect.POSTGRESQL ? namedIn : unquoted(namedIn);
                known = readKeyTexts(connection, dialect, schema + "." + mapping.table(store),
                        store == Store.OLD ? mapping.primaryKey() : mapping.newPrimaryKey(), idColumns(store, mapping));
            }
            Read<KeyTexts> before = (store == Store.OLD ? oldKeyTexts : newKeyTexts)
                    .put(mapping, new Read<>(known, System.nanoTime()));
            if (before != null && before.value() != KeyTexts.UNKNOWN && known != KeyTexts.UNKNOWN
                    && !before.value().sameAs(known)) {
                changed.add(List.of(store, mapping));
            }
        }
        return known;
    }

    /** An identifier without its quotes ({@code `shop`}, {@code "shop"}); doubled quotes inside are kept. */
    private static String unquoted(String identifier) {
        if (identifier.length() >= 2 && (identifier.charAt(0) == '`' || identifier.charAt(0) == '"')
                && identifier.charAt(identifier.length() - 1) == identifier.charAt(0)) {
            return identifier.substring(1, identifier.length() - 1);
        }
        return identifier;
    }

    /**
     * Whether a refresh of {@link #keyTexts} found the table's key facts changed since the read before (a trigger
     * created, a key column's type altered); answers {@code true} once per change.
     */
    boolean takeChanged(Store store, TableMapping mapping) {
        return !changed.isEmpty() && changed.remove(List.of(store, mapping));
    }

    /**
     * What {@link #keyTexts} found for the table, or {@code null} before it was read or once it is older than a
     * minute: a lookup by the mapping's identity, since it runs for every write by key.
     */
    @Nullable KeyTexts knownKeyTexts(Store store, TableMapping mapping) {
        Read<KeyTexts> read = trustedKeyTexts(store, mapping);
        if (read == null) {
            return null;
        }
        rely(read, store, mapping, null);
        return read.value();
    }

    private @Nullable Read<KeyTexts> trustedKeyTexts(Store store, TableMapping mapping) {
        Read<KeyTexts> read = (store == Store.OLD ? oldKeyTexts : newKeyTexts).get(mapping);
        return read != null && read.fresh(refreshNanos) ? read : null;
    }

    /**
     * Whether the table is selected {@code FOR UPDATE} before an update or delete: on PostgreSQL only an ordinary
     * or partitioned table (a view that is not simple refuses it with SQLState 0A000, also one made writable by
     * rules or triggers, and a pool then discards the caller's connection; which views PostgreSQL accepts is not
     * in the catalog, so no view is locked); elsewhere, yes. Read once per store and table, on {@code connection}.
     */
    boolean lockable(Store store, @Nullable Connection connection, @Nullable Dialect dialect, TableMapping mapping) {
        return lockable(store, connection, dialect, mapping, null);
    }

    /**
     * {@link #lockable(Store, Connection, Dialect, TableMapping)}, for a write that names the mapped table in {@code
     * namedIn} (as written): where the bare name finds no relation on this session's {@code search_path}, the table
     * is read where the write named it; where neither finds one, the answer is no, and it is not kept (another
     * session may find the table).
     */
    boolean lockable(Store store, @Nullable Connection connection, @Nullable Dialect dialect, TableMapping mapping,
                     @Nullable String namedIn) {
        Map<TableMapping, Boolean> cache = store == Store.OLD ? oldLockable : newLockable;
        Boolean known = cache.get(mapping);
        if (known == null) {
            if (dialect != Dialect.POSTGRESQL || connection == null) {
                known = true;
            } else {
                String table = mapping.table(store);
                known = readLockable(connection, table);
                if (known == null && namedIn != null && !table.contains(".")) {
                    known = readLockable(connection, namedIn + "." + table);
                }
                if (known == null) {
                    return false;
                }
            }
            cache.put(mapping, known);
        }
        return known;
    }

    /**
     * Whether the table's writes end with their transaction: on MySQL and MariaDB, whether its storage engine
     * has transactions ({@code information_schema.ENGINES}; MyISAM, Aria, MEMORY and CSV have none, so their rows
     * stay written when the statement fails midway or the transaction rolls back); elsewhere, and for a table the
     * catalog does not show (a view), yes. Read on {@code connection} once per store and table, and again when
     * the read is older than the catalog's trust ({@code catalogRefresh}): another session may change the engine.
     */
    boolean transactional(Store store, Connection connection, @Nullable Dialect dialect, TableMapping mapping) {
        if (dialect != Dialect.MYSQL) {
            return true;
        }
        return cachedFlag(store == Store.OLD ? oldTransactional : newTransactional, mapping,
                () -> readTransactional(connection, mapping.table(store)));
    }

    /** A per-table answer of the catalog: the cached one while it is trusted ({@code catalogRefresh}), else read anew. */
    private <E extends Exception> boolean cachedFlag(Map<TableMapping, Read<Boolean>> cache, TableMapping mapping,
                                                     FlagRead<E> read) throws E {
        Read<Boolean> known = cache.get(mapping);
        if (known == null || !known.fresh(refreshNanos)) {
            known = new Read<>(read.read(), System.nanoTime());
            cache.put(mapping, known);
        }
        return known.value();
    }

    /** Reads one per-table answer of the catalog. */
    @FunctionalInterface
    private interface FlagRead<E extends Exception> {
        boolean read() throws E;
    }

    /**
     * Whether an insert into the table may be asked for its keys: on PostgreSQL, unless the table has an
     * {@code INSTEAD} rule on {@code INSERT} or row security enabled (on it, or, for a view, on a table under it). pgjdbc asks by appending {@code RETURNING},
     * which PostgreSQL refuses on a table with such a rule (SQLState 0A000, which pools take for a broken
     * connection), and which on a table with row security makes the new row pass the table's {@code SELECT}
     * policies too ({@code new row violates row-level security policy}): a session that may write rows it may not see
     * (a tenant's role) had its write refused, where the application's own write without it runs; elsewhere, yes. Read on {@code connection} once per store and table, and again when
     * the read is older than the catalog's trust ({@code catalogRefresh}); a read that fails answers no.
     */
    boolean insertReturns(Store store, Connection connection, @Nullable Dialect dialect, TableMapping mapping)
            throws SQLException {
        if (dialect != Dialect.POSTGRESQL) {
            return true;
        }
        return cachedFlag(store == Store.OLD ? oldReturning : newReturning, mapping,
                () -> readInsertReturns(connection, mapping.table(store)));
    }

    /** What {@link #insertReturns} found for the table while the catalog is trusted, or {@code null}. */
    @Nullable Boolean knownInsertReturns(Store store, TableMapping mapping) {
        Read<Boolean> known = (store == Store.OLD ? oldReturning : newReturning).get(mapping);
        return known != null && known.fresh(refreshNanos) ? known.value() : null;
    }

    private static boolean readInsertReturns(Connection connection, String table) throws SQLException {
        // to_regclass answers null for a missing table instead of failing; ev_type '3' is INSERT
        // the relations under a view too (its rule's, through nested views): a view reads them under its invoker
        // (security_invoker) or its owner, and the RETURNING makes the new row pass their SELECT policies as well
        try (java.sql.PreparedStatement statement = connection.prepareStatement("WITH RECURSIVE under(oid) AS ("
                + "SELECT " + REGCLASS + "::oid UNION SELECT d.refobjid FROM under AS u"
                + " JOIN pg_rewrite AS w ON w.ev_class = u.oid JOIN pg_depend AS d"
                + " ON d.classid = 'pg_rewrite'::regclass AND d.objid = w.oid"
                + " AND d.refclassid = 'pg_class'::regclass AND d.refobjid <> w.ev_class)"
                + " SELECT NOT EXISTS (SELECT 1"
                + " FROM pg_rewrite WHERE ev_class = " + REGCLASS + " AND ev_type = '3' AND is_instead)"
                + " AND NOT EXISTS (SELECT 1 FROM pg_class AS c JOIN under AS u ON c.oid = u.oid"
                + " WHERE c.relrowsecurity)")) {
            statement.setString(1, table);
            statement.setString(2, table);
            try (ResultSet rows = statement.executeQuery()) {
                return rows.next() && rows.getBoolean(1);
            }
        }
    }

    /** {@link #transactional}, read now (a rollback is about to forget keys on its word). */
    boolean transactionalNow(Store store, Connection connection, TableMapping mapping) {
        (store == Store.OLD ? oldTransactional : newTransactional).remove(mapping);
        return transactional(store, connection, Dialect.MYSQL, mapping);
    }

    private static boolean readTransactional(Connection connection, String table) {
        int dot = table.indexOf('.');
        try (java.sql.PreparedStatement statement = connection.prepareStatement("SELECT e.TRANSACTIONS"
                + " FROM information_schema.TABLES t JOIN information_schema.ENGINES e ON e.ENGINE = t.ENGINE"
                + " WHERE t.TABLE_SCHEMA = " + (dot < 0 ? "DATABASE()" : "?") + " AND t.TABLE_NAME = ?")) {
            int index = 1;
            if (dot >= 0) {
                statement.setString(index++, table.substring(0, dot).replace("`", ""));
            }
            statement.setString(index, table.substring(dot + 1).replace("`", ""));
            try (ResultSet rows = statement.executeQuery()) {
                return !rows.next() || !"NO".equalsIgnoreCase(rows.getString(1));
            }
        } catch (SQLException e) {
            return true;
        }
    }

    /** What {@link #lockable} found for the table, or {@code null} before it was read. */
    @Nullable Boolean knownLockable(Store store, TableMapping mapping) {
        return (store == Store.OLD ? oldLockable : newLockable).get(mapping);
    }

    /** Whether {@code table} is a plain or partitioned table; {@code null} when this session finds no such relation. */
    private static @Nullable Boolean readLockable(Connection connection, String table) {
        try (java.sql.PreparedStatement statement = connection.prepareStatement(
                "SELECT relkind IN ('r', 'p') FROM pg_class WHERE oid = " + REGCLASS)) {
            statement.setString(1, table);
            try (ResultSet rows = statement.executeQuery()) {
                return rows.next() ? rows.getBoolean(1) : null;
            }
        } catch (SQLException e) {
            return false;
        }
    }

    /** The mapping's order and merchant id columns as {@code store}'s table names them (none that it lacks). */
    private static List<String> idColumns(Store store, TableMapping mapping) {
        List<String> columns = new ArrayList<>(2);
        for (java.util.Optional<String> column : List.of(mapping.orderIdColumn(), mapping.merchantIdColumn())) {
            column.flatMap(name -> store == Store.OLD ? java.util.Optional.of(name) : mapping.newColumn(name))
                    .ifPresent(columns::add);
        }
        return columns;
    }

    private static KeyTexts readKeyTexts(Connection connection, @Nullable Dialect dialect, String table,
                                         List<String> keyColumns, List<String> idColumns) {
        if (dialect == null) {
            return KeyTexts.UNKNOWN;
        }
        // columns: name, base type, PostgreSQL's loose flag, longest text, full type, how the store computes it
        String sql = switch (dialect) {
            // to_regclass answers null for a missing table instead of failing the caller's transaction; a domain
            // is read as its base type (three levels; a deeper one counts as loose text), with the collation the
            // column ends up with
            case POSTGRESQL -> "SELECT a.attname, coalesce(b3.typname, b2.typname, b1.typname, t.typname),"
                    + " coalesce(NOT c.collisdeterministic, false) OR coalesce(b3.typtype = 'd', false), 0,"
                    + " format_type(a.atttypid, a.atttypmod),"
                    + " CASE WHEN a.attgenerated <> '' THEN 'generated' ELSE '' END, a.attrelid::regclass::text, ''"
                    + " FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid"
                    + " LEFT JOIN pg_type b1 ON b1.oid = t.typbasetype AND t.typtype = 'd'"
                    + " LEFT JOIN pg_type b2 ON b2.oid = b1.typbasetype AND b1.typtype = 'd'"
                    + " LEFT JOIN pg_type b3 ON b3.oid = b2.typbasetype AND b2.typtype = 'd'"
                    + " LEFT JOIN pg_collation c ON c.oid = a.attcollation"
                    + " WHERE a.attrelid = " + REGCLASS + " AND a.attnum > 0"
                    + " AND NOT a.attisdropped ORDER BY a.attnum";
            case MYSQL -> "SELECT COLUMN_NAME, DATA_TYPE, TRUE, coalesce(CHARACTER_MAXIMUM_LENGTH, 0), COLUMN_TYPE, EXTRA,"
                    + " TABLE_NAME, TABLE_SCHEMA FROM information_schema.COLUMNS WHERE TABLE_NAME = ? AND TABLE_SCHEMA = coalesce(?, DATABASE())"
                    + " ORDER BY ORDINAL_POSITION";
            case H2 -> "SELECT COLUMN_NAME, DATA_TYPE, TRUE, 0, DATA_TYPE || '(' || coalesce(CHARACTER_MAXIMUM_LENGTH,"
                    + " NUMERIC_PRECISION, DATETIME_PRECISION, 0) || ',' || coalesce(NUMERIC_SCALE, 0) || ')'"
                    + " || CASE WHEN IS_VISIBLE THEN '' ELSE ' invisible' END,"
                    + " CASE WHEN IS_GENERATED = 'ALWAYS' THEN 'generated ' ELSE '' END"
                    + " || CASE WHEN COLUMN_ON_UPDATE IS NOT NULL THEN 'on update' ELSE '' END, TABLE_NAME, TABLE_SCHEMA"
                    + " FROM INFORMATION_SCHEMA.COLUMNS"
                    + " WHERE UPPER(TABLE_NAME) = UPPER(?) AND UPPER(TABLE_SCHEMA) = UPPER(coalesce(?, CURRENT_SCHEMA))"
                    + " ORDER BY ORDINAL_POSITION";
        };
        int dot = table.lastIndexOf('.');
        String name = dialect != Dialect.POSTGRESQL && dot >= 0 ? table.substring(dot + 1) : table;
        String schema = dialect != Dialect.POSTGRESQL && dot >= 0 ? table.substring(0, dot) : null;
        int found = 0;
        long text = 0;
        boolean loose = false;
        long enumerated = 0;
        long formed = 0;
        long zoned = 0;
        long numeric = 0;
        long autoIncrement = 0;
        long numbered = 0;
        long duration = 0;
        boolean computedOnInsert = false;
        boolean computedOnUpdate = false;
        Limit[] limits = new Limit[keyColumns.size()];
        // every column in the table's order with its full type and how the store computes it: a column added,
        // dropped, moved or retyped changes where an insert without a column list puts its key and what the copier
        // must read and write, so it counts as a change of the table's facts (sameAs, through the traces)
        List<String> shape = new ArrayList<>();
        try (java.sql.PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setString(1, name);
            if (dialect != Dialect.POSTGRESQL) {
                statement.setString(2, schema);
            }
            CatalogRows rows = CatalogRows.of(statement, dialect, name);
            Map<String, String> spellings = new java.util.HashMap<>();
            String quotedTable = dialect == Dialect.POSTGRESQL ? rows.table()
                    : dialect == Dialect.H2 && rows.table() != null
                    ? (schema == null ? "" : CatalogNames.quoted("\"", rows.schema()) + ".") + CatalogNames.quoted("\"", rows.table()) : null;
            while (rows.next()) {
                String column = rows.getString(1);
                spellings.merge(column.toLowerCase(Locale.ROOT), column,
                        (one, other) -> preferred(dialect, column, one, other));
                shape.add("column " + column.toLowerCase(Locale.ROOT) + " " + rows.getString(5) + " "
                        + rows.getString(6));
                int position = -1;
                for (int i = 0; i < keyColumns.size(); i++) {
                    if (keyColumns.get(i).equalsIgnoreCase(column)) {
                        position = i;
                    }
                }
                if (position < 0) {
                    continue;
                }
                found++;
                long bit = position < 64 ? 1L << position : 0;
                String type = rows.getString(2).toLowerCase(Locale.ROOT);
                // PostgreSQL's flag: a nondeterministic collation, or a domain too deep to read (taken as text)
                boolean flagged = rows.getBoolean(3);
                String extra = String.valueOf(rows.getString(6)).toLowerCase(Locale.ROOT);
                boolean isText = type.contains("char") || type.contains("text") || type.equals("name")
                        || type.contains("clob") || type.equals("enum") || type.equals("set")
                        || type.contains("ignorecase") || type.contains("character")
                        || (dialect == Dialect.POSTGRESQL && flagged);
                boolean approximate = type.contains("float") || type.contains("double") || type.equals("real")
                        || type.equals("decfloat");
                if (isText) {
                    text |= bit;
                } else if (approximate || type.contains("int") || type.contains("dec") || type.contains("numeric")
                        || type.contains("number") || type.contains("serial")) {
                    numeric |= bit;
                }
                if (type.equals("enum") || type.equals("set")) {
                    enumerated |= bit;
                }
                if (type.equals("enum") || type.equals("set") || type.contains("date") || type.contains("time")
                        || type.contains("binary") || type.contains("blob") || type.equals("bytea")
                        || type.equals("year") || type.equals("bit") || approximate) {
                    formed |= bit; // MySQL's BIT stores b'101' or 'A' as a number
                }
                if (dialect == Dialect.MYSQL) {
                    if (type.equals("bit") || type.equals("year") || type.equals("tinyint")) {
                        numbered |= bit;
                    }
                    if (type.equals("time")) {
                        duration |= bit;
                    }
                    if (type.equals("timestamp")) {
                        zoned |= bit;
                    }
                    if (extra.contains("auto_increment")) {
                        autoIncrement |= bit;
                    }
                    limits[position] = Limit.of(type, String.valueOf(rows.getString(5)).toLowerCase(Locale.ROOT),
                            rows.getLong(4));
                }
                // a key the store computes: a generated column follows its sources on insert and update,
                // ON UPDATE CURRENT_TIMESTAMP on every update
                boolean generated = extra.contains("stored generated") || extra.contains("virtual generated")
                        || extra.contains("persistent generated") || extra.startsWith("generated");
                computedOnInsert |= generated;
                computedOnUpdate |= generated || extra.contains("on update");
                loose |= isText && (flagged || type.equals("bpchar") || type.equals("citext"));
            }
            if (found < keyColumns.size()) {
                return KeyTexts.UNKNOWN;
            }
            int triggers = readKeyTriggers(connection, dialect, name, schema, table, keyColumns);
            int idTriggers = idColumns.isEmpty() ? 0
                    : readKeyTriggers(connection, dialect, name, schema, table, idColumns) & (INSERT | UPDATE);
            return new KeyTexts(text, loose, enumerated, formed, zoned, numeric, autoIncrement, numbered, duration,
                    computedOnInsert || (triggers & INSERT) != 0, computedOnUpdate || (triggers & UPDATE) != 0,
                    (triggers & SELF) != 0, limits, withShape(traces(connection, dialect, name, table), shape), idTriggers,
                    quotedTable, dialect == Dialect.MYSQL ? Map.of() : Map.copyOf(spellings));
        } catch (SQLException e) {
            return KeyTexts.UNKNOWN;
        }
    }

    /**
     * Of two columns whose names differ only in case ({@code id} and {@code "ID"}), the one an unquoted name reaches
     * (PostgreSQL folds to lower case, H2 to upper case), which is the one the application's unquoted SQL means.
     */
    private static String preferred(Dialect dialect, String configured, String one, String other) {
        String folded = dialect == Dialect.H2 ? configured.toUpperCase(Locale.ROOT) : configured.toLowerCase(Locale.ROOT);
        return other.equals(folded) && !one.equals(folded) ? other : one;
    }

    /**
     * The rows of {@link #readKeyTexts}' catalog query, of one table: H2 compares the name case-insensitively and
     * may answer for two tables ({@code ORDER} and {@code "Order"}); the one an unquoted name reaches is kept, else
     * the one spelled as configured, as the copier finds a table. Columns 7 and 8 are the table's name and schema
     * (PostgreSQL: its name as {@code regclass} spells it, quoted where it must be).
     */
    private static final class CatalogRows {
        private final List<Object[]> rows;
        private int at = -1;

        private CatalogRows(List<Object[]> rows) {
            this.rows = rows;
        }

        static CatalogRows of(java.sql.PreparedStatement statement, Dialect dialect, String name) throws SQLException {
            List<Object[]> all = new ArrayList<>();
            try (ResultSet result = statement.executeQuery()) {
                while (result.next()) {
                    all.add(new Object[] {result.getString(1), result.getString(2), result.getBoolean(3),
                            result.getLong(4), result.getString(5), result.getString(6), result.getString(7),
                            result.getString(8)});
                }
            }
            if (dialect == Dialect.H2) {
                String chosen = null;
                for (String wanted : List.of(name.toUpperCase(Locale.ROOT), name)) {
                    for (Object[] row : all) {
                        if (chosen == null && wanted.equals(row[6])) {
                            chosen = wanted;
                        }
                    }
                }
                String keep = chosen != null ? chosen : all.isEmpty() ? null : (String) all.get(0)[6];
                all.removeIf(row -> !java.util.Objects.equals(row[6], keep));
            }
            return new CatalogRows(all);
        }

        boolean next() {
            return ++at < rows.size();
        }

        String getString(int column) {
            return (String) rows.get(at)[column - 1];
        }

        boolean getBoolean(int column) {
            return (Boolean) rows.get(at)[column - 1];
        }

        long getLong(int column) {
            return (Long) rows.get(at)[column - 1];
        }

        @Nullable String table() {
            return rows.isEmpty() ? null : (String) rows.get(0)[6];
        }

        @Nullable String schema() {
            return rows.isEmpty() ? null : (String) rows.get(0)[7];
        }
    }

    private static List<String> withShape(List<String> traces, List<String> shape) {
        List<String> all = new ArrayList<>(traces);
        all.addAll(shape);
        return List.copyOf(all);
    }

    private static final int INSERT = 1;
    private static final int UPDATE = 2;
    private static final int SELF = 4;

    /**
     * What the table's triggers and rules may do to a write, as bits: {@link #INSERT} and {@link #UPDATE}, a row
     * trigger may give the row being inserted or updated another key than the statement wrote — a {@code BEFORE}
     * (or {@code INSTEAD OF}) row trigger whose body names a key column of {@code NEW} ({@code SET NEW.code =
     * UPPER(NEW.code)}), on PostgreSQL also one that assigns {@code NEW} whole, returns another row, runs dynamic
     * SQL or is not written in PL/pgSQL; {@link #SELF}, a trigger or rule may write rows of the table other than
     * the ones the statement names, or turn a delete into something else: on PostgreSQL any rule on the table, a
     * trigger of any timing whose body writes the table or runs dynamic SQL, one after the write whose body cannot
     * be read; on H2 any trigger
     * (its body is a Java class, it may do either). MySQL and MariaDB forbid a trigger to write its own table.
     * On PostgreSQL the partitions' triggers count too. A trigger that sets other columns of the row (an
     * {@code updated_at}) names no key column and costs nothing.
     */
    private static int readKeyTriggers(Connection connection, Dialect dialect, String name, @Nullable String schema,
                                       String table, List<String> keyColumns) throws SQLException {
        // events, body, language, timing ('before' for BEFORE and INSTEAD OF row triggers)
        String sql = switch (dialect) {
            case POSTGRESQL -> "SELECT CASE WHEN t.tgtype & 4 <> 0 THEN 'INSERT' ELSE '' END"
                    + " || CASE WHEN t.tgtype & 16 <> 0 THEN ' UPDATE' ELSE '' END, p.prosrc, l.lanname,"
                    + " CASE WHEN t.tgtype & 1 <> 0 AND t.tgtype & 66 <> 0 THEN 'before' ELSE 'after' END"
                    + " FROM pg_trigger t JOIN pg_proc p ON p.oid = t.tgfoid JOIN pg_language l ON l.oid = p.prolang"
                    + " WHERE NOT t.tgisinternal AND (t.tgrelid = " + REGCLASS
                    + " OR t.tgrelid IN (SELECT relid FROM pg_partition_tree(" + REGCLASS + "))"
                    // a view's base tables: their triggers fire for a write through the view
                    + " OR t.tgrelid IN (SELECT d.refobjid FROM pg_rewrite r JOIN pg_depend d ON d.objid = r.oid"
                    + " AND d.classid = 'pg_rewrite'::regclass AND d.refclassid = 'pg_class'::regclass"
                    + " WHERE r.ev_class = " + REGCLASS + " AND d.refobjid <> r.ev_class))"
                    + " UNION ALL SELECT 'INSERT UPDATE', '', 'rule', 'rule'"
                    + " FROM pg_rewrite WHERE ev_class = " + REGCLASS + " AND rulename <> '_RETURN'";
            case MYSQL -> "SELECT EVENT_MANIPULATION, ACTION_STATEMENT, 'sql', 'before' FROM information_schema.TRIGGERS"
                    + " WHERE EVENT_OBJECT_TABLE = ? AND EVENT_OBJECT_SCHEMA = coalesce(?, DATABASE())"
                    + " AND ACTION_TIMING = 'BEFORE'";
            case H2 -> "SELECT EVENT_MANIPULATION, '', 'java', 'any' FROM INFORMATION_SCHEMA.TRIGGERS"
                    + " WHERE UPPER(EVENT_OBJECT_TABLE) = UPPER(?)"
                    + " AND UPPER(EVENT_OBJECT_SCHEMA) = UPPER(coalesce(?, CURRENT_SCHEMA))";
        };
        StringBuilder keys = new StringBuilder();
        for (String column : keyColumns) {
            keys.append(keys.length() == 0 ? "" : "|").append(java.util.regex.Pattern.quote(column.toLowerCase(Locale.ROOT)));
        }
        // in a body without comments and quotes (normalized): NEW.id, new . `id`
        java.util.regex.Pattern namesKey = java.util.regex.Pattern.compile(
                "\\bnew\\s*\\.\\s*(" + keys + ")(?![\\w$])");
        // any mention of a key column as a word: PL/pgSQL can reach NEW through an alias or a record variable
        java.util.regex.Pattern mentionsKey = java.util.regex.Pattern.compile("(?<![\\w$])(" + keys + ")(?![\\w$])");
        // a statement writing the table: UPDATE orders, INSERT INTO public.orders, DELETE FROM "orders"…
        java.util.regex.Pattern writesTable = java.util.regex.Pattern.compile(
                "\\b(update|insert\\s+into|delete\\s+from|merge\\s+into|truncate(\\s+table)?)\\s*(only\\s+)?"
                        + "([\\w$\"]+\\.)?\"?" + java.util.regex.Pattern.quote(
                        name.substring(name.lastIndexOf('.') + 1).toLowerCase(Locale.ROOT).replace("\"", ""))
                        + "\"?(?![\\w$])");
        int triggers = 0;
        try (java.sql.PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setString(1, dialect == Dialect.POSTGRESQL ? table : name);
            statement.setString(2, dialect == Dialect.POSTGRESQL ? table : schema);
            if (dialect == Dialect.POSTGRESQL) {
                statement.setString(3, table);
                statement.setString(4, table);
            }
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    String events = String.valueOf(rows.getString(1)).toUpperCase(Locale.ROOT);
                    String body = normalized(String.valueOf(rows.getString(2)));
                    String language = rows.getString(3);
                    boolean before = rows.getString(4).equals("before");
                    int written = (events.contains("INSERT") ? INSERT : 0) | (events.contains("UPDATE") ? UPDATE : 0);
                    switch (language) {
                        case "sql" -> triggers |= namesKey.matcher(body).find() ? written : 0;
                        case "plpgsql" -> {
                            // dynamic SQL, or a routine the body calls: what they do is not in this body
                            boolean opaque = OPAQUE.matcher(body).find();
                            if (before && (opaque || mentionsKey.matcher(body).find() || WHOLE_ROW.matcher(body).find())) {
                                triggers |= written;
                            }
                            if (opaque || writesTable.matcher(body).find()) {
                                triggers |= SELF;
                            }
                        }
                        case "java" -> triggers |= written | SELF;
                        // a rule, or a trigger in C or another language, whose body cannot be read: a row trigger
                        // before the write may change the row (tsvector_update_trigger), others anything
                        default -> triggers |= before ? written : SELF;
                    }
                }
            }
        }
        return triggers;
    }

    /**
     * PL/pgSQL that replaces or reaches the row a trigger returns other than through its columns: {@code NEW := …},
     * {@code RETURN} of another row, {@code SELECT … INTO [STRICT] NEW}, an alias of {@code NEW}, {@code NEW}
     * handed to a routine ({@code fix(NEW)}).
     */
    private static final java.util.regex.Pattern WHOLE_ROW = java.util.regex.Pattern.compile(
            "\\bnew\\s*:?=(?!=)|\\breturn\\s+(?!new\\b|null\\b|old\\b|;)|\\binto\\s+(strict\\s+)?new\\b"
                    + "|\\balias\\s+for\\s+(new\\b|\\$)|[(,]\\s*new\\s*[),]");
    /** PL/pgSQL running SQL built at run time or a routine whose body is elsewhere: it may do anything. */
    private static final java.util.regex.Pattern OPAQUE =
            java.util.regex.Pattern.compile("\\b(execute|perform|call)\\b");

    /**
     * A trigger body as the patterns read it: comments removed ({@code NEW/* key *}{@code /.id}), double quotes
     * and backticks removed ({@code "new".id}), lower case. String literals are kept (a key column named in one
     * only costs a read back).
     */
    private static String normalized(String body) {
        return body.replaceAll("(?s)/\\*.*?\\*/", " ").replaceAll("--[^\\n]*", " ")
                .replace("\"", "").replace("`", "").toLowerCase(Locale.ROOT);
    }

    private static List<List<String>> readUniqueKeys(Connection connection, @Nullable String namedIn, String table)
            throws SQLException {
        DatabaseMetaData meta = connection.getMetaData();
        // MySQL's and MariaDB's drivers take a database as the catalog; the others take the schema
        String product = namedIn == null ? "" : meta.getDatabaseProductName().toLowerCase(Locale.ROOT);
        boolean databases = product.contains("mysql") || product.contains("mariadb");
        // the name as written: quoted, as it is; bare, as the product folds it (PostgreSQL down, H2 up)
        String folded = namedIn == null ? null : !unquoted(namedIn).equals(namedIn) || databases ? unquoted(namedIn)
                : product.contains("h2") ? namedIn.toUpperCase(Locale.ROOT) : namedIn.toLowerCase(Locale.ROOT);
        String catalog = namedIn == null ? connection.getCatalog() : databases ? folded : null;
        String schema = namedIn == null || databases ? null : folded;
        for (String name : List.of(table, table.toLowerCase(Locale.ROOT), table.toUpperCase(Locale.ROOT))) {
            Map<String, TreeMap<Integer, String>> indexes = new LinkedHashMap<>();
            try (ResultSet rows = meta.getIndexInfo(catalog, schema, name, true, true)) {
                while (rows.next()) {
                    String index = rows.getString("INDEX_NAME");
                    String column = rows.getString("COLUMN_NAME");
                    if (index != null && column != null) {
                        indexes.computeIfAbsent(index, any -> new TreeMap<>()).put((int) rows.getShort("ORDINAL_POSITION"), column);
                    }
                }
            }
            if (!indexes.isEmpty()) {
                List<List<String>> keys = new ArrayList<>();
                indexes.values().forEach(index -> keys.add(List.copyOf(index.values())));
                return List.copyOf(keys);
            }
        }
        return List.of();
    }
}
