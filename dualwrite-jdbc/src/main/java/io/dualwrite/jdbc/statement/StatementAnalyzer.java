package io.dualwrite.jdbc.statement;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.dualwrite.Store;
import io.dualwrite.internal.Credentials;
import io.dualwrite.mapping.TableMapping;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;
import net.sf.jsqlparser.expression.Expression;
import net.sf.jsqlparser.expression.JdbcParameter;
import net.sf.jsqlparser.expression.operators.conditional.AndExpression;
import net.sf.jsqlparser.expression.operators.relational.EqualsTo;
import net.sf.jsqlparser.parser.CCJSqlParser;
import net.sf.jsqlparser.schema.Column;
import net.sf.jsqlparser.schema.Table;
import net.sf.jsqlparser.statement.Statement;
import net.sf.jsqlparser.statement.delete.Delete;
import net.sf.jsqlparser.statement.insert.Insert;
import net.sf.jsqlparser.statement.select.Select;
import net.sf.jsqlparser.statement.update.Update;
import net.sf.jsqlparser.statement.update.UpdateSet;
import net.sf.jsqlparser.statement.upsert.Upsert;
import org.jspecify.annotations.Nullable;

/**
 * Parses, classifies and rewrites statements through the table mappings of one migration. Each distinct
 * SQL string is parsed with the parser called directly (no per-call thread pool) and its analysis kept in
 * a bounded cache. Thread-safe.
 */
public final class StatementAnalyzer {

    /** The default number of distinct SQL strings whose analysis is kept (each weighed as below). */
    public static final int DEFAULT_CACHE_SIZE = 10_000;

    /**
     * SQL longer than this (in chars) is not parsed: parsing is linear but slow (a 1 MB statement takes
     * seconds), and it would run on the caller's thread. A write on a mapped table that long gets a scoped
     * resync of the tables it mentions instead of exact keys.
     */
    public static final int MAX_ANALYZED_LENGTH = 64 * 1024;

    /** The memory budget of one cache entry of a short statement; longer ones weigh in proportion. */
    static final int ENTRY_WEIGHT = 4 * 1024;

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(StatementAnalyzer.class);

    private final Map<String, TableMapping> mappings;
    private final Cache<String, StatementAnalysis> cache;
    private final SelectRewriter selectRewriter;
    private final NewTableColumns newColumns;
    private final Map<String, Pattern> tableWords;

    /** The mappings this analyzer knows. */
    public java.util.Collection<TableMapping> mappings() {
        return mappings.values();
    }

    /**
     * An analyzer of the statements that write the tables of {@code mappings}.
     *
     * @param mappings     the mappings, by old table name (matched case-insensitively)
     * @param cacheSize    how many analyses of short statements to keep; the cache is bounded by weight (about
     *                     {@code cacheSize} × 4 KiB), so fewer long statements fit
     * @param newColumns   the columns of a new-store table, to expand {@code SELECT *} on it; may throw
     */
    public StatementAnalyzer(Map<String, TableMapping> mappings, int cacheSize, NewTableColumns newColumns) {
        Map<String, TableMapping> byName = new HashMap<>();
        mappings.values().forEach(mapping -> byName.put(mapping.oldTable().toLowerCase(Locale.ROOT), mapping));
        this.mappings = Map.copyOf(byName);
        Map<String, Pattern> words = new HashMap<>();
        this.mappings.keySet().forEach(table -> words.put(table,
                Pattern.compile("\\b" + Pattern.quote(table) + "\\b", Pattern.CASE_INSENSITIVE)));
        this.tableWords = Map.copyOf(words);
        // bounded by weight, not count: an analysis keeps its SQL and a few renderings of it, so a cache of
        // large statements is bounded in bytes (about cacheSize × 4 KiB) as well as a cache of small ones
        this.cache = Caffeine.newBuilder().maximumWeight((long) cacheSize * ENTRY_WEIGHT)
                .weigher((String sql, StatementAnalysis analysis) -> Math.max(ENTRY_WEIGHT, sql.length() * 8))
                .build();
        this.newColumns = spelled(Objects.requireNonNull(newColumns, "newColumns"));
        this.selectRewriter = new SelectRewriter(this.mappings, this.newColumns);
    }

    /**
     * What the new store's catalog says of a new table: its columns in table order, and how SQL written for the new
     * store names the table and its columns.
     */
    @FunctionalInterface
    public interface NewTableColumns {
        /** The columns of {@code newTable}, in table order; may throw when they cannot be read. */
        List<String> of(String newTable);

        /**
         * {@code newTable} (as the mapping configures it) as the new store's catalog spells it, quoted for its
         * dialect ({@code "Order"}), when that is known without asking the database; {@code null} otherwise, and
         * the configured name is written as it is.
         */
        default @Nullable String spelledTable(String newTable) {
            return null;
        }

        /**
         * The column {@code column} of {@code newTable} (any case) as the new store's catalog spells it, quoted for
         * its dialect ({@code "user"}), when known without asking the database; {@code null} otherwise.
         */
        default @Nullable String spelledColumn(String newTable, String column) {
            return null;
        }
    }

    /**
     * The new table's name for SQL rewritten for the new store: as its catalog spells it, quoted, once known ({@link
     * NewTableColumns#spelledTable}), so that a reserved word or a table created in mixed case is reached; else as
     * configured.
     */
    static String newTableName(NewTableColumns names, TableMapping mapping) {
        String spelled = names.spelledTable(mapping.newTable());
        return spelled == null ? mapping.newTable() : spelled;
    }

    /** A column of the new table ({@code newColumn}, as the mapping names it) for SQL rewritten for the new store. */
    static String newColumnName(NewTableColumns names, TableMapping mapping, String newColumn) {
        String spelled = names.spelledColumn(mapping.newTable(), newColumn);
        return spelled == null ? newColumn : spelled;
    }

    /** The analysis of {@code sql}, from the cache when it was seen before. */
    public StatementAnalysis analyze(String sql) {
        return cache.get(sql, text -> {
            StatementAnalysis analysis = analyzeNow(text);
            List<String> names = SqlText.names(text);
            return names.isEmpty() ? analysis : analysis.withNames(names);
        });
    }

    /** The mapping of an old table, if it is in the migration. */
    public @Nullable TableMapping mapping(String oldTable) {
        return mappings.get(SqlText.unquote(oldTable).toLowerCase(Locale.ROOT));
    }

    /**
     * The mapping of a table a statement names: by {@code schema.table} when the statement qualifies it and such
     * a mapping exists (a mapping of {@code other.orders} is never reached by the bare name {@code orders}), else
     * by the bare name.
     */
    private @Nullable TableMapping mappingOf(Table table) {
        String schema = table.getSchemaName();
        if (schema != null) {
            // a quoted schema keeps its case ("Other" is not other); mappings are configured unquoted
            String folded = schema.startsWith("\"") || schema.startsWith("`") ? SqlText.unquote(schema)
                    : schema.toLowerCase(Locale.ROOT);
            TableMapping qualified = mappings.get(folded + "." + SqlText.unquote(table.getName()).toLowerCase(Locale.ROOT));
            if (qualified != null) {
                return qualified;
            }
        }
        TableMapping bare = mapping(table.getName());
        if (bare != null || schema != null) {
            return bare;
        }
        // an unqualified name and no unqualified mapping of it: the one mapping that qualifies that name (a mapping
        // of public.orders and the statement's orders). At worst the copier then syncs rows the write did not
        // touch, which copies their state again; left unmapped, a write to the migrated table would be lost
        String name = SqlText.unquote(table.getName()).toLowerCase(Locale.ROOT);
        TableMapping only = null;
        for (Map.Entry<String, TableMapping> mapped : mappings.entrySet()) {
            if (mapped.getKey().endsWith("." + name)) {
                if (only != null) {
                    return null;
                }
                only = mapped.getValue();
            }
        }
        return only;
    }

    /**
     * Points a table reference at {@code newTable}: with the schema it names when configured with one, else
     * keeping the schema the statement wrote (so that a statement naming another schema than the mapping's
     * fails on the new store as it would have, instead of reaching the mapped table).
     */
    static void renameTable(Table table, String newTable) {
        if (newTable.startsWith("\"") || newTable.startsWith("`")) { // spelled and quoted, schema included
            table.setSchemaName(null);
            table.setName(newTable);
            return;
        }
        int dot = newTable.lastIndexOf('.');
        if (dot >= 0) {
            table.setSchemaName(newTable.substring(0, dot));
        }
        table.setName(dot < 0 ? newTable : newTable.substring(dot + 1));
    }

    /**
     * A mapped table that {@code sql} names as a word (case-insensitively, anywhere in the text), or
     * {@code null}: for statements that could not be parsed, to warn that they were not mirrored.
     */
    public @Nullable String mentionedTable(String sql) {
        for (Map.Entry<String, Pattern> table : tableWords.entrySet()) {
            if (table.getValue().matcher(sql).find()) {
                return table.getKey();
            }
        }
        return null;
    }

