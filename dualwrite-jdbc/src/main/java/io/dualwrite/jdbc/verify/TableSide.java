package io.dualwrite.jdbc.verify;

import io.dualwrite.jdbc.copy.ColumnText;
import io.dualwrite.jdbc.copy.Uuids;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongConsumer;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * The queries of one store for one table and scope: the checksum of a key range, the key at a position of a
 * range, the rows of a range, and rows by key. Every query binds the scope first, then the range's bounds.
 */
final class TableSide {

    /** A key range: {@code lower} included, {@code upper} excluded; {@code null} is unbounded. */
    record Range(@Nullable List<Object> lower, @Nullable List<Object> upper) {
        static final Range ALL = new Range(null, null);

        @Override
        public String toString() {
            return "[" + (lower == null ? "-inf" : text(lower)) + ", " + (upper == null ? "+inf" : text(upper)) + ")";
        }

        private static String text(List<Object> key) {
            return key.size() == 1 ? String.valueOf(key.get(0)) : key.toString();
        }
    }

    /** A range's row count and checksum on one store. */
    record Checksum(long count, BigDecimal sum) {
    }

    /**
     * One row read into the JVM.
     *
     * @param key     its key values, as this store returned them
     * @param keyText its key's canonical text: the same on both stores for the same key
     * @param texts   the canonical texts of the columns rendered in SQL (the keys first)
     * @param java    the canonical texts of the columns compared in Java
     */
    record FetchedRow(List<Object> key, String keyText, List<String> texts, List<String> java) {
    }

    /**
     * One row's key and hash, listed to find which rows of a differing range differ.
     *
     * @param key     its key values, as this store returned them
     * @param keyText its key's canonical text: the same on both stores for the same key
     * @param hash    the 60-bit hash of its canonical text (the term the range's checksum sums)
     */
    record KeyHash(List<Object> key, String keyText, long hash) {
    }

    /**
     * The hash of a row whose text the old store could not compute: beyond the 60 bits of every real hash, and not
     * the new store's, so that such a row never matches and is always compared as fetched.
     */
    static final long UNHASHED_OLD = 1L << 60;

    /** As {@link #UNHASHED_OLD}, for the new store. */
    static final long UNHASHED_NEW = (1L << 60) + 1;

    private final TablePlan plan;
    private final boolean old;
    private final VerifyDialect dialect;
    private final String table;
    private final List<ColumnInfo> keyInfos;
    /** The key columns as {@link #keyColumns} selects them to be read ({@link ColumnInfo#asKeyRead}). */
    private final List<ColumnInfo> keyReads;
    private final List<String> keyOrder;
    private final @Nullable String scopeCondition;
    private final List<Object> scopeValues;
    private final @Nullable ColumnInfo scopeInfo;
    private final String hash;
    private final String keyColumns;
    private final String renderedKeys;
    private final String renderedAll;
    private final String javaColumns;
    private final LongConsumer fetched;
    /** The old side's: the new pool's start zone for a value without zone compared in Java with instants, or null. */
    private final java.time.@Nullable ZoneId targetZone;

