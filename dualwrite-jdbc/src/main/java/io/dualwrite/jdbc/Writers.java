package io.dualwrite.jdbc;

import io.dualwrite.Store;
import io.dualwrite.jdbc.statement.SqlText;
import io.dualwrite.mapping.TableMapping;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads which names of a store's catalog make the database write mapped tables that no statement names: routines,
 * and the objects that call them ({@link Metadata#readWriters} says which). A graph of names is built from the
 * catalog — what each name writes itself, which names it reaches — and followed to the end. Written by hand: no
 * library reads routine bodies and catalog dependencies across PostgreSQL, MySQL/MariaDB and H2.
 */
final class Writers {

    /**
     * A body running SQL it builds at run time: PL/pgSQL's {@code EXECUTE} (not {@code EXECUTE PROCEDURE/FUNCTION}),
     * MySQL's {@code PREPARE}, an H2 alias's Java running a statement, PL/Python's and PL/Perl's SPI calls.
     */
    static final Pattern DYNAMIC_SQL = Pattern.compile(
            "\\bexecute\\b(?!\\s+(?:procedure|function)\\b)|\\bprepare\\b|\\.(?:execute|executeUpdate|executeQuery"
                    + "|prepareStatement|createStatement|prepareCall)\\s*\\(|\\bplpy\\.|\\bspi_",
            Pattern.CASE_INSENSITIVE);

    private static final String SYSTEM = "('pg_catalog', 'information_schema')";

    /** The prefix of a name in the result that writes only when a statement other than a query mentions it. */
    static final String ON_WRITE = "w:";

    /** A body that writes a table itself names one of these; other bodies write only through what they call. */
    private static final Pattern WRITE_WORD = Pattern.compile(
            "\\b(?:insert|update|delete|replace|merge|upsert|truncate|copy|alter|drop|create|load|into)\\b",
            Pattern.CASE_INSENSITIVE);

    private Writers() {
    }

    /** A name's own writes and the names it reaches, as the graph is built. */
    private static final class Node {
        final Set<TableMapping> writes = new LinkedHashSet<>();
        final Set<String> reaches = new HashSet<>();
        /** Whether a statement may mention it (a routine or an object calling one), so it goes into the result. */
        boolean mentionable;
        /**
         * Whether it writes only when a statement writes it (a table whose default, check, index expression or
         * trigger calls a routine): then it goes into the result as {@link #ON_WRITE} and its name.
         */
        boolean onWrite;
        /** What its own bodies write (not what it reaches, nor a mapped table's own name). */
        final Set<TableMapping> bodyWrites = new LinkedHashSet<>();
    }

    /** @param otherNames the views and partitions of mapped tables on the store ({@link Metadata#readOtherNames}) */
    static Map<String, Set<TableMapping>> read(Store store, Connection connection, Dialect dialect,
                                               java.util.Collection<TableMapping> mappings,
                                               Map<String, Set<TableMapping>> otherNames) throws SQLException {
        Map<String, Node> nodes = new HashMap<>();
        for (TableMapping mapping : mappings) {
            node(nodes, bare(mapping.table(store))).writes.add(mapping);
        }
        otherNames.forEach((name, tables) -> node(nodes, bare(name)).writes.addAll(tables));
        // routines: name, body (null when unreadable), whether it may write itself
        List<String[]> routines = new ArrayList<>();
        switch (dialect) {
            case POSTGRESQL -> {
                // the body; a SQL-standard body (BEGIN ATOMIC, RETURN) only in the whole definition
                rows(connection, "SELECT lower(p.proname), CASE WHEN p.prokind IN ('f', 'p') THEN"
                        + " coalesce(nullif(p.prosrc, ''), pg_get_functiondef(p.oid)) END, CASE WHEN p.provolatile = 'v' THEN 'w' ELSE 'r' END"
                        + " FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace"
                        + " JOIN pg_language l ON l.oid = p.prolang WHERE n.nspname NOT IN " + SYSTEM
                        + " AND n.nspname NOT LIKE 'pg\\_toast%' AND l.lanname <> 'c' AND p.prokind IN ('f', 'p')"
                        + " AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass"
                        + " AND d.objid = p.oid AND d.deptype = 'e')", 3, routines);
                // an aggregate runs its transition and final functions
                rows(connection, "SELECT lower(p.proname), a.aggtransfn::regproc::text || ' '"
                        + " || coalesce(a.aggfinalfn::regproc::text, ''), 'r' FROM pg_aggregate a"
                        + " JOIN pg_proc p ON p.oid = a.aggfnoid JOIN pg_namespace n ON n.oid = p.pronamespace"
                        + " WHERE n.nspname NOT IN " + SYSTEM, 3, routines);
            }
            case MYSQL -> rows(connection, "SELECT LOWER(ROUTINE_NAME), ROUTINE_DEFINITION, 'w'"
                    + " FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA = DATABASE()", 3, routines);
            case H2 -> rows(connection, "SELECT LOWER(ROUTINE_NAME), ROUTINE_DEFINITION, 'w'"
                    + " FROM INFORMATION_SCHEMA.ROUTINES WHERE ROUTINE_SCHEMA <> 'INFORMATION_SCHEMA'", 3, routines);
        }
        Map<String, List<String[]>> bodies = new HashMap<>(); // name → (body, may write) of each routine or object
        for (String[] routine : routines) {
            node(nodes, routine[0]).mentionable = true;
            bodies.computeIfAbsent(routine[0], k -> new ArrayList<>()).add(new String[] {routine[1], routine[2]});
        }
        if (dialect == Dialect.POSTGRESQL) {
            readPostgresLinks(connection, nodes, store, mappings);
        } else if (dialect == Dialect.MYSQL) {
            readMySqlLinks(connection, nodes, bodies);
        } else {
            readH2Links(connection, nodes, bodies);
        }
        // what each body names, read as a statement's names are (identifiers and operators, quoted or not), so that a
        // name a statement would be looked up by is followed from a body too
        Set<String> universe = new HashSet<>(nodes.keySet());
        for (Map.Entry<String, List<String[]>> entry : bodies.entrySet()) {
            Node node = node(nodes, entry.getKey());
            for (String[] body : entry.getValue()) {
                boolean writes = "w".equals(body[1]) && body[0] != null && WRITE_WORD.matcher(body[0]).find();
                if (body[0] == null || ("w".equals(body[1]) && DYNAMIC_SQL.matcher(body[0]).find())) {
                    node.writes.addAll(mappings); // a body the catalog does not show, or SQL built at run time
                    node.bodyWrites.addAll(mappings);
                    continue;
                }
                for (String word : SqlText.allNames(body[0])) {
                    if (!word.equals(entry.getKey()) && universe.contains(word)) {
                        Node named = nodes.get(word);
                        // a stable or immutable function cannot write a table itself: only the routines it calls can
                        if (writes || named.mentionable) {
                            node.reaches.add(word);
                        }
                    }
                }
            }
        }
        // followed until nothing grows
        boolean grew = true;
        while (grew) {
            grew = false;
            for (Node node : nodes.values()) {
                if (node.writes.size() == mappings.size()) {
                    continue;
                }
                for (String reached : node.reaches) {
                    if (node.writes.addAll(nodes.get(reached).writes)) {
                        grew = true;
                    }
                }
            }
        }
        Map<String, Set<TableMapping>> result = new HashMap<>();
        nodes.forEach((name, node) -> {
            if (!node.mentionable && !node.onWrite) {
                return;
            }
            // what the name makes the database write: through what it reaches, not a mapped table's own rows that
            // a statement naming it writes anyway (a trigger setting NEW.updated_at is the write path's)
            Set<TableMapping> writes = new LinkedHashSet<>(node.bodyWrites);
            node.reaches.forEach(reached -> writes.addAll(nodes.get(reached).writes));
            if (!writes.isEmpty()) {
                result.put(node.mentionable ? name : ON_WRITE + name, Set.copyOf(writes));
            }
        });
        return Map.copyOf(result);
    }

    /**
     * PostgreSQL: every object that depends on a routine outside the system schemas reaches it, under the name a
     * statement mentions it by (a view's, a table's, a type's, an operator's, a routine's); a table whose rules
     * write a mapped table, or whose cascading foreign keys change one, writes it.
     */
    private static void readPostgresLinks(Connection connection, Map<String, Node> nodes, Store store,
                                          java.util.Collection<TableMapping> mappings) throws SQLException {
        List<String[]> dependents = new ArrayList<>();
        rows(connection, "SELECT lower(CASE d.classid"
                + " WHEN 'pg_rewrite'::regclass THEN (SELECT c.relname::text FROM pg_rewrite r"
                + " JOIN pg_class c ON c.oid = r.ev_class WHERE r.oid = d.objid)"
                + " WHEN 'pg_attrdef'::regclass THEN (SELECT c.relname::text FROM pg_attrdef a"
                + " JOIN pg_class c ON c.oid = a.adrelid WHERE a.oid = d.objid)"
                + " WHEN 'pg_constraint'::regclass THEN (SELECT coalesce(c.relname, t.typname)::text FROM pg_constraint k"
                + " LEFT JOIN pg_class c ON c.oid = k.conrelid LEFT JOIN pg_type t ON t.oid = k.contypid"
                + " WHERE k.oid = d.objid)"
                + " WHEN 'pg_trigger'::regclass THEN (SELECT c.relname::text FROM pg_trigger g"
                + " JOIN pg_class c ON c.oid = g.tgrelid WHERE g.oid = d.objid)"
                + " WHEN 'pg_cast'::regclass THEN (SELECT t.typname::text FROM pg_cast k"
                + " JOIN pg_type t ON t.oid = k.casttarget WHERE k.oid = d.objid)"
                + " WHEN 'pg_type'::regclass THEN (SELECT t.typname::text FROM pg_type t WHERE t.oid = d.objid)"
                + " WHEN 'pg_class'::regclass THEN (SELECT coalesce(ic.relname, c.relname)::text FROM pg_class c"
                + " LEFT JOIN pg_index i ON i.indexrelid = c.oid LEFT JOIN pg_class ic ON ic.oid = i.indrelid"
                + " WHERE c.oid = d.objid)"
                + " WHEN 'pg_policy'::regclass THEN (SELECT c.relname::text FROM pg_policy o"
                + " JOIN pg_class c ON c.oid = o.polrelid WHERE o.oid = d.objid)"
                + " WHEN 'pg_proc'::regclass THEN (SELECT q.proname::text FROM pg_proc q WHERE q.oid = d.objid)"
                + " WHEN 'pg_operator'::regclass THEN (SELECT o.oprname::text FROM pg_operator o WHERE o.oid = d.objid)"
                + " END), lower(p.proname), CASE WHEN d.classid IN ('pg_attrdef'::regclass, 'pg_trigger'::regclass,"
                + " 'pg_class'::regclass) OR (d.classid = 'pg_constraint'::regclass AND EXISTS (SELECT 1"
                + " FROM pg_constraint k WHERE k.oid = d.objid AND k.conrelid <> 0)) THEN 'w' ELSE 'a' END"
                + " FROM pg_depend d JOIN pg_proc p ON p.oid = d.refobjid"
                + " JOIN pg_namespace n ON n.oid = p.pronamespace"
                + " WHERE d.refclassid = 'pg_proc'::regclass AND n.nspname NOT IN " + SYSTEM, 3, dependents);
        for (String[] dependent : dependents) {
            if (dependent[0] != null && !dependent[0].equals(dependent[1])) {
                Node node = node(nodes, dependent[0]);
                // a default, check, index expression or trigger runs when its table is written; the rest whenever named
                if ("w".equals(dependent[2])) {
                    node.onWrite = true;
                } else {
                    node.mentionable = true;
                }
                node.reaches.add(dependent[1]);
                node(nodes, dependent[1]);
            }
        }
        // rules other than a view's SELECT that write a relation; cascading foreign keys from a parent to a child
        List<String[]> edges = new ArrayList<>();
        rows(connection, "SELECT lower(c.relname), lower(t.relname) FROM pg_rewrite r JOIN pg_class c ON c.oid = r.ev_class"
                + " JOIN pg_depend d ON d.objid = r.oid AND d.classid = 'pg_rewrite'::regclass"
                + " AND d.refclassid = 'pg_class'::regclass JOIN pg_class t ON t.oid = d.refobjid"
                + " WHERE r.ev_type <> '1' AND d.refobjid <> r.ev_class"
                + " UNION SELECT lower(p.relname), lower(c.relname) FROM pg_constraint k"
                + " JOIN pg_class p ON p.oid = k.confrelid JOIN pg_class c ON c.oid = k.conrelid"
                + " WHERE k.contype = 'f' AND (k.confdeltype IN ('c', 'n', 'd') OR k.confupdtype IN ('c', 'n', 'd'))",
                2, edges);
        edges.forEach(edge -> reach(nodes, edge[0], edge[1]));
    }

    /**
     * MySQL/MariaDB: a table reaches what its triggers name (mapped tables, routines they call); a view reaches the
     * routines its query calls; a parent table reaches the children its cascading foreign keys change.
     */
    private static void readMySqlLinks(Connection connection, Map<String, Node> nodes, Map<String, List<String[]>> bodies)
            throws SQLException {
        List<String[]> triggers = new ArrayList<>();
        rows(connection, "SELECT LOWER(EVENT_OBJECT_TABLE), ACTION_STATEMENT FROM information_schema.TRIGGERS"
                + " WHERE TRIGGER_SCHEMA = DATABASE()", 2, triggers);
        for (String[] trigger : triggers) {
            node(nodes, trigger[0]).onWrite = true;
            bodies.computeIfAbsent(trigger[0], k -> new ArrayList<>()).add(new String[] {trigger[1], "w"});
        }
        List<String[]> views = new ArrayList<>();
        rows(connection, "SELECT LOWER(TABLE_NAME), VIEW_DEFINITION FROM information_schema.VIEWS"
                + " WHERE TABLE_SCHEMA = DATABASE()", 2, views);
        for (String[] view : views) {
            node(nodes, view[0]).mentionable = true;
            // a view writes nothing itself (a write through it is the write path's): it reaches the routines it calls
            bodies.computeIfAbsent(view[0], k -> new ArrayList<>()).add(new String[] {view[1], "r"});
        }
        List<String[]> edges = new ArrayList<>();
        rows(connection, "SELECT LOWER(REFERENCED_TABLE_NAME), LOWER(TABLE_NAME)"
                + " FROM information_schema.REFERENTIAL_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = DATABASE()"
                + " AND (DELETE_RULE IN ('CASCADE', 'SET NULL', 'SET DEFAULT')"
                + " OR UPDATE_RULE IN ('CASCADE', 'SET NULL', 'SET DEFAULT'))", 2, edges);
        edges.forEach(edge -> reach(nodes, edge[0], edge[1]));
    }

    /**
     * H2: a view reaches the routines (aliases) its query calls, whenever a statement names it; a table whose column
     * default, generated column, check constraint or column domain's check calls one reaches it when a statement
     * writes it ({@code INSERT INTO audit (v) …} runs {@code DEFAULT BUMP(1)}). Triggers run Java the catalog does not
     * show: {@link Metadata#basesOf} counts them for the tables no mapping names.
     */
    private static void readH2Links(Connection connection, Map<String, Node> nodes, Map<String, List<String[]>> bodies)
            throws SQLException {
        String schemas = " NOT IN ('INFORMATION_SCHEMA')";
        List<String[]> views = new ArrayList<>();
        rows(connection, "SELECT LOWER(TABLE_NAME), VIEW_DEFINITION FROM INFORMATION_SCHEMA.VIEWS"
                + " WHERE TABLE_SCHEMA" + schemas, 2, views);
        for (String[] view : views) {
            node(nodes, view[0]).mentionable = true;
            bodies.computeIfAbsent(view[0], k -> new ArrayList<>()).add(new String[] {view[1], "r"});
        }
        List<String[]> expressions = new ArrayList<>();
        rows(connection, "SELECT LOWER(TABLE_NAME), COLUMN_DEFAULT FROM INFORMATION_SCHEMA.COLUMNS"
                + " WHERE COLUMN_DEFAULT IS NOT NULL AND TABLE_SCHEMA" + schemas
                + " UNION ALL SELECT LOWER(TABLE_NAME), GENERATION_EXPRESSION FROM INFORMATION_SCHEMA.COLUMNS"
                + " WHERE GENERATION_EXPRESSION IS NOT NULL AND TABLE_SCHEMA" + schemas
                + " UNION ALL SELECT LOWER(t.TABLE_NAME), c.CHECK_CLAUSE FROM INFORMATION_SCHEMA.CHECK_CONSTRAINTS c"
                + " JOIN INFORMATION_SCHEMA.TABLE_CONSTRAINTS t ON t.CONSTRAINT_SCHEMA = c.CONSTRAINT_SCHEMA"
                + " AND t.CONSTRAINT_NAME = c.CONSTRAINT_NAME WHERE t.TABLE_SCHEMA" + schemas
                + " UNION ALL SELECT LOWER(o.TABLE_NAME), c.CHECK_CLAUSE FROM INFORMATION_SCHEMA.COLUMNS o"
                + " JOIN INFORMATION_SCHEMA.DOMAIN_CONSTRAINTS d ON d.DOMAIN_SCHEMA = o.DOMAIN_SCHEMA"
                + " AND d.DOMAIN_NAME = o.DOMAIN_NAME JOIN INFORMATION_SCHEMA.CHECK_CONSTRAINTS c"
                + " ON c.CONSTRAINT_SCHEMA = d.CONSTRAINT_SCHEMA AND c.CONSTRAINT_NAME = d.CONSTRAINT_NAME"
                + " WHERE o.TABLE_SCHEMA" + schemas, 2, expressions);
        for (String[] expression : expressions) {
            node(nodes, expression[0]).onWrite = true;
            // an expression writes nothing itself: it reaches the routines it calls
            bodies.computeIfAbsent(expression[0], k -> new ArrayList<>()).add(new String[] {expression[1], "r"});
        }
    }

    private static void reach(Map<String, Node> nodes, String from, String to) {
        if (from != null && to != null && !from.equals(to)) {
            node(nodes, from).reaches.add(to);
            node(nodes, to);
        }
    }

    private static Node node(Map<String, Node> nodes, String name) {
        return nodes.computeIfAbsent(name, k -> new Node());
    }

    private static String bare(String table) {
        String plain = table.replace("\"", "").replace("`", "").toLowerCase(Locale.ROOT);
        return plain.substring(plain.lastIndexOf('.') + 1);
    }

    /** The first {@code columns} columns of every row of a catalog query, as text. */
    private static void rows(Connection connection, String sql, int columns, List<String[]> into) throws SQLException {
        try (java.sql.Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery(sql)) {
            while (rows.next()) {
                String[] row = new String[columns];
                for (int i = 0; i < columns; i++) {
                    row[i] = rows.getString(i + 1);
                }
                into.add(row);
            }
        }
    }
}