    /**
     * Parses one statement; a statement the standard grammar refuses is tried again with MySQL's backslash
     * escapes in string literals ({@code 'O\\'Brien'}), which MySQL and MariaDB accept by default.
     */
    static Statement parse(String sql) throws Exception {
        return timeLimited(sql, parser -> parser.Statement());
    }

    /**
     * MySQL's and MariaDB's {@code INSERT INTO t () VALUES ()}, the whole statement: a row of defaults under an empty
     * column list, which the parser refuses although it reads {@code INSERT INTO t VALUES ()}, the same row. Read as
     * that form ({@link #withoutEmptyColumnList}), so that its key is found as any insert's (the driver's), not its
     * table resynced whole as unparsable. Only a statement of nothing else (no string, comment or other clause) is
     * matched, so nothing it holds can be misread.
     */
    private static final Pattern EMPTY_COLUMNS_AND_ROWS = Pattern.compile("(?i)^(\\s*(?:INSERT|REPLACE)"
            + "(?:\\s+(?:LOW_PRIORITY|DELAYED|HIGH_PRIORITY|IGNORE))*(?:\\s+INTO)?\\s+[\\w.`]+\\s*)\\(\\s*\\)"
            + "(\\s*VALUES?\\s*\\(\\s*\\)(?:\\s*,\\s*\\(\\s*\\))*\\s*;?\\s*)$");

    /** {@code sql} with the empty column list of {@link #EMPTY_COLUMNS_AND_ROWS} left out; else {@code sql}. */
    static String withoutEmptyColumnList(String sql) {
        java.util.regex.Matcher matcher = EMPTY_COLUMNS_AND_ROWS.matcher(sql);
        return matcher.matches() ? matcher.group(1) + matcher.group(2) : sql;
    }

    /**
     * The start of a PostgreSQL dollar quote with a tag ({@code $q$…$q$}), not part of a name ({@code a$b$c} is one
     * on MySQL). The parser reads its tag as a name and its body as SQL: a quote or a comment mark in the body
     * swallows the rest of the statement, and the shorter statement it returns names fewer rows than the database
     * writes ({@code id = 1 AND code = $q$'$q$ OR id = 2} read as {@code id = 1 AND code = $q$}). Such a statement
     * is not parsed: its mapped tables get a scoped resync. (An untagged {@code $$…$$} is read right.)
     */
    private static final java.util.regex.Pattern TAGGED_DOLLAR_QUOTE =
            java.util.regex.Pattern.compile("(?<![\\w$])\\$[\\p{L}_][\\p{L}\\d_]*\\$");

    /** SQL up to this length (chars) is parsed on the caller's thread; longer SQL under {@link #PARSE_TIME_LIMIT}. */
    static final int INLINE_PARSE_LENGTH = 4 * 1024;

    /**
     * The longest a statement's parse may take; past it the statement is not analysed (its mapped tables get
     * a scoped resync). The parser is linear but slow on some shapes (a long {@code OR} chain: seconds for
     * 60 KB), and the analysis runs on the caller's thread, once per distinct SQL string.
     */
    static final java.time.Duration PARSE_TIME_LIMIT = java.time.Duration.ofMillis(250);

    private static final java.util.concurrent.ExecutorService LONG_PARSES =
            java.util.concurrent.Executors.newCachedThreadPool(task -> {
                Thread thread = new Thread(task, "dualwrite-sql-parser");
                thread.setDaemon(true);
                return thread;
            });

    @FunctionalInterface
    private interface ParseStep<T> {
        T run(CCJSqlParser parser) throws Exception;
    }