    /**
     * @param utf8 whether the database hashes a text as its UTF-8 bytes as it is ({@link VerifyDialect#hashesUtf8})
     * @param salt    hex digits put before every row's text before it is hashed; the same on both sides of one run
     * @param byValue whether both sides hash rows by value ({@link TablePlan#hashesByValue}), seeded with the salt
     * @param startZone the zone this store's pool starts its sessions in ({@code copy.StartZone}), where a column of
     *                  instants is compared with a value without zone and the zone is not UTC; else null
     * @param targetZone the new store's such zone, for the old side's values compared in Java; else null
     */
    TableSide(TablePlan plan, boolean old, VerifyDialect dialect, int majorVersion, boolean utf8,
              @Nullable Object merchantValue,
              String salt, boolean byValue, io.dualwrite.jdbc.copy.StartZone.@Nullable Zone startZone,
              io.dualwrite.jdbc.copy.StartZone.@Nullable Zone targetZone, LongConsumer fetched) {
        this.targetZone = old && targetZone != null ? targetZone.zone() : null;
        this.plan = plan;
        this.old = old;
        this.dialect = dialect;
        this.table = plan.shape(old).quotedTable();
        this.fetched = fetched;
        this.keyInfos = plan.keys().stream().map(pair -> pair.info(old)).toList();
        // a numbered column (MySQL BIT, YEAR) is ordered and bounded by its number: a YEAR compared with 0 or 99
        // takes it as 2000 or 1999 (so the bounds read missed rows); without the key's index, which such keys
        // (at most 256 years) seldom need
        this.keyOrder = keyInfos.stream().map(info -> info.kind(dialect) == ColumnInfo.Kind.STRING
                ? dialect.binaryOrder(dialect.quote(info.name()), info) : info.value(dialect)).toList();
        this.keyReads = keyInfos.stream().map(info -> info.asKeyRead(dialect)).toList();
        this.keyColumns = keyInfos.stream().map(info -> info.keySelect(dialect)).collect(Collectors.joining(", "));
        List<String> rendered = plan.sqlColumns().stream().map(pair -> TablePlan.render(pair, old, dialect, utf8, startZone)).toList();
        List<String> salted = new ArrayList<>(rendered.size() + 1);
        salted.add("'" + salt.replaceAll("[^0-9a-f]", "") + "'");
        salted.addAll(rendered);
        // a row text the database could not compute (MariaDB's CONCAT, HEX or REPLACE give NULL past
        // max_allowed_packet) hashes to a number of this side's own: SUM skipped a NULL, so such a row was never
        // compared, and a one-byte difference in a long value was missed; now such rows always differ and are
        // fetched and compared
        String valueHash = byValue ? dialect.valueHash(plan.sqlColumns().stream()
                        .map(pair -> dialect.quote(pair.info(old).name())).toList(),
                plan.sqlColumns().stream().map(pair -> pair.info(old).kind(dialect) == ColumnInfo.Kind.STRING).toList(),
                plan.sqlColumns().stream().map(pair -> TablePlan.ownType(pair.info(old))).toList(),
                Long.parseUnsignedLong(salt, 16), majorVersion) : null;
        this.hash = "COALESCE(" + (valueHash != null ? valueHash : dialect.hash(dialect.concat(salted), majorVersion, utf8))
                + ", " + (old ? UNHASHED_OLD : UNHASHED_NEW) + ")";
        this.renderedKeys = String.join(", ", rendered.subList(0, plan.keys().size()));
        this.renderedAll = String.join(", ", rendered);
        this.javaColumns = plan.javaColumns().stream()
                .map(pair -> old && pair.added() ? "NULL" : javaColumn(pair.info(old), dialect))
                .collect(Collectors.joining(", "));
        if (merchantValue == null) {
            scopeCondition = null;
            scopeValues = List.of();
            scopeInfo = null;
        } else {
            String oldName = plan.mapping().merchantIdColumn().orElseThrow();
            String name = old ? oldName : plan.mapping().newColumn(oldName).orElseThrow();
            ColumnInfo info = plan.shape(old).column(name).orElseThrow();
            scopeCondition = dialect.exactEquals(dialect.quote(info.name()), info);
            Object value = old ? merchantValue : plan.mapping().transforms(oldName)
                    ? plan.mapping().toNewValue(oldName, merchantValue) : asValueOf(merchantValue, info, dialect);
            scopeValues = Collections.nCopies(dialect.exactEqualsMarkers(info), value);
            scopeInfo = info;
        }
    }

    /**
     * A column compared in Java as selected: a MySQL/MariaDB {@code FLOAT} as {@code DOUBLE}, since the drivers'
     * text of a {@code FLOAT} has six digits (1234567 and 1234568 both read "1.23457e6").
     */
    /**
     * The merchant id read for the old column as a value of the new one, where their types differ (an
     * {@code INT} merchant column that is a {@code text} in the new store: a number bound against a PostgreSQL text
     * fails, "operator does not exist: text = bigint"); as it is where it fits no value of the new column.
     */
    private static Object asValueOf(Object value, ColumnInfo column, VerifyDialect dialect) {
        try {
            return JavaValues.parseKey(String.valueOf(JavaValues.keyPart(value)), column, dialect);
        } catch (IllegalArgumentException noSuchValue) {
            return value;
        }
    }

    private static String javaColumn(ColumnInfo info, VerifyDialect dialect) {
        String quoted = dialect.quote(info.name());
        if (info.money()) {
            return info.value(dialect); // as numeric: the driver reads money as a double
        }
        return info.mysqlFloat(dialect) ? "CAST(" + quoted + " AS DOUBLE)"
                : info.mysqlTemporal(dialect) ? "CAST(" + quoted + " AS CHAR)" : quoted; // (ColumnInfo.mysqlTemporal)
    }