    /**
     * Parses with the standard grammar, then with MySQL's backslash escapes; SQL longer than
     * {@link #INLINE_PARSE_LENGTH} on a parser thread the caller waits for at most {@link #PARSE_TIME_LIMIT}.
     */
    private static <T> T timeLimited(String text, ParseStep<T> step) throws Exception {
        String sql = withoutEmptyColumnList(text);
        if (TAGGED_DOLLAR_QUOTE.matcher(sql).find()) {
            throw new IllegalArgumentException("a dollar quote with a tag, which the parser does not read");
        }
        if (sql.length() <= INLINE_PARSE_LENGTH) {
            return withFallback(sql, step, new CCJSqlParser[1]);
        }
        CCJSqlParser[] current = new CCJSqlParser[1];
        java.util.concurrent.Future<T> parse = LONG_PARSES.submit(() -> withFallback(sql, step, current));
        try {
            return parse.get(PARSE_TIME_LIMIT.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException tooSlow) {
            CCJSqlParser parser = current[0];
            if (parser != null) {
                parser.interrupted = true; // the parser checks this flag and gives up
            }
            parse.cancel(true);
            throw new IllegalArgumentException("parsing took longer than " + PARSE_TIME_LIMIT + " (" + sql.length()
                    + " chars)");
        } catch (java.util.concurrent.ExecutionException failed) {
            throw failed.getCause() instanceof Exception e ? e : new IllegalArgumentException(failed.getCause());
        }
    }

    private static <T> T withFallback(String sql, ParseStep<T> step, CCJSqlParser[] current) throws Exception {
        try {
            current[0] = new CCJSqlParser(sql);
            return step.run(current[0]);
        } catch (Exception | Error standardRefused) {
            if (standardRefused instanceof VirtualMachineError fatal && !(fatal instanceof StackOverflowError)) {
                throw fatal;
            }
            if (Thread.currentThread().isInterrupted()) {
                throw new IllegalArgumentException("parse abandoned at its time limit");
            }
            try {
                current[0] = new CCJSqlParser(sql).withBackslashEscapeCharacter(true);
                return step.run(current[0]);
            } catch (Error tokenError) { // TokenMgrException, a too-deep expression
                throw new IllegalArgumentException(tokenError.toString(), tokenError);
            }
        }
    }

    private StatementAnalysis analyzeNow(String sql) {
        try {
            return analyzeParsed(sql);
        } catch (RuntimeException | StackOverflowError unexpected) { // deep expressions overflow the visitors
            // a statement shape the analysis does not know must never fail the application's call
            log.warn("statement analysis failed, running the statement on the authoritative store only: {}",
                    Credentials.describe(unexpected));
            return unanalysed(sql);
        }
    }

    /**
     * A text that is not analysed as statements (unparsable, too long, or read otherwise by the database than by the
     * parser): a scoped resync of {@code resync}, and the tables a token scan finds it writes ({@link
     * SqlText#targets}), whose views and cascading foreign keys are followed as a parsed statement's are.
     */
    private StatementAnalysis unanalysed(String sql, List<TableMapping> resync) {
        return unanalysed(sql, SqlText.stripQuoted(sql), resync);
    }

    /**
     * {@link #unanalysed(String, List)} with a resync of the mapped tables the text mentions when it looks like a
     * write ({@link #writtenTables}).
     */
    private StatementAnalysis unanalysed(String sql) {
        // the text is stripped of strings and comments once: the write words and the targets are both read from it
        // (a text that reaches here may be megabytes long, and is not parsed)
        String stripped = SqlText.stripQuoted(sql);
        return unanalysed(sql, stripped, SqlText.writeWordIn(stripped) ? mentionedTables(sql) : List.of());
    }

    private StatementAnalysis unanalysed(String sql, String stripped, List<TableMapping> resync) {
        List<String> targets = SqlText.targetsIn(stripped);
        java.util.LinkedHashSet<TableMapping> all = new java.util.LinkedHashSet<>(resync);
        if (SqlText.writeWordIn(stripped)) {
            targets.forEach(target -> all.addAll(mappedOrReached(tableNamed(target))));
        }
        // the text is also read as the other products' lexers read it (a backslash, a dollar quote or a # may hide
        // the rest of the text in one reading and not in another), and with names spelt with Unicode escapes
        // (U&"\006Frders" on PostgreSQL and H2, which the parser refuses) as the names they decode to: what another
        // reading finds is added, never put in place of what this one finds (on MySQL/MariaDB such a spelling is an
        // expression, not a name)
        String decoded = SqlText.unicodeNamesDecoded(sql);
        List<String> readings = new ArrayList<>(SqlText.otherReadings(sql, stripped));
        if (decoded != sql) {
            String decodedStripped = SqlText.stripQuoted(decoded);
            readings.add(decodedStripped);
            readings.addAll(SqlText.otherReadings(decoded, decodedStripped));
        }
        if (!readings.isEmpty()) {
            java.util.LinkedHashSet<String> found = new java.util.LinkedHashSet<>(targets);
            for (String reading : readings) {
                if (SqlText.writeWordIn(reading)) {
                    all.addAll(mentionedTables(sql));
                    all.addAll(mentionedTables(decoded));
                    List<String> more = SqlText.targetsIn(reading);
                    more.forEach(target -> all.addAll(mappedOrReached(tableNamed(target))));
                    found.addAll(more);
                }
            }
            targets = List.copyOf(found);
        }
        return StatementAnalysis.passThrough(sql, SqlKind.UNKNOWN, TxControl.NONE, List.copyOf(all))
                .withWritten(targets, null);
    }

    /** A table reference for a name as a text writes it: {@code "Shop".orders} is schema {@code "Shop"}, table orders. */
    private static Table tableNamed(String qualified) {
        List<String> parts = new ArrayList<>();
        java.util.regex.Matcher part = Pattern.compile("\"(?:[^\"]|\"\")+\"|`(?:[^`]|``)+`|[^.]+").matcher(qualified);
        while (part.find()) {
            parts.add(part.group());
        }
        return parts.size() < 2 ? new Table(qualified)
                : new Table(parts.get(parts.size() - 2), parts.get(parts.size() - 1));
    }

    private StatementAnalysis analyzeParsed(String sql) {
        if (sql.length() > MAX_ANALYZED_LENGTH) {
            return unanalysed(sql);
        }
        TxControl control = TxControl.of(sql);
        if (control == TxControl.MIXED) {
            List<StatementAnalysis> parts = new ArrayList<>();
            for (String part : TxControl.statements(sql)) {
                TxControl partControl = TxControl.of(part);
                parts.add(partControl != TxControl.NONE
                        ? StatementAnalysis.passThrough(part, SqlKind.OTHER, partControl, List.of())
                        : unanalysed(part).withNames(SqlText.names(part)));
            }
            return StatementAnalysis.mixed(sql, parts);
        }
        if (control != TxControl.NONE) {
            return StatementAnalysis.passThrough(sql, SqlKind.OTHER, control, List.of());
        }
        int statementStart = harmlessSetStatementEnd(sql);
        if (statementStart > 0) {
            // MariaDB's SET STATEMENT max_statement_time = 10 FOR UPDATE …: the write is analysed as the write, and
            // the old store runs it with its prefix
            StatementAnalysis write = analyzeParsed(sql.substring(statementStart));
            if (write.mappedWrite()) {
                return write.withPrefixOnOld(sql);
            }
        }
        List<String> texts = TxControl.statements(sql); // without comments; empty when too long to scan
        if (SqlText.isProcedureCall(sql) || texts.stream().anyMatch(SqlText::isProcedureCall)
                || texts.stream().anyMatch(SqlText::isBlock) || texts.stream().anyMatch(SqlText::isScript)) {
            // a procedure, an anonymous block (DO '…', with its body quoted) or an H2 script run from a file may write
            // any table: every mapped table is resynced
            return StatementAnalysis.passThrough(sql, SqlKind.OTHER, TxControl.NONE, List.copyOf(mappings.values()));
        }
        if (texts.stream().anyMatch(SqlText::runsInnerStatement) || SqlText.parserMayMisread(sql)
                || SqlText.writesPortion(sql) || SqlText.unicodeNamesDecoded(sql) != sql) {
            // EXPLAIN ANALYZE runs the write it explains; COPY … FROM loads rows; a MySQL version comment
            // (/*! … */) runs its text, '--1' is no comment there: the parser would not read what the database runs
            // (FOR PORTION OF splits the rows it meets and inserts their other parts under keys no text names; a
            // name spelt U&"\006Frders" is read by the parser, where it reads it at all, as a table U)
            return unanalysed(sql, mentionedTables(sql));
        }
        if (!SqlText.placeholdersAgree(sql)) {
            // a ? that one product's driver takes for text ($$?$$, one in a nested or a # comment) would shift the
            // numbers of the parameters after it: resynced when it looks like a write, a read records nothing
            return unanalysed(sql);
        }
        String numbered = SqlText.numberParameters(sql);
        java.util.regex.Matcher only = texts.size() == 1 ? ONLY_TABLE.matcher(numbered) : null;
        boolean onlyTable = only != null && only.lookingAt();
        if (onlyTable) {
            // PostgreSQL's UPDATE ONLY t / DELETE FROM ONLY t (not its inheriting children), which the parser does not
            // read: analysed without the word, so its keys are found as for the table's own rows (the key pre-select,
            // which reads the children too, at worst finds more rows than the count and resyncs); the new store's
            // statement gets the word back
            numbered = only.group(1) + numbered.substring(only.end());
        }
        List<Statement> statements;
        try {
            statements = parseAll(numbered);
        } catch (Exception unparsable) {
            StatementAnalysis reread = usingAsFrom(sql, numbered);
            return reread != null ? reread : unanalysed(sql);
        }
        if (statements.size() > 1) {
            List<StatementAnalysis> parts = new ArrayList<>();
            for (Statement part : statements) {
                parts.add(analyzeStatement(part.toString(), part.toString(), part));
            }
            return StatementAnalysis.multiple(sql, parts);
        }
        if (statements.isEmpty()) {
            return StatementAnalysis.passThrough(sql, SqlKind.OTHER);
        }
        StatementAnalysis analysis = analyzeStatement(sql, numbered, statements.get(0));
        if (onlyTable) {
            analysis = analysis.withOnlyOnNew();
        }
        if (SqlText.backslashInQuotes(sql) && analysis.mapped() && !escapesAgree(sql, numbered)) {
            // 'a\' WHERE id = 2 -- ' WHERE id = 1: with backslash escapes (MySQL, PostgreSQL E'') the string runs
            // on and the row is 1, without them it is 2; which one the database reads is its setting's, not ours
            return unanalysed(sql, mentionedTables(sql));
        }
        return analysis;
    }

    /** MySQL's {@code DELETE FROM a, b USING …}: the same statement as {@code DELETE a, b FROM …}. */
    private static final Pattern DELETE_USING = Pattern.compile(
            "(?is)(\\s*delete\\s+(?:(?:low_priority|quick|ignore)\\s+)*)from\\s+(.+?)\\s+using\\s+");

    /**
     * The analysis of MySQL's {@code DELETE FROM a, b USING t1 a JOIN t2 b …}, which the parser does not read, as of
     * the same delete in its other spelling {@code DELETE a, b FROM t1 a JOIN t2 b …}: the tables it deletes from are
     * then known, not only the tables it mentions. {@code null} when the text is not of that shape or still not read.
     */
    private @Nullable StatementAnalysis usingAsFrom(String sql, String numbered) {
        java.util.regex.Matcher using = DELETE_USING.matcher(numbered);
        if (!using.lookingAt() || using.group(2).contains("(")) {
            return null;
        }
        String reread = using.group(1) + using.group(2) + " FROM " + numbered.substring(using.end());
        try {
            List<Statement> statements = parseAll(reread);
            if (statements.size() != 1 || !(statements.get(0) instanceof Delete delete)
                    || delete.getTables() == null || delete.getTables().isEmpty()) {
                return null;
            }
            StatementAnalysis analysis = analyzeStatement(sql, reread, delete);
            // the rewrite for the new store, if any, was rendered from the other spelling: never sent, as the rows of
            // a multi-table delete are resynced, not replayed
            return analysis.keysUnknown() != null || !analysis.mappedWrite() ? analysis : null;
        } catch (Exception stillUnread) {
            return null;
        }
    }

    /**
     * MariaDB's {@code SET STATEMENT var = value [, …] FOR statement}: group 1 holds the assignments, the match ends
     * where the statement starts. A quoted value or a comment may hold a {@code FOR}.
     */
    private static final Pattern SET_STATEMENT = Pattern.compile(
            "(?is)\\s*set\\s+statement\\s+((?:'[^']*'|\"[^\"]*\"|`[^`]*`|/\\*.*?\\*/|[^'\"`/])*?)\\bfor\\s+");

    private static final Pattern ASSIGNMENT = Pattern.compile(
            "(?s)\\s*`?([\\w$]+)`?\\s*=\\s*([^'\"?@]*|'[^']*'|\"[^\"]*\")\\s*");

    /**
     * The session variables under which {@code SET STATEMENT … FOR} a write cannot change which rows it writes nor
     * the values it stores: limits of time, lock waits and memory, which can only make it fail (a failed statement
     * writes nothing). Any other variable ({@code sql_mode}, {@code time_zone}, {@code auto_increment_increment},
     * optimizer settings, character sets) may, and keeps the write a scoped resync.
     */
    private static final java.util.Set<String> HARMLESS_STATEMENT_VARIABLES = java.util.Set.of(
            "max_statement_time", "max_execution_time", "lock_wait_timeout", "innodb_lock_wait_timeout",
            "max_heap_table_size", "tmp_table_size", "tmp_memory_table_size", "tmp_disk_table_size",
            "sort_buffer_size", "join_buffer_size", "read_buffer_size", "read_rnd_buffer_size",
            "net_read_timeout", "net_write_timeout", "long_query_time", "log_slow_query_time");

    /**
     * Where the statement starts in MariaDB's {@code SET STATEMENT … FOR statement} whose every variable is one of
     * {@link #HARMLESS_STATEMENT_VARIABLES}, with a plain value (no parameter, no user variable); -1 otherwise.
     */
    static int harmlessSetStatementEnd(String sql) {
        java.util.regex.Matcher matcher = SET_STATEMENT.matcher(sql);
        if (!matcher.lookingAt()) {
            return -1;
        }
        String assignments = matcher.group(1).replaceAll("(?s)/\\*.*?\\*/", " ");
        if (assignments.contains("--") || assignments.contains("#")) {
            return -1;
        }
        for (String assignment : assignments.split(",", -1)) {
            java.util.regex.Matcher one = ASSIGNMENT.matcher(assignment);
            if (!one.matches() || !HARMLESS_STATEMENT_VARIABLES.contains(one.group(1).toLowerCase(Locale.ROOT))) {
                return -1;
            }
        }
        return matcher.end();
    }

    /** {@code UPDATE ONLY t} or {@code DELETE FROM ONLY t} at the start of a statement; group 1 is all before ONLY. */
    private static final Pattern ONLY_TABLE = Pattern.compile(
            "(?i)(\\s*(?:update|delete\\s+from)\\s+)only\\s+(?!(?:set|where|as)\\b)(?=[\\p{L}_\"`])");

    /**
     * The analysis of one parsed statement, with the tables it writes besides its own ({@link
     * StatementAnalysis#otherWritten()}: its data-modifying {@code WITH} items' targets, the other targets of a
     * multi-table write) and the columns it assigns.
     */
    private StatementAnalysis analyzeStatement(String sql, String numbered, Statement statement) {
        StatementAnalysis analysis = analyzeOne(sql, numbered, statement);
        Written written = alsoWritten(statement);
        java.util.LinkedHashSet<String> others = new java.util.LinkedHashSet<>(analysis.otherWritten());
        others.addAll(withItemTargets(statement));
        return others.isEmpty() && written.assigned() == null ? analysis
                : analysis.withWritten(List.copyOf(others), written.assigned());
    }

    private StatementAnalysis analyzeOne(String sql, String numbered, Statement statement) {
        List<TableMapping> writtenByWith = writtenByWithItems(statement);
        if (!writtenByWith.isEmpty()) {
            // a data-modifying WITH (WITH d AS (DELETE … RETURNING *) INSERT …): its rows cannot be named here; the
            // main statement's own table is followed through the catalog as any other write's
            Table main = mainTable(statement);
            return StatementAnalysis.passThrough(sql, SqlKind.BULK_WRITE, TxControl.NONE, writtenByWith,
                    main == null ? null : main.getFullyQualifiedName());
        }
        if (statement instanceof Select) {
            return selectRewriter.analyze(sql, numbered, statement);
        }
        Table table;
        SqlKind kind;
        if (statement instanceof Insert insert) {
            table = insert.getTable();
            kind = insert.getDuplicateUpdateSets() != null || insert.getDuplicateAction() != null
                    || insert.getConflictAction() != null ? SqlKind.UPSERT : SqlKind.INSERT;
        } else if (statement instanceof Upsert upsert) {
            table = upsert.getTable();
            kind = SqlKind.UPSERT;
        } else if (statement instanceof Update update) {
            table = update.getTable();
            kind = SqlKind.UPDATE;
        } else if (statement instanceof Delete delete) {
            table = delete.getTable();
            kind = SqlKind.DELETE;
        } else if (statement instanceof net.sf.jsqlparser.statement.truncate.Truncate truncate) {
            if (truncate.getCascade()) {
                // PostgreSQL's TRUNCATE … CASCADE empties every table with a foreign key onto the ones named,
                // whatever its ON DELETE action, and theirs in turn: every mapped table is resynced
                return StatementAnalysis.passThrough(sql, SqlKind.BULK_WRITE, TxControl.NONE,
                        List.copyOf(mappings.values()));
            }
            List<Table> tables = truncate.getTables() == null || truncate.getTables().isEmpty()
                    ? java.util.Collections.singletonList(truncate.getTable()) : truncate.getTables();
            if (tables.size() > 1) {
                // TRUNCATE a, b empties each of them
                List<TableMapping> named = new ArrayList<>();
                for (Table each : tables) {
                    TableMapping mapping = mappingOf(each);
                    named.addAll(mapping != null ? List.of(mapping) : reachedThrough(each));
                }
                named = named.stream().distinct().toList();
                return StatementAnalysis.passThrough(sql, named.isEmpty() ? SqlKind.OTHER : SqlKind.BULK_WRITE,
                        TxControl.NONE, named);
            }
            return bulkWrite(sql, tables.get(0), "truncate");
        } else if (statement instanceof net.sf.jsqlparser.statement.merge.Merge merge) {
            return bulkWrite(sql, merge.getTable(), "merge");
        } else if (statement instanceof net.sf.jsqlparser.statement.alter.Alter alter) {
            // ALTER COLUMN … TYPE … USING, MODIFY COLUMN: a change of a column's type rewrites its values
            if (alter.getTable() != null && mappingOf(alter.getTable()) == null) {
                List<TableMapping> replaced = replacedByAlter(alter);
                if (!replaced.isEmpty()) {
                    return StatementAnalysis.passThrough(sql, SqlKind.BULK_WRITE, TxControl.NONE, replaced);
                }
            }
            return bulkWrite(sql, alter.getTable(), "alter");
        } else if (statement instanceof net.sf.jsqlparser.statement.drop.Drop
                || statement instanceof net.sf.jsqlparser.statement.alter.RenameTableStatement
                || statement instanceof net.sf.jsqlparser.statement.create.table.CreateTable) {
            // DDL that removes a mapped table's rows or puts other rows under its name: the mapped table is resynced
            List<TableMapping> replaced = replacedByDdl(statement);
            return StatementAnalysis.passThrough(sql, replaced.isEmpty() ? SqlKind.OTHER : SqlKind.BULK_WRITE,
                    TxControl.NONE, replaced);
        } else if (statement instanceof net.sf.jsqlparser.statement.UnsupportedStatement) {
            // the parser kept the text without reading it (REPLACE LOW_PRIORITY …): as unparsable SQL, a write to
            // the mapped tables it names is resynced
            return unanalysed(sql);
        } else {
            return StatementAnalysis.passThrough(sql, SqlKind.OTHER);
        }
        TableMapping mapping = table == null ? null : mappingOf(table);
        List<Table> targets = alsoWritten(statement).tables();
        if (table != null && (targets.size() > 1 || (targets.size() == 1 && targets.get(0) != table))) {
            // MySQL's multi-table UPDATE a JOIN b SET b.x = … or DELETE a, b FROM …: the tables written are those the
            // SET assigns or the DELETE lists, which need not be the first one named
            List<TableMapping> mapped = targets.stream().map(this::mappingOf).filter(Objects::nonNull).distinct().toList();
            List<String> names = targets.stream().map(Table::getFullyQualifiedName).toList();
            if (mapping != null && mapped.equals(List.of(mapping)) && targets.contains(table)) {
                // the named table among them, the only mapped one: its rows are resynced ("multi-table") as before
                return analyzeWrite(sql, numbered, statement, kind, mapping).withWritten(names, null);
            }
            return StatementAnalysis.passThrough(sql, mapped.isEmpty() ? kind : SqlKind.BULK_WRITE, TxControl.NONE,
                    mapped, names.get(0)).withWritten(names.subList(1, names.size()), null);
        }
        if (mapping == null) {
            return StatementAnalysis.passThrough(sql, kind, TxControl.NONE, List.of(),
                    table == null ? null : table.getFullyQualifiedName());
        }
        return analyzeWrite(sql, numbered, statement, kind, mapping);
    }

    /** The tables a statement writes, as it names them, and the columns it assigns ({@code null}: any, or deletes). */
    record Written(List<Table> tables, @Nullable List<String> assigned) {
    }

    /**
     * What an {@code INSERT}, {@code UPDATE} or {@code DELETE} writes. A single-table statement writes its table. A
     * MySQL multi-table {@code UPDATE a JOIN b …} ({@code UPDATE a, b …}) writes the tables whose columns its {@code
     * SET} assigns (an unqualified column: any of them); a multi-table {@code DELETE a, b FROM …} the tables it
     * lists, by alias or name. PostgreSQL's {@code UPDATE … FROM} and {@code DELETE … USING} write their target only.
     * The columns assigned are those of an update's {@code SET}, or of an upsert's update clause (none for {@code ON
     * CONFLICT DO NOTHING}); {@code null} for a {@code REPLACE} (which deletes) and anything else.
     */
    static Written alsoWritten(Statement statement) {
        if (statement instanceof Update update) {
            List<String> assigned = new ArrayList<>();
            java.util.LinkedHashSet<Table> written = new java.util.LinkedHashSet<>();
            Map<String, Table> refs = new java.util.LinkedHashMap<>();
            addRef(refs, update.getTable());
            boolean multi = update.getStartJoins() != null && !update.getStartJoins().isEmpty();
            if (multi) {
                update.getStartJoins().forEach(join -> addRef(refs, join.getFromItem()));
            }
            for (UpdateSet set : update.getUpdateSets()) {
                for (Column column : set.getColumns()) {
                    assigned.add(SqlText.unquote(column.getColumnName()).toLowerCase(Locale.ROOT));
                    if (!multi) {
                        continue;
                    }
                    Table qualifier = column.getTable();
                    String name = qualifier == null || qualifier.getName() == null ? null
                            : SqlText.unquote(qualifier.getName()).toLowerCase(Locale.ROOT);
                    if (name == null) {
                        written.addAll(refs.values()); // an unqualified column may be any of the tables'
                    } else {
                        written.add(refs.getOrDefault(name, qualifier));
                    }
                }
            }
            List<Table> tables = multi ? List.copyOf(written)
                    : update.getTable() == null ? List.of() : List.of(update.getTable());
            return new Written(tables, List.copyOf(assigned));
        }
        if (statement instanceof Delete delete) {
            if (delete.getTables() == null || delete.getTables().isEmpty()) {
                return new Written(delete.getTable() == null ? List.of() : List.of(delete.getTable()), null);
            }
            Map<String, Table> refs = new java.util.LinkedHashMap<>();
            addRef(refs, delete.getTable());
            if (delete.getJoins() != null) {
                delete.getJoins().forEach(join -> addRef(refs, join.getFromItem()));
            }
            if (delete.getUsingList() != null) {
                delete.getUsingList().forEach(using -> addRef(refs, using));
            }
            java.util.LinkedHashSet<Table> written = new java.util.LinkedHashSet<>();
            for (Table listed : delete.getTables()) {
                String name = listed.getName() == null ? "" : SqlText.unquote(listed.getName()).toLowerCase(Locale.ROOT);
                written.add(listed.getSchemaName() == null ? refs.getOrDefault(name, listed) : listed);
            }
            return new Written(List.copyOf(written), null);
        }
        if (statement instanceof Insert insert) {
            InsertShape shape = InsertShape.of(statement);
            boolean upsert = insert.getDuplicateUpdateSets() != null || insert.getDuplicateAction() != null
                    || insert.getConflictAction() != null;
            if (!upsert || shape == null) {
                return new Written(List.of(insert.getTable()), null);
            }
            List<String> assigned = new ArrayList<>();
            shape.updateSets().forEach(sets -> sets.forEach(set -> set.getColumns().forEach(column ->
                    assigned.add(SqlText.unquote(column.getColumnName()).toLowerCase(Locale.ROOT)))));
            return new Written(List.of(insert.getTable()), List.copyOf(assigned));
        }
        return new Written(List.of(), null);
    }

    /** Registers a table reference of a multi-table statement under its alias and its name (lower case, unquoted). */
    private static void addRef(Map<String, Table> refs, net.sf.jsqlparser.statement.select.@Nullable FromItem item) {
        if (!(item instanceof Table table)) {
            return;
        }
        if (table.getAlias() != null && table.getAlias().getName() != null) {
            refs.putIfAbsent(SqlText.unquote(table.getAlias().getName().strip()).toLowerCase(Locale.ROOT), table);
        }
        if (table.getName() != null) {
            refs.putIfAbsent(SqlText.unquote(table.getName()).toLowerCase(Locale.ROOT), table);
        }
    }

    /** The table an {@code INSERT}, {@code UPDATE} or {@code DELETE} names as its own, or {@code null}. */
    private static @Nullable Table mainTable(Statement statement) {
        return statement instanceof Insert insert ? insert.getTable() : statement instanceof Update update
                ? update.getTable() : statement instanceof Delete delete ? delete.getTable() : null;
    }

    /** The tables the data-modifying {@code WITH} items of a statement write, as a token scan of each finds them. */
    private static List<String> withItemTargets(Statement statement) {
        List<net.sf.jsqlparser.statement.select.WithItem<?>> items = withItems(statement);
        if (items == null || items.isEmpty()) {
            return List.of();
        }
        java.util.LinkedHashSet<String> targets = new java.util.LinkedHashSet<>();
        items.forEach(item -> targets.addAll(SqlText.targets(item.toString())));
        return List.copyOf(targets);
    }

    private static @Nullable List<net.sf.jsqlparser.statement.select.WithItem<?>> withItems(Statement statement) {
        return statement instanceof Select select
                ? select.getWithItemsList() : statement instanceof Insert insert ? insert.getWithItemsList()
                : statement instanceof Update update ? update.getWithItemsList()
                : statement instanceof Delete delete ? delete.getWithItemsList() : null;
    }

    /**
     * The mapped tables whose rows a {@code DROP}, {@code RENAME TABLE} or {@code CREATE TABLE} removes or replaces:
     * {@code DROP TABLE orders} (and a view, sequence or index drop naming no table: none), a rename from or onto a
     * mapped name ({@code RENAME TABLE orders_new TO orders}, the swap of an online schema change, puts rows the
     * library never saw under the mapped name), {@code CREATE OR REPLACE TABLE orders} and {@code CREATE TABLE orders
     * AS SELECT …}. {@code DROP SCHEMA} and {@code DROP DATABASE} may take any mapped table with them.
     */
    private List<TableMapping> replacedByDdl(Statement statement) {
        java.util.LinkedHashSet<TableMapping> replaced = new java.util.LinkedHashSet<>();
        if (statement instanceof net.sf.jsqlparser.statement.drop.Drop drop) {
            String type = drop.getType() == null ? "" : drop.getType().toUpperCase(Locale.ROOT);
            if (type.equals("SCHEMA") || type.equals("DATABASE") || type.equals("OWNED")) {
                return List.copyOf(mappings.values());
            }
            if (type.equals("TABLE")) {
                List<Table> names = drop.getNames() != null && !drop.getNames().isEmpty() ? drop.getNames()
                        : java.util.Collections.singletonList(drop.getName());
                names.forEach(name -> replaced.addAll(mappedOrReached(name)));
            }
        } else if (statement instanceof net.sf.jsqlparser.statement.alter.RenameTableStatement rename) {
            rename.getTableNames().forEach(pair -> {
                replaced.addAll(mappedOrReached(pair.getKey()));
                replaced.addAll(mappedOrReached(pair.getValue()));
            });
        } else if (statement instanceof net.sf.jsqlparser.statement.create.table.CreateTable create) {
            if (create.isOrReplace() || create.getSelect() != null) {
                replaced.addAll(mappedOrReached(create.getTable()));
            }
        }
        return List.copyOf(replaced);
    }

    /**
     * For an {@code ALTER TABLE} of a table no mapping names: the mapped tables it renames another table onto
     * ({@code ALTER TABLE orders_new RENAME TO orders}) or swaps rows with ({@code EXCHANGE PARTITION p WITH TABLE
     * orders}).
     */
    private List<TableMapping> replacedByAlter(net.sf.jsqlparser.statement.alter.Alter alter) {
        java.util.LinkedHashSet<TableMapping> replaced = new java.util.LinkedHashSet<>();
        if (alter.getAlterExpressions() == null) {
            return List.of();
        }
        for (net.sf.jsqlparser.statement.alter.AlterExpression expression : alter.getAlterExpressions()) {
            if (expression.getNewTableName() != null) {
                replaced.addAll(mappedOrReached(new Table(expression.getNewTableName())));
            } else if (expression.getOperation() == net.sf.jsqlparser.statement.alter.AlterOperation.EXCHANGE_PARTITION) {
                replaced.addAll(mentionedTables(expression.toString()));
            }
        }
        return List.copyOf(replaced);
    }

    /** The mapping of {@code table}, or the mapped tables reached through it under another name. */
    private List<TableMapping> mappedOrReached(@Nullable Table table) {
        if (table == null) {
            return List.of();
        }
        if (table.getSchemaName() == null && table.getName() != null && table.getName().contains(".")) {
            // a name kept whole by the parser (RENAME TO other.orders)
            int dot = table.getName().lastIndexOf('.');
            table = new Table(table.getName().substring(0, dot), table.getName().substring(dot + 1));
        }
        TableMapping mapping = mappingOf(table);
        return mapping != null ? List.of(mapping) : reachedThrough(table);
    }

    /** The mapped tables that the WITH items of a statement write (data-modifying common table expressions). */
    private List<TableMapping> writtenByWithItems(Statement statement) {
        List<net.sf.jsqlparser.statement.select.WithItem<?>> items = withItems(statement);
        if (items == null || items.isEmpty()) {
            return List.of();
        }
        java.util.LinkedHashSet<TableMapping> written = new java.util.LinkedHashSet<>();
        for (net.sf.jsqlparser.statement.select.WithItem<?> item : items) {
            written.addAll(writtenTables(item.toString()));
        }
        return List.copyOf(written);
    }

    /** A write to a table whose rows cannot be named: a scoped resync of the whole table. */
    private StatementAnalysis bulkWrite(String sql, @Nullable Table table, String reason) {
        TableMapping mapping = table == null ? null : mappingOf(table);
        String written = table == null ? null : table.getFullyQualifiedName();
        if (mapping == null) {
            return StatementAnalysis.passThrough(sql, SqlKind.OTHER, TxControl.NONE, List.of(), written);
        }
        return StatementAnalysis.passThrough(sql, SqlKind.BULK_WRITE, TxControl.NONE, List.of(mapping), written);
    }

    /**
     * Whether reading the statement's strings with backslash escapes and without gives the same rows: the same
     * kind, table and key, order and merchant values. Either reading failing to parse counts as agreeing.
     */
    private boolean escapesAgree(String sql, String numbered) {
        try {
            CCJSqlParser standard = new CCJSqlParser(numbered);
            Statement plain = standard.Statement();
            CCJSqlParser escaped = new CCJSqlParser(numbered).withBackslashEscapeCharacter(true);
            Statement withEscapes = escaped.Statement();
            StatementAnalysis first = analyzeStatement(sql, numbered, plain);
            StatementAnalysis second = analyzeStatement(sql, numbered, withEscapes);
            return java.util.Objects.equals(first.kind(), second.kind())
                    && java.util.Objects.equals(first.mapping(), second.mapping())
                    && java.util.Objects.equals(first.whereKey(), second.whereKey())
                    && java.util.Objects.equals(first.insertKeys(), second.insertKeys())
                    && java.util.Objects.equals(first.setKey(), second.setKey())
                    && java.util.Objects.equals(first.orderId(), second.orderId())
                    && java.util.Objects.equals(first.merchantId(), second.merchantId())
                    && java.util.Objects.equals(first.keysUnknown(), second.keysUnknown());
        } catch (Exception | Error oneReadingFails) {
            return true;
        }
    }

    /**
     * The mapped tables {@code sql} names anywhere (outside quotes too), whatever it does with them: for a
     * statement whose writes cannot be named (unparsable, or a query whose updatable result set writes rows).
     */
    public List<TableMapping> mentionedTables(String sql) {
        List<TableMapping> named = new ArrayList<>();
        tableWords.forEach((table, word) -> {
            if (word.matcher(sql).find()) {
                named.add(mappings.get(table));
            }
        });
        return withOtherNames(sql, named);
    }

    /** A name under which statements write mapped tables without naming them, and those tables. */
    private record OtherName(Pattern word, List<TableMapping> tables) {
    }

    private volatile Map<String, OtherName> otherNames = Map.of();

    /**
     * Tells the analyzer the other names under which statements write mapped tables — views over them,
     * partitions, inheriting children and parents — each with the tables a write on it reaches, as read from
     * the stores' catalogs. Text that cannot be analysed as a write of a named table (unparsable SQL, {@code
     * EXPLAIN ANALYZE}, {@code COPY}, a data-modifying {@code WITH}, executable comments) and names one of them
     * gets a scoped resync of those tables. A change empties the cache of analyses.
     *
     * @param names lower-case names without schema or quotes, each with the mapped tables it reaches
     */
    public void otherNames(Map<String, ? extends java.util.Collection<TableMapping>> names) {
        Map<String, OtherName> built = new HashMap<>();
        names.forEach((name, tables) -> {
            if (!mappings.containsKey(name) && !tables.isEmpty()) {
                built.put(name, new OtherName(Pattern.compile("(?<![\\w$])" + Pattern.quote(name) + "(?![\\w$])",
                        Pattern.CASE_INSENSITIVE), List.copyOf(tables)));
            }
        });
        Map<String, OtherName> before = otherNames;
        boolean same = before.keySet().equals(built.keySet()) && built.entrySet().stream()
                .allMatch(e -> before.get(e.getKey()).tables().equals(e.getValue().tables()));
        if (!same) {
            otherNames = Map.copyOf(built);
            cache.invalidateAll();
        }
    }

    private volatile Map<String, io.dualwrite.jdbc.mapping.CatalogNames.Spelling> newSpellings = Map.of();

    /**
     * Tells the analyzer how the new store's catalog spells the new tables (by lower-case configured name, {@link
     * io.dualwrite.jdbc.mapping.CatalogNames#find}), so that
     * statements rewritten for the new store name a table or column of a reserved word ({@code user}) or created in
     * mixed case ({@code "Order"}) as the new store knows it, as the copier does: the application's SQL names the old
     * table, and an unquoted new name would not reach it. A change empties the cache of analyses.
     */
    public void newSpellings(Map<String, io.dualwrite.jdbc.mapping.CatalogNames.Spelling> spellings) {
        if (!spellings.equals(newSpellings)) {
            newSpellings = Map.copyOf(spellings);
            cache.invalidateAll();
        }
    }

    /**
     * Whether a new table named without its schema has no spelling learned ({@link #newSpellings}): never read, or
     * not found in the new store when it was (created since, or not yet).
     */
    public boolean newSpellingMissing() {
        Map<String, io.dualwrite.jdbc.mapping.CatalogNames.Spelling> known = newSpellings;
        for (TableMapping mapping : mappings.values()) {
            String table = mapping.newTable();
            if (table.indexOf('.') < 0 && !known.containsKey(table.toLowerCase(Locale.ROOT))) {
                return true;
            }
        }
        return false;
    }

    /** {@code newColumns} answering the spellings {@link #newSpellings} learned. */
    private NewTableColumns spelled(NewTableColumns newColumns) {
        return new NewTableColumns() {
            @Override
            public List<String> of(String newTable) {
                return newColumns.of(newTable);
            }

            @Override
            public @Nullable String spelledTable(String newTable) {
                io.dualwrite.jdbc.mapping.CatalogNames.Spelling known = newSpellings.get(newTable.toLowerCase(Locale.ROOT));
                return known != null ? known.quotedTable() : newColumns.spelledTable(newTable);
            }

            @Override
            public @Nullable String spelledColumn(String newTable, String column) {
                io.dualwrite.jdbc.mapping.CatalogNames.Spelling known = newSpellings.get(newTable.toLowerCase(Locale.ROOT));
                String spelled = known == null ? null : known.column(column);
                return spelled != null ? io.dualwrite.jdbc.mapping.CatalogNames.quoted(known.quote(), spelled)
                        : newColumns.spelledColumn(newTable, column);
            }
        };
    }

    /** {@code named} with the mapped tables reached through the other names {@code sql} mentions. */
    private List<TableMapping> withOtherNames(String sql, List<TableMapping> named) {
        Map<String, OtherName> others = otherNames;
        if (others.isEmpty()) {
            return named;
        }
        java.util.LinkedHashSet<TableMapping> all = new java.util.LinkedHashSet<>(named);
        others.values().forEach(other -> {
            if (other.word().matcher(sql).find()) {
                all.addAll(other.tables());
            }
        });
        return List.copyOf(all);
    }

    /** The mapped tables a write on {@code table} (not mapped itself) reaches under another name. */
    private List<TableMapping> reachedThrough(Table table) {
        String name = SqlText.unquote(table.getName()).toLowerCase(Locale.ROOT);
        OtherName other = otherNames.get(name);
        return other == null ? List.of() : other.tables();
    }

    /** The mapped tables an unparsable statement mentions, when it looks like a write. */
    private List<TableMapping> writtenTables(String sql) {
        return SqlText.looksLikeWrite(sql) ? mentionedTables(sql) : List.of();
    }

    /** Parses every statement of {@code sql}, with the same fallback to backslash escapes as {@link #parse}. */
    static List<Statement> parseAll(String sql) throws Exception {
        return timeLimited(sql, parser -> new ArrayList<>(parser.Statements()));
    }

    private StatementAnalysis analyzeWrite(String sql, String numbered, Statement statement, SqlKind kind,
                                           TableMapping mapping) {
        String notReplayable = null;
        List<String> insertColumns = null;
        List<List<ValueRef>> insertRows = new ArrayList<>();
        List<ValueRef> setKey = null;
        boolean movesIds = false;
        boolean returning = false;
        Map<Integer, String> parameterColumns = new HashMap<>();
        List<List<ValueRef>> insertKeys = new ArrayList<>();
        boolean keysGenerated = false;
        List<ValueRef> whereKey = null;
        ValueRef orderId = null;
        ValueRef merchantId = null;
        InsertShape shape = InsertShape.of(statement);
        if (shape != null) {
            returning = shape.insert() != null && shape.insert().getReturningClause() != null;
            if (shape.rows() != null) {
                insertColumns = shape.columns() == null ? null : shape.columnNames();
                for (List<Expression> row : shape.rows()) {
                    List<ValueRef> values = new ArrayList<>();
                    row.forEach(expression -> values.add(valueOf(expression)));
                    insertRows.add(java.util.Collections.unmodifiableList(values));
                }
            }
            if (shape.rows() == null || shape.columns() == null) {
                if (shape.rows() == null && (shape.columns() == null
                        || indexesOf(shape.columnNames(), mapping.primaryKey()) != null)) {
                    notReplayable = "insert-select"; // an INSERT … SELECT names no key it writes
                }
                // INSERT … SELECT: its rows can still be copied by key when the database generates the keys
                keysGenerated = shape.columns() != null && indexesOf(shape.columnNames(), mapping.primaryKey()) == null;
            } else {
                List<String> columns = shape.columnNames();
                for (List<Expression> row : shape.rows()) {
                    for (int c = 0; c < Math.min(columns.size(), row.size()); c++) {
                        if (row.get(c) instanceof JdbcParameter parameter) {
                            parameterColumns.put(parameter.getIndex(), columns.get(c));
                        }
                    }
                }
                keysGenerated = indexesOf(columns, mapping.primaryKey()) == null;
                if (!keysGenerated && shape.insert() != null
                        && shape.insert().getOverridingMode() == net.sf.jsqlparser.statement.insert.Insert.OverridingMode.USER) {
                    // PostgreSQL's OVERRIDING USER VALUE: an identity key written is replaced by the next value
                    notReplayable = notReplayable == null ? "identity-overridden" : notReplayable;
                }
                if (!keysGenerated) {
                    List<Integer> positions = indexesOf(columns, mapping.primaryKey());
                    for (List<Expression> row : shape.rows()) {
                        List<ValueRef> key = new ArrayList<>();
                        positions.forEach(p -> key.add(valueOf(row.get(p))));
                        if (!key.contains(null)) { // a value known only to the database: found by the write path
                            insertKeys.add(List.copyOf(key));
                        }
                    }
                }
                List<Expression> first = shape.rows().get(0);
                orderId = mapping.orderIdColumn().map(c -> valueAt(columns, first, c)).orElse(null);
                merchantId = mapping.merchantIdColumn().map(c -> valueAt(columns, first, c)).orElse(null);
            }
            shape.updateSets().forEach(sets -> sets.forEach(set -> collectSetColumns(set, parameterColumns)));
            if (notReplayable == null && assignsAnotherKey(shape, mapping)) {
                // the row it conflicted with moves to a key computed in the database: neither inserted nor read
                notReplayable = "upsert-assigns-key";
            }
        } else {
            Expression where = statement instanceof Update update ? update.getWhere() : ((Delete) statement).getWhere();
            if (statement instanceof Update update) {
                update.getUpdateSets().forEach(set -> collectSetColumns(set, parameterColumns));
                if ((update.getJoins() != null && !update.getJoins().isEmpty()) || update.getFromItem() != null
                        || (update.getStartJoins() != null && !update.getStartJoins().isEmpty())) {
                    notReplayable = "multi-table";
                }
                if (update.getLimit() != null) {
                    notReplayable = notReplayable == null ? "limit" : notReplayable;
                }
                returning = update.getReturningClause() != null;
                movesIds = assignsIds(update, mapping);
                setKey = assignedKey(update, mapping);
                if (setKey != null && setKey.isEmpty()) {
                    notReplayable = notReplayable == null ? "key-assigned-by-expression" : notReplayable;
                    setKey = null;
                }
            } else {
                Delete delete = (Delete) statement;
                if ((delete.getJoins() != null && !delete.getJoins().isEmpty())
                        || (delete.getTables() != null && !delete.getTables().isEmpty())
                        || (delete.getUsingList() != null && !delete.getUsingList().isEmpty())) {
                    notReplayable = "multi-table";
                }
                if (delete.getLimit() != null) {
                    notReplayable = notReplayable == null ? "limit" : notReplayable;
                }
                returning = delete.getReturningClause() != null;
            }
            String condition = where == null ? "" : where.toString();
            if (SqlText.callsVolatile(condition)) {
                // the key pre-select runs the condition once more: nextval() or @n := @n + 1 would name other rows
                // (and change what the statement does), a function that writes would write twice
                notReplayable = notReplayable == null ? "volatile-condition" : notReplayable;
            }
            Map<String, ValueRef> equalities = new HashMap<>();
            if (condition.contains("||")) {
                // MySQL and MariaDB read || as OR, the parser as concatenation: "id = 1 || id = 3" pins no key
                where = null;
            }
            collectEqualities(where, equalities, parameterColumns);
            List<ValueRef> key = new ArrayList<>();
            for (String column : mapping.primaryKey()) {
                ValueRef value = equalities.get(column.toLowerCase(Locale.ROOT));
                if (value == null) {
                    key = null;
                    break;
                }
                key.add(value);
            }
            whereKey = key == null ? null : List.copyOf(key);
            if (whereKey == null && notReplayable == null && SqlText.readsRelations(condition)) {
                // its keys would be selected by running the condition once more: a subquery may read a view or a
                // relation whose value changes with each run (a sequence's next value, a random pick), and a change
                // committed in between; the select would take other rows, or a sequence's values the statement expects
                notReplayable = "condition-reads-rows";
            }
            orderId = mapping.orderIdColumn().map(c -> equalities.get(c.toLowerCase(Locale.ROOT))).orElse(null);
            merchantId = mapping.merchantIdColumn().map(c -> equalities.get(c.toLowerCase(Locale.ROOT))).orElse(null);
        }
        Rewriter rewriter = new Rewriter(mapping, parameterColumns, newColumns);
        RenderedSql onOld = StatementAnalysis.identity(sql, SqlText.countParameters(sql));
        RenderedSql onNew = null;
        RenderedSql keySelectOld = null;
        RenderedSql keySelectNew = null;
        String problem = null;
        try {
            onNew = rewriter.render(numbered, Store.NEW);
        } catch (Rewriter.NotRewritable e) {
            problem = e.getMessage();
        } catch (Exception e) {
            problem = "rewrite failed: " + e;
        }
        try {
            if (shape == null) { // also with a key WHERE: a string key may match rows spelt otherwise
                keySelectOld = rewriter.keySelect(numbered, Store.OLD);
                keySelectNew = problem == null ? rewriter.keySelect(numbered, Store.NEW) : null;
            }
        } catch (Exception e) {
            if (shape == null && whereKey == null) { // the key pre-select cannot be built: the rows are unknown
                notReplayable = notReplayable == null ? "no-derivable-key" : notReplayable;
            }
        }
        if (kind == SqlKind.INSERT && !keysGenerated && insertColumns == null && insertRows.isEmpty()
                && notReplayable == null) {
            notReplayable = "no-derivable-key";
        }
        return new StatementAnalysis(sql, kind, mapping, notReplayable, keysGenerated, List.copyOf(insertKeys),
                whereKey, orderId, merchantId, onOld, onNew, keySelectOld, keySelectNew,
                problem, insertColumns, java.util.Collections.unmodifiableList(insertRows), setKey, returning,
                shape != null ? movesRows(statement, shape, mapping) : movesIds, TxControl.NONE, List.of(), List.of(),
                mapping.oldTable(), List.of(), List.of(), null, namedIn(shape != null ? shape.table() : mainTable(statement)));
    }

    /**
     * The schema or database a write names its own {@code table} in, as written ({@link StatementAnalysis#namedIn}):
     * {@code shop} of {@code UPDATE shop.orders}; {@code null} for a bare name, or a name with a catalog as well
     * ({@code db.schema.orders}, which the library's added SQL does not try to follow).
     */
    private static @Nullable String namedIn(@Nullable Table table) {
        if (table == null || table.getSchemaName() == null || table.getDatabaseName() != null) {
            return null;
        }
        return table.getSchemaName();
    }

    /**
     * For an update that assigns primary-key columns: the new key (every key column, the unassigned ones
     * from the WHERE equalities are not known here, so a partial assignment counts as unknown); {@code null}
     * when it assigns none; empty when a key column gets an expression.
     */
    /**
     * Whether an upsert can take a row it conflicts with away from its key: {@code REPLACE} (and the other
     * {@code UPSERT} forms) deletes it, and an update clause that assigns a primary-key column moves it to
     * another key or, under a collation that ignores case or accents, respells it.
     */
    /**
     * Whether an update assigns a column that decides a row's phase — a primary-key column, the order-id or the
     * merchant-id column — so that its rows may leave the phase its WHERE names.
     */
    private static boolean assignsIds(Update update, TableMapping mapping) {
        List<String> ids = new ArrayList<>(mapping.primaryKey());
        mapping.orderIdColumn().ifPresent(ids::add);
        mapping.merchantIdColumn().ifPresent(ids::add);
        for (UpdateSet set : update.getUpdateSets()) {
            for (Column column : set.getColumns()) {
                String name = SqlText.unquote(column.getColumnName());
                if (ids.stream().anyMatch(name::equalsIgnoreCase)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static boolean movesRows(Statement statement, InsertShape shape, TableMapping mapping) {
        if (statement instanceof Upsert) {
            return true;
        }
        for (List<UpdateSet> sets : shape.updateSets()) {
            for (UpdateSet set : sets) {
                for (int i = 0; i < set.getColumns().size(); i++) {
                    String name = SqlText.unquote(set.getColumns().get(i).getColumnName());
                    if (keepsOwnValue(i < set.getValues().size() ? set.getValues().get(i) : null, name)) {
                        continue; // id = LAST_INSERT_ID(id): the row stays where it was met
                    }
                    if (mapping.primaryKey().stream().anyMatch(name::equalsIgnoreCase)) {
                        return true;
                    }
                    // any other column may be part of a unique key the row was met on: given anything but its
                    // inserted value (code = IF(code = 'a', 'moved', code)), the row no longer holds a value of the
                    // statement, so the select after it would not find it again
                    Expression value = i < set.getValues().size() ? set.getValues().get(i) : null;
                    if (!insertedValueOf(value, name)) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    /**
     * Whether an upsert's update clause assigns a primary-key column anything but the inserted value of that
     * column ({@code VALUES(id)} on MySQL, {@code EXCLUDED.id} on PostgreSQL): {@code id = CONCAT(id, 'x')} or
     * {@code id = 'moved'} moves the conflicting row to a key the statement never names.
     */
    private static boolean assignsAnotherKey(InsertShape shape, TableMapping mapping) {
        for (List<UpdateSet> sets : shape.updateSets()) {
            for (UpdateSet set : sets) {
                for (int i = 0; i < set.getColumns().size(); i++) {
                    String name = SqlText.unquote(set.getColumns().get(i).getColumnName());
                    if (mapping.primaryKey().stream().noneMatch(name::equalsIgnoreCase)) {
                        continue;
                    }
                    Expression value = i < set.getValues().size() ? set.getValues().get(i) : null;
                    if (!insertedValueOf(value, name) && !keepsOwnValue(value, name)) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    /**
     * Whether an upsert's update clause gives {@code column} the value the row already holds: the column itself
     * ({@code id = id}) or MySQL's {@code LAST_INSERT_ID(id)}, which returns its argument (the idiom that makes the
     * driver report the id of the row updated instead of inserted).
     */
    private static boolean keepsOwnValue(@Nullable Expression value, String column) {
        if (value instanceof net.sf.jsqlparser.expression.Function function
                && "LAST_INSERT_ID".equalsIgnoreCase(function.getName()) && function.getParameters() != null
                && function.getParameters().size() == 1) {
            return keepsOwnValue(function.getParameters().get(0), column);
        }
        return value instanceof Column reference && (reference.getTable() == null
                || reference.getTable().getName() == null)
                && SqlText.unquote(reference.getColumnName()).equalsIgnoreCase(column);
    }

    private static boolean insertedValueOf(@Nullable Expression value, String column) {
        if (value instanceof net.sf.jsqlparser.expression.Function function
                && "VALUES".equalsIgnoreCase(function.getName()) && function.getParameters() != null
                && function.getParameters().size() == 1
                && function.getParameters().get(0) instanceof Column argument) {
            return SqlText.unquote(argument.getColumnName()).equalsIgnoreCase(column);
        }
        if (value instanceof Column reference && reference.getTable() != null
                && "excluded".equalsIgnoreCase(SqlText.unquote(reference.getTable().getName()))) {
            return SqlText.unquote(reference.getColumnName()).equalsIgnoreCase(column);
        }
        return false;
    }

    private static @Nullable List<ValueRef> assignedKey(Update update, TableMapping mapping) {
        Map<String, ValueRef> assigned = new HashMap<>();
        boolean any = false;
        for (UpdateSet set : update.getUpdateSets()) {
            for (int i = 0; i < set.getColumns().size(); i++) {
                String name = SqlText.unquote(set.getColumns().get(i).getColumnName()).toLowerCase(Locale.ROOT);
                if (mapping.primaryKey().stream().anyMatch(name::equalsIgnoreCase)) {
                    any = true;
                    ValueRef value = i < set.getValues().size() ? valueOf(set.getValues().get(i)) : null;
                    if (value == null) {
                        return List.of();
                    }
                    assigned.put(name, value);
                }
            }
        }
        if (!any) {
            return null;
        }
        List<ValueRef> key = new ArrayList<>();
        for (String column : mapping.primaryKey()) {
            ValueRef value = assigned.get(column.toLowerCase(Locale.ROOT));
            if (value == null) {
                return List.of();
            }
            key.add(value);
        }
        return List.copyOf(key);
    }

    private static void collectSetColumns(UpdateSet set, Map<Integer, String> parameterColumns) {
        for (int i = 0; i < set.getColumns().size() && i < set.getValues().size(); i++) {
            if (set.getValues().get(i) instanceof JdbcParameter parameter) {
                parameterColumns.put(parameter.getIndex(), SqlText.unquote(set.getColumns().get(i).getColumnName()));
            }
        }
    }

    /** Walks a top-level AND chain, keeping {@code column = value} pairs by lower-case column name. */
    static void collectEqualities(@Nullable Expression where, Map<String, ValueRef> out,
                                          Map<Integer, String> parameterColumns) {
        if (where instanceof AndExpression and) {
            collectEqualities(and.getLeftExpression(), out, parameterColumns);
            collectEqualities(and.getRightExpression(), out, parameterColumns);
        } else if (where instanceof net.sf.jsqlparser.expression.operators.relational.ParenthesedExpressionList<?> list
                && list.size() == 1) {
            collectEqualities(list.get(0), out, parameterColumns);
        } else if (where instanceof EqualsTo equals) {
            Expression left = equals.getLeftExpression();
            Expression right = equals.getRightExpression();
            if (right instanceof Column && !(left instanceof Column)) {
                Expression swap = left;
                left = right;
                right = swap;
            }
            if (left instanceof Column column && !(right instanceof Column)) {
                String name = SqlText.unquote(column.getColumnName());
                ValueRef value = valueOf(right);
                if (value != null) {
                    out.put(name.toLowerCase(Locale.ROOT), value);
                }
                if (right instanceof JdbcParameter parameter) {
                    parameterColumns.put(parameter.getIndex(), name);
                }
            }
        }
    }

    static @Nullable ValueRef valueOf(Expression expression) {
        if (expression instanceof JdbcParameter parameter) {
            return new ValueRef(parameter.getIndex(), null);
        }
        if (expression instanceof net.sf.jsqlparser.expression.LongValue value) {
            java.math.BigInteger number = value.getBigIntegerValue();
            return new ValueRef(0, number.bitLength() < 64 ? (Object) number.longValue() : number);
        }
        if (expression instanceof net.sf.jsqlparser.expression.StringValue value) {
            // the text as the database reads it: a doubled quote is one quote. Backslashes (escapes on MySQL and
            // in PostgreSQL's E'' strings, plain characters elsewhere) and prefixed forms depend on the database:
            // their value is left unknown, so the keys are selected or resynced
            String prefix = value.getPrefix();
            String raw = value.getValue();
            // (N'' too: PostgreSQL reads it as char(n), whose trailing spaces do not count)
            if (prefix != null || raw.indexOf('\\') >= 0) {
                return null;
            }
            return new ValueRef(0, raw.replace("''", "'"));
        }
        if (expression instanceof net.sf.jsqlparser.expression.SignedExpression signed
                && (signed.getExpression() instanceof net.sf.jsqlparser.expression.LongValue
                || signed.getExpression() instanceof net.sf.jsqlparser.expression.DoubleValue)) {
            // -1 (a number literal under a sign): the number. The parser reads the bitwise NOT of MySQL, MariaDB and
            // PostgreSQL (~3: -4 on PostgreSQL, 2^64 - 4 on MySQL) as a sign too; its value depends on the product
            // and the column's type, so it is left unknown (the keys are selected or resynced)
            if (signed.getSign() != '+' && signed.getSign() != '-') {
                return null;
            }
            ValueRef number = valueOf(signed.getExpression());
            if (number == null || signed.getSign() == '+') {
                return number;
            }
            Object value = number.literal();
            return value instanceof Long whole ? new ValueRef(0, -whole)
                    : value instanceof java.math.BigInteger big ? new ValueRef(0, big.negate())
                    : value instanceof java.math.BigDecimal decimal ? new ValueRef(0, decimal.negate()) : null;
        }
        if (expression instanceof net.sf.jsqlparser.expression.DoubleValue value) {
            // 7.6 or 1e1: a decimal by value (what a text or integer column stores is decided by the write path)
            try {
                return new ValueRef(0, new java.math.BigDecimal(value.toString()));
            } catch (NumberFormatException e) {
                return null;
            }
        }
        // dates and times ({d '…'}, DATE '…') are stored in the column's own form: unknown as a key
        return null;
    }

    private static @Nullable ValueRef valueAt(List<String> columns, List<Expression> row, String column) {
        for (int c = 0; c < columns.size() && c < row.size(); c++) {
            if (columns.get(c).equalsIgnoreCase(column)) {
                return valueOf(row.get(c));
            }
        }
        return null;
    }

    /**
     * The position of each of {@code wanted} in {@code columns}, compared case-insensitively (the last one where a
     * name stands twice); {@code null} when one of them is missing. Used for a statement's column list and for a
     * table's columns in catalog order.
     */
    public static @Nullable List<Integer> indexesOf(List<String> columns, List<String> wanted) {
        List<Integer> positions = new ArrayList<>();
        for (String column : wanted) {
            int found = -1;
            for (int c = 0; c < columns.size(); c++) {
                if (columns.get(c).equalsIgnoreCase(column)) {
                    found = c;
                }
            }
            if (found < 0) {
                return null;
            }
            positions.add(found);
        }
        return positions;
    }
}