    /** The range's row count and checksum. */
    Checksum checksum(Connection connection, Range range) throws SQLException {
        String sql = "SELECT COUNT(*), SUM(" + hash + ") FROM " + table + where(range);
        try (PreparedStatement select = connection.prepareStatement(sql)) {
            bindWhere(select, range);
            try (ResultSet rows = select.executeQuery()) {
                rows.next();
                BigDecimal sum = rows.getBigDecimal(2);
                return new Checksum(rows.getLong(1), sum == null ? BigDecimal.ZERO : sum);
            }
        }
    }

    /**
     * The least and the greatest key of the range, for a table keyed by one integer column, in one query that
     * reads two index entries; null when the range is empty or a key is beyond a {@code long} (an unsigned
     * {@code BIGINT}).
     */
    long @Nullable [] keySpan(Connection connection, Range range) throws SQLException {
        String key = keyInfos.get(0).value(dialect);
        String sql = "SELECT MIN(" + key + "), MAX(" + key + ") FROM " + table + where(range);
        try (PreparedStatement select = connection.prepareStatement(sql)) {
            bindWhere(select, range);
            try (ResultSet rows = select.executeQuery()) {
                if (!rows.next()) {
                    return null;
                }
                BigDecimal least = rows.getBigDecimal(1);
                BigDecimal greatest = rows.getBigDecimal(2);
                if (least == null || greatest == null || greatest.toBigInteger().bitLength() >= 64
                        || least.toBigInteger().bitLength() >= 64) {
                    return null;
                }
                return new long[] {least.longValueExact(), greatest.longValueExact()};
            }
        }
    }

    /**
     * The count and checksum of every bucket of the range, for a table keyed by one integer column, in one pass
     * over it: a row with key {@code k} is in bucket {@code k / width} (the fraction dropped) when {@code k >= 0},
     * in bucket {@code -1} when {@code k < 0}. Both stores compute the same bucket of a key, so buckets are
     * compared one to one; buckets without rows are absent.
     */
    java.util.Map<Long, Checksum> bucketChecksums(Connection connection, Range range, long width) throws SQLException {
        String key = keyInfos.get(0).value(dialect);
        String sql = "SELECT dw_bucket, COUNT(*), SUM(dw_hash) FROM (SELECT CASE WHEN " + key + " < 0 THEN -1 ELSE "
                + dialect.quotient(key, width) + " END AS dw_bucket, " + hash + " AS dw_hash FROM " + table
                + where(range) + ") dw_buckets GROUP BY dw_bucket";
        java.util.Map<Long, Checksum> buckets = new java.util.HashMap<>();
        try (PreparedStatement select = connection.prepareStatement(sql)) {
            bindWhere(select, range);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    BigDecimal sum = rows.getBigDecimal(3);
                    buckets.put(rows.getLong(1), new Checksum(rows.getLong(2), sum == null ? BigDecimal.ZERO : sum));
                }
            }
        }
        return buckets;
    }

    /** The key of the row at {@code offset} (from 0) of the range in binary key order, or null past its end. */
    @Nullable List<Object> keyAt(Connection connection, Range range, long offset) throws SQLException {
        String sql = "SELECT " + keyColumns + " FROM " + table + where(range) + " ORDER BY "
                + String.join(", ", keyOrder) + " LIMIT 1 OFFSET " + offset;
        try (PreparedStatement select = connection.prepareStatement(sql)) {
            bindWhere(select, range);
            try (ResultSet rows = select.executeQuery()) {
                if (!rows.next()) {
                    return null;
                }
                List<Object> key = new ArrayList<>(keyInfos.size());
                for (int i = 0; i < keyInfos.size(); i++) {
                    key.add(JavaValues.readKey(rows, i + 1, keyReads.get(i), dialect));
                }
                return key;
            }
        }
    }

    /**
     * The keys at positions {@code step}, {@code 2 * step}, … (from 0) of the range in binary key order: where to
     * split it into parts of {@code step} rows, found in one query.
     */
    List<List<Object>> splits(Connection connection, Range range, long step) throws SQLException {
        String sql = "SELECT " + keyColumns + " FROM (SELECT " + keyColumns + ", ROW_NUMBER() OVER (ORDER BY "
                + String.join(", ", keyOrder) + ") AS dw_rn FROM " + table + where(range) + ") dw_ranked"
                + " WHERE dw_rn > 1 AND MOD(dw_rn - 1, " + step + ") = 0 ORDER BY dw_rn";
        List<List<Object>> keys = new ArrayList<>();
        try (PreparedStatement select = connection.prepareStatement(sql)) {
            bindWhere(select, range);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    List<Object> key = new ArrayList<>(keyInfos.size());
                    for (int i = 0; i < keyInfos.size(); i++) {
                        key.add(JavaValues.readKey(rows, i + 1, keyReads.get(i), dialect));
                    }
                    keys.add(key);
                }
            }
        }
        return keys;
    }

    /**
     * The count and checksum of each part of the range cut at {@code splits} (ascending keys), in one query:
     * part 0 below the first split, part {@code i} from split {@code i - 1} up to split {@code i}, the last from
     * the last split on.
     */
    List<Checksum> checksums(Connection connection, Range range, List<List<Object>> splits) throws SQLException {
        StringBuilder part = new StringBuilder("CASE");
        for (int i = 0; i < splits.size(); i++) {
            part.append(" WHEN ").append(bound(false)).append(" THEN ").append(i);
        }
        part.append(" ELSE ").append(splits.size()).append(" END");
        String sql = "SELECT dw_part, COUNT(*), SUM(dw_hash) FROM (SELECT " + part + " AS dw_part, " + hash
                + " AS dw_hash FROM " + table + where(range) + ") dw_parts GROUP BY dw_part";
        List<Checksum> checksums = new ArrayList<>(Collections.nCopies(splits.size() + 1,
                new Checksum(0, BigDecimal.ZERO)));
        try (PreparedStatement select = connection.prepareStatement(sql)) {
            int index = 1;
            for (List<Object> split : splits) {
                index = bindBound(select, split, index);
            }
            bindWhere(select, range, index);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    BigDecimal sum = rows.getBigDecimal(3);
                    checksums.set(rows.getInt(1), new Checksum(rows.getLong(2), sum == null ? BigDecimal.ZERO : sum));
                }
            }
        }
        return checksums;
    }

    /**
     * The key, key text and hash of every row of the range, in one query: what a range whose checksums differ
     * is compared by, so that only the rows whose hashes differ are fetched whole.
     */
    List<KeyHash> hashes(Connection connection, Range range) throws SQLException {
        return hashes(connection, range, 0);
    }

    /** As {@link #hashes(Connection, Range)}, at most {@code maxRows} of them (0: all). */
    List<KeyHash> hashes(Connection connection, Range range, int maxRows) throws SQLException {
        String sql = "SELECT " + keyColumns + ", " + renderedKeys + ", " + hash + " FROM " + table + where(range);
        int keys = keyInfos.size();
        List<KeyHash> hashes = new ArrayList<>();
        try (PreparedStatement select = connection.prepareStatement(sql)) {
            select.setMaxRows(maxRows);
            bindWhere(select, range);
            try (ResultSet rows = select.executeQuery()) {
                StringBuilder text = new StringBuilder();
                while (rows.next()) {
                    List<Object> key = new ArrayList<>(keys);
                    for (int i = 0; i < keys; i++) {
                        key.add(JavaValues.readKey(rows, i + 1, keyReads.get(i), dialect));
                    }
                    text.setLength(0);
                    for (int i = 0; i < keys; i++) {
                        text.append(i == 0 ? "" : "|").append(rows.getString(keys + i + 1));
                    }
                    hashes.add(new KeyHash(key, text.toString(), rows.getLong(2 * keys + 1)));
                }
            }
        }
        return hashes;
    }

    /** Every row of the range, with all compared columns ({@code sqlColumns}) or only the Java ones. */
    List<FetchedRow> rows(Connection connection, Range range, boolean sqlColumns) throws SQLException {
        String sql = select(sqlColumns) + where(range);
        try (PreparedStatement select = connection.prepareStatement(sql)) {
            bindWhere(select, range);
            return read(select, sqlColumns);
        }
    }

    /**
     * Every row of the chunk within any of {@code parts} (ranges of its one integer key, bounds that are
     * {@code long} values or null), with all compared columns, in one query: the small differing buckets of a
     * chunk fetched together ({@link TableVerification}'s bucket search).
     */
    List<FetchedRow> rowsInParts(Connection connection, Range chunk, List<Range> parts) throws SQLException {
        String key = keyInfos.get(0).value(dialect);
        List<String> conditions = new ArrayList<>(parts.size());
        for (Range part : parts) {
            List<String> terms = new ArrayList<>(2);
            if (part.lower() != null) {
                terms.add(key + " >= " + ((Number) part.lower().get(0)).longValue());
            }
            if (part.upper() != null) {
                terms.add(key + " < " + ((Number) part.upper().get(0)).longValue());
            }
            conditions.add(terms.isEmpty() ? "1 = 1" : "(" + String.join(" AND ", terms) + ")");
        }
        String where = where(chunk);
        String sql = select(true) + (where.isEmpty() ? " WHERE " : where + " AND ") + "("
                + String.join(" OR ", conditions) + ")";
        try (PreparedStatement select = connection.prepareStatement(sql)) {
            bindWhere(select, chunk);
            return read(select, true);
        }
    }

    /** The rows of the given keys (values of either store), whatever their scope, with all compared columns. */
    List<FetchedRow> rowsByKey(Connection connection, List<List<Object>> asked) throws SQLException {
        List<List<Object>> keys = withUuidSpellings(asked);
        List<FetchedRow> rows = new ArrayList<>();
        int chunk = Math.max(1, 500 / keyInfos.size());
        for (int start = 0; start < keys.size(); start += chunk) {
            List<List<Object>> part = keys.subList(start, Math.min(keys.size(), start + chunk));
            String condition;
            if (keyInfos.size() == 1) {
                condition = keyInfos.get(0).value(dialect) + " IN ("
                        + String.join(", ", Collections.nCopies(part.size(), "?")) + ")";
            } else {
                String one = "(" + keyInfos.stream().map(info -> info.value(dialect) + " = ?")
                        .collect(Collectors.joining(" AND ")) + ")";
                condition = String.join(" OR ", Collections.nCopies(part.size(), one));
            }
            try (PreparedStatement select = connection.prepareStatement(select(true) + " WHERE " + condition)) {
                int index = 1;
                for (List<Object> key : part) {
                    for (int i = 0; i < keyInfos.size(); i++) {
                        JavaValues.bind(select, index++, key.get(i), keyInfos.get(i), dialect);
                    }
                }
                rows.addAll(read(select, true));
            }
        }
        return keys == asked ? rows : apartOnce(rows);
    }

    /**
     * The rows of a read by every spelling of a UUID ({@link #withUuidSpellings}), where two rows of this side spell
     * one UUID ({@code 'abc…'} and {@code '{abc…}'} in a case-sensitive text key) each made unequal to any row of the
     * other side: they are two rows the other side's {@code uuid} key holds as one, and the first of them read again
     * equal to the copy called the table clean while the other store lacked a row (round 28).
     */
    private static List<FetchedRow> apartOnce(List<FetchedRow> read) {
        // a row found by two asked keys (two suspects of one UUID, or its spellings cut into two statements) is one row
        Map<List<Object>, FetchedRow> distinct = new java.util.LinkedHashMap<>();
        read.forEach(row -> distinct.putIfAbsent(row.key(), row));
        List<FetchedRow> rows = List.copyOf(distinct.values());
        Map<String, Integer> counts = new HashMap<>();
        rows.forEach(row -> counts.merge(row.keyText(), 1, Integer::sum));
        if (counts.values().stream().allMatch(count -> count == 1)) {
            return rows;
        }
        List<FetchedRow> apart = new ArrayList<>(rows.size());
        for (FetchedRow row : rows) {
            if (counts.get(row.keyText()) == 1) {
                apart.add(row);
                continue;
            }
            String mark = "\u0000one of " + counts.get(row.keyText()) + " rows spelling the UUID " + row.keyText();
            apart.add(new FetchedRow(row.key(), row.keyText(), Collections.nCopies(row.texts().size(), mark),
                    row.java()));
        }
        return apart;
    }

    /**
     * {@code keys}, each key whose part is a UUID read by this side from a text key column (against the other side's
     * {@code uuid}) asked in every spelling the copier copies into and back from a {@code uuid} key
     * ({@link Uuids#spellings}, round 28): bound as the printed UUID only, a row kept as {@code 'ABC…'}, without
     * hyphens or in braces was not found when a difference was read again, and a text key's order, which is not the
     * UUID's for such spellings, had put its row in one chunk here and the copy in another there, so the verification
     * reported a table the copier had made equal as different, for ever. Still a read by key, served by the index.
     */
    private List<List<Object>> withUuidSpellings(List<List<Object>> keys) {
        List<Integer> texts = new ArrayList<>(0);
        for (int i = 0; i < keyInfos.size(); i++) {
            if (!keyInfos.get(i).type().equals("uuid") && keyInfos.get(i).kind(dialect) == ColumnInfo.Kind.STRING
                    && plan.keys().get(i).info(!old).type().equals("uuid")) {
                texts.add(i);
            }
        }
        if (texts.isEmpty()) {
            return keys;
        }
        List<List<Object>> spelt = new ArrayList<>(keys.size() * 8);
        for (List<Object> key : keys) {
            List<List<Object>> forms = new ArrayList<>();
            forms.add(key);
            for (int i : texts) {
                java.util.UUID uuid;
                try {
                    uuid = key.get(i) instanceof java.util.UUID value ? value : Uuids.parse(String.valueOf(key.get(i)));
                } catch (RuntimeException noUuid) {
                    continue; // asked as it is
                }
                List<List<Object>> next = new ArrayList<>(forms.size() * 8);
                for (List<Object> form : forms) {
                    for (String spelling : Uuids.spellings(uuid)) {
                        List<Object> respelt = new ArrayList<>(form);
                        respelt.set(i, spelling);
                        next.add(respelt);
                    }
                }
                forms = next;
            }
            spelt.addAll(forms);
        }
        return spelt;
    }

    private String select(boolean sqlColumns) {
        StringBuilder sql = new StringBuilder("SELECT ").append(keyColumns).append(", ")
                .append(sqlColumns ? renderedAll : renderedKeys);
        if (!javaColumns.isEmpty()) {
            sql.append(", ").append(javaColumns);
        }
        return sql.append(" FROM ").append(table).toString();
    }

    /**
     * A PostgreSQL array of the old store compared with a text column: as the server's text ({@code {1,2,3}},
     * {@code [0:1]={1,2}}), which the copier writes there, not as its elements.
     */
    private boolean pgArrayIntoText(TablePlan.Pair pair) {
        return dialect == VerifyDialect.POSTGRESQL && pair.kind() == ColumnInfo.Kind.STRING
                && pair.info(true).sqlType() == java.sql.Types.ARRAY;
    }

    private List<FetchedRow> read(PreparedStatement select, boolean sqlColumns) throws SQLException {
        List<FetchedRow> rows = new ArrayList<>();
        int keys = keyInfos.size();
        int texts = sqlColumns ? plan.sqlColumns().size() : keys;
        List<TablePlan.Pair> java = plan.javaColumns();
        try (ResultSet result = select.executeQuery()) {
            while (result.next()) {
                List<Object> key = new ArrayList<>(keys);
                for (int i = 0; i < keys; i++) {
                    key.add(JavaValues.readKey(result, i + 1, keyReads.get(i), dialect));
                }
                List<String> rendered = new ArrayList<>(texts);
                for (int i = 0; i < texts; i++) {
                    rendered.add(result.getString(keys + i + 1));
                }
                List<String> javaTexts = new ArrayList<>(java.size());
                for (int i = 0; i < java.size(); i++) {
                    TablePlan.Pair pair = java.get(i);
                    javaTexts.add(javaText(pair, result, keys + texts + i + 1));
                }
                rows.add(new FetchedRow(key, String.join("|", rendered.subList(0, keys)), rendered, javaTexts));
            }
        }
        fetched.accept(rows.size());
        return rows;
    }

    /**
     * The canonical text of one column of a row, read in Java from {@code result} at {@code index} and taken to the
     * form the copier writes into the new column, as {@link #read} compares the columns planned for Java.
     */
    private String javaText(TablePlan.Pair pair, ResultSet result, int index) throws SQLException {
        Object value = old && pair.added() ? null
                : old && pgArrayIntoText(pair) ? result.getString(index)
                : JavaValues.read(result, index, pair.info(old), dialect, charElements(pair));
        if (old && pair.added()) {
            // the value the mapping gives every copied row, as the new column holds it
            value = JavaValues.asValueOf(addedValue(pair.newName()), pair.kind());
            if (pair.info(old).floating()) {
                value = JavaValues.asFloating(value, pair.info(old).singlePrecision());
            }
        } else if (old && plan.mapping().transforms(pair.oldName())) {
            value = JavaValues.asValueOf(plan.mapping().toNewValue(pair.oldName(), value), pair.kind());
        } else if (old && value instanceof String text && pair.info(false).typeName().equalsIgnoreCase("bytea")) {
            // a text into a PostgreSQL bytea: the bytes PostgreSQL reads it as, the copier binding it as a literal
            // of unknown type; compared as the text, every such row differed from the bytes it was copied as
            value = JavaValues.byteaInput(text);
        } else if (old && value instanceof String text && bytesOfText(pair.info(false))) {
            // a text into another binary column: its UTF-8 bytes, as the copier writes it (copy.Values.writtenValue);
            // compared as the text, every such row differed from the bytes it was copied as
            value = text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        } else if (old && dialect == VerifyDialect.POSTGRESQL && LocalTime.MAX.equals(value)
                && pair.kind() == ColumnInfo.Kind.STRING) {
            // PostgreSQL's 24:00:00, which its driver reads as the last nanosecond of the day (PostgreSQL
            // holds no nanoseconds) and the copier writes into text as it is
            value = "24:00:00";
        } else if (old && pair.kind() == ColumnInfo.Kind.STRING && (value instanceof Boolean
                || value instanceof Double || value instanceof Float)) {
            // as the copier writes it into text; a floating-point number at the old column's precision
            value = value instanceof Number number
                    ? ColumnText.floating(number.doubleValue(), pair.info(old).singlePrecision())
                    : ColumnText.of(value, plan.newStoreIsMySql());
        } else if (old && value instanceof String digits && dialect == VerifyDialect.MYSQL
                && pair.kind() == ColumnInfo.Kind.STRING && pair.info(old).type().equals("bit")) {
            // a MySQL/MariaDB BIT(n) into text: the number it holds, as the copier writes it (5 for b'101')
            value = new java.math.BigInteger(digits, 2).toString();
        } else if (old && !pair.info(old).floating()) {
            // a column whose type changes ('007' into an integer): as the copier stores it. Not a float,
            // which is compared as the nearest number of the float column's precision (below)
            value = JavaValues.asValueOf(value, pair.kind());
        }
        if (old && targetZone != null && TablePlan.javaStartZoned(pair, plan.newDialect())) {
            // round 28b: a value without zone into a column of instants, as the copier takes it (copy.StartZone):
            // a date-time as that local time in the new pool's start zone, a date as its midnight there; compared
            // in UTC, a correct copy differed on every run
            if (value instanceof java.time.LocalDateTime local && !local.equals(java.time.LocalDateTime.MAX)
                    && !local.equals(java.time.LocalDateTime.MIN)) {
                value = local.atZone(targetZone).toOffsetDateTime();
            } else if (value instanceof java.time.LocalDate date && !date.equals(java.time.LocalDate.MAX)
                    && !date.equals(java.time.LocalDate.MIN)) {
                value = date.atStartOfDay(targetZone).toOffsetDateTime();
            }
        }
        if (pair.jsonByValue()) {
            value = JavaValues.jsonValue(value);
        }
        if (dialect == VerifyDialect.H2 && value instanceof String text && pair.info(old).type().startsWith("interval ")
                && pair.info(!old).type().startsWith("interval ")) {
            // H2 intervals on both sides (H2 names them with their qualifier, PostgreSQL's is "interval"): by length
            value = JavaValues.h2IntervalLength(text);
        }
        ColumnInfo other = pair.info(!old);
        if (other.floating() && !pair.info(old).floating()) {
            value = JavaValues.asFloating(value, other.singlePrecision());
        } else if (other.floating() && other.singlePrecision() && !pair.info(old).singlePrecision()) {
            // a double against a single-precision column: an old double is copied into the new one as its nearest
            // float, a rounding, not a difference; a new double holds an old float widened, exactly (a float's
            // canonical text is its exact binary value), so it is compared as it is: rounded, a new 0.1 against the
            // old float 0.1 (0.10000000149011612 in a double) verified equal
            value = old ? JavaValues.asFloating(value, true) : value;
        }
        return JavaValues.canonical(value, pair.padded());
    }

    /**
     * Whether either side of the pair is an array of {@code CHAR}s (PostgreSQL {@code char(n)[]}, H2
     * {@code CHARACTER(n) ARRAY}), whose elements are compared without their trailing spaces on both sides: a
     * {@code text[]} of {@code {ab}} copied into a {@code char(4)[]} is held as {@code {"ab  "}}, the same elements
     * by the rule every {@code CHAR} is compared by.
     */
    private static boolean charElements(TablePlan.Pair pair) {
        return charArray(pair.info(true)) || charArray(pair.info(false));
    }

    /** H2's name of an array of {@code CHAR}s, nested or not: {@code CHARACTER(4) ARRAY}, {@code CHAR ARRAY[3]}. */
    private static final java.util.regex.Pattern H2_CHAR_ARRAY =
            java.util.regex.Pattern.compile("(character|char)(\\(\\d+\\))?( array(\\[\\d+])?)+");

    private static boolean charArray(ColumnInfo column) {
        return column.type().equals("_bpchar") || H2_CHAR_ARRAY.matcher(column.type()).matches();
    }

    /** Whether the copier writes a text into this new column as the text's UTF-8 bytes: binary, not bytea or a UUID. */
    private static boolean bytesOfText(ColumnInfo column) {
        int type = column.sqlType();
        return (type == java.sql.Types.BINARY || type == java.sql.Types.VARBINARY
                || type == java.sql.Types.LONGVARBINARY || type == java.sql.Types.BLOB)
                && !column.typeName().equalsIgnoreCase("bytea") && !column.type().equals("uuid");
    }

    /**
     * The canonical text of one column of the row with {@code key} (this store's values), read in Java: for a
     * value the database returned no rendered text for (NULL where a rendering is never NULL: MariaDB's string
     * functions past max_allowed_packet). Null when the row is gone.
     */
    @Nullable String javaText(Connection connection, List<Object> key, TablePlan.Pair pair) throws SQLException {
        String column = old && pair.added() ? "NULL" : javaColumn(pair.info(old), dialect);
        String condition = keyInfos.stream().map(info -> info.value(dialect) + " = ?")
                .collect(Collectors.joining(" AND "));
        try (PreparedStatement select = connection.prepareStatement("SELECT " + column + " FROM " + table
                + " WHERE " + condition)) {
            for (int i = 0; i < keyInfos.size(); i++) {
                JavaValues.bind(select, i + 1, key.get(i), keyInfos.get(i), dialect);
            }
            try (ResultSet result = select.executeQuery()) {
                return result.next() ? javaText(pair, result, 1) : null;
            }
        }
    }

    private @Nullable Object addedValue(String newName) {
        for (Map.Entry<String, @Nullable Object> added : plan.mapping().addedColumns().entrySet()) {
            if (added.getKey().equalsIgnoreCase(newName)) {
                return added.getValue();
            }
        }
        return null;
    }

    private String where(Range range) {
        List<String> conditions = new ArrayList<>();
        if (scopeCondition != null) {
            conditions.add(scopeCondition);
        }
        if (range.lower() != null) {
            conditions.add(bound(true));
        }
        if (range.upper() != null) {
            conditions.add(bound(false));
        }
        return conditions.isEmpty() ? "" : " WHERE " + String.join(" AND ", conditions);
    }

    /** Lexicographic key comparison, expanded so that each database can use the key's index. */
    private String bound(boolean lower) {
        List<String> alternatives = new ArrayList<>();
        int n = keyOrder.size();
        for (int i = 0; i < n; i++) {
            List<String> terms = new ArrayList<>();
            for (int j = 0; j < i; j++) {
                terms.add(keyOrder.get(j) + " = ?");
            }
            String operator = lower ? (i == n - 1 ? " >= ?" : " > ?") : " < ?";
            terms.add(keyOrder.get(i) + operator);
            alternatives.add(String.join(" AND ", terms));
        }
        return alternatives.size() == 1 ? alternatives.get(0)
                : "(" + alternatives.stream().map(a -> "(" + a + ")").collect(Collectors.joining(" OR ")) + ")";
    }

    private void bindWhere(PreparedStatement statement, Range range) throws SQLException {
        bindWhere(statement, range, 1);
    }

    private int bindWhere(PreparedStatement statement, Range range, int first) throws SQLException {
        int index = first;
        for (Object value : scopeValues) {
            JavaValues.bind(statement, index++, value, java.util.Objects.requireNonNull(scopeInfo), dialect);
        }
        for (List<Object> bound : java.util.Arrays.asList(range.lower(), range.upper())) {
            if (bound == null) {
                continue;
            }
            index = bindBound(statement, bound, index);
        }
        return index;
    }

    /** Binds one bound for {@link #bound}: for each alternative, the key's first parts up to it. */
    private int bindBound(PreparedStatement statement, List<Object> bound, int first) throws SQLException {
        int index = first;
        for (int i = 0; i < keyOrder.size(); i++) {
            for (int j = 0; j <= i; j++) {
                JavaValues.bind(statement, index++, bound.get(j), keyInfos.get(j), dialect);
            }
        }
        return index;
    }

    VerifyDialect dialect() {
        return dialect;
    }

    @Override
    public String toString() {
        return (old ? "old " : "new ") + table;
    }
}
