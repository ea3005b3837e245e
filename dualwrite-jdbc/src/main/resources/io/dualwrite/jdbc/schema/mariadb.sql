-- dualwrite's own tables for MariaDB 10.2+ (InnoDB, utf8mb4). For MySQL use mysql.sql.
-- Every statement is idempotent; statements end with ';' at line end. Indexes are declared inline, as in mysql.sql.
-- Times are UTC (DATETIME, written by the library from java.time.Instant).
-- Text compares exactly (utf8mb4_nopad_bin: binary and NO PAD; utf8mb4_bin would ignore trailing spaces), so ids
-- that differ in case, accents or trailing spaces ('m-1', 'M-1', 'm-1 ') are distinct switches, pins and
-- change-log keys, as they are to the application.

-- Switches: one row per system phase (subject_id ''), merchant, order or rule (subject_id = position).
-- updated_at comes from the database's clock; a cleared merchant or order switch and a replacement of the rules keep
-- their time in rows of their own (scope_kind MERCHANT_CLEARED, ORDER_CLEARED, RULES_SET; phase '-').
CREATE TABLE IF NOT EXISTS dualwrite_switch (
    migration     VARCHAR(128) NOT NULL,
    scope_kind    VARCHAR(16)  NOT NULL,
    subject_id    VARCHAR(191) NOT NULL,
    phase         VARCHAR(16)  NOT NULL,
    rule_kind     VARCHAR(32),
    rule_value    BIGINT,
    rule_position INT,
    updated_at    DATETIME(6)  NOT NULL,
    PRIMARY KEY (migration, scope_kind, subject_id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_nopad_bin;

-- Order pins: the phase each order was first written under.
CREATE TABLE IF NOT EXISTS dualwrite_order_pin (
    migration   VARCHAR(128) NOT NULL,
    order_id    VARCHAR(191) NOT NULL,
    merchant_id VARCHAR(191),
    phase       VARCHAR(16)  NOT NULL,
    pinned_at   DATETIME(6)  NOT NULL,
    PRIMARY KEY (migration, order_id),
    KEY dualwrite_order_pin_merchant (migration, merchant_id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_nopad_bin;

-- Change log: rows whose mirror failed, was skipped or is in flight. A claim moves due_at to the end of
-- its lease, so "due_at <= now" alone finds both unclaimed due entries and entries whose lease expired.
CREATE TABLE IF NOT EXISTS dualwrite_change_log (
    id            BIGINT        NOT NULL AUTO_INCREMENT PRIMARY KEY,
    migration     VARCHAR(128)  NOT NULL,
    table_name    VARCHAR(128)  NOT NULL,
    row_key       VARCHAR(512)  NOT NULL,
    operation     VARCHAR(16)   NOT NULL,
    reason        VARCHAR(255)  NOT NULL,
    target_store  VARCHAR(8)    NOT NULL,
    order_id      VARCHAR(191),
    merchant_id   VARCHAR(191),
    status        VARCHAR(16)   NOT NULL,
    attempts      INT           NOT NULL,
    due_at        DATETIME(6)   NOT NULL,
    claimed_until DATETIME(6),
    claim_token   VARCHAR(64),
    last_error    VARCHAR(1000),
    created_at    DATETIME(6)   NOT NULL,
    updated_at    DATETIME(6)   NOT NULL,
    KEY dualwrite_change_log_due (due_at),
    KEY dualwrite_change_log_migration (migration)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_nopad_bin;

-- Verification runs: one row per table and run, the report's figures and its JSON (cut at 4000 characters).
-- scope_key is '*' (whole table) or 'merchant=<id>'; sampled is 1 for a sampled run. The phase gate reads the
-- latest full run (or dirty sampled run) of each table and scope.
CREATE TABLE IF NOT EXISTS dualwrite_verification (
    id             BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    migration      VARCHAR(128) NOT NULL,
    table_name     VARCHAR(128) NOT NULL,
    scope_key      VARCHAR(200) NOT NULL,
    merchant_id    VARCHAR(191),
    sampled        INT          NOT NULL,
    status         VARCHAR(16)  NOT NULL,
    rows_compared  BIGINT       NOT NULL,
    missing_in_new BIGINT       NOT NULL,
    extra_in_new   BIGINT       NOT NULL,
    different      BIGINT       NOT NULL,
    started_at     DATETIME(6)  NOT NULL,
    finished_at    DATETIME(6)  NOT NULL,
    report         TEXT,
    KEY dualwrite_verification_scope (migration, table_name, scope_key)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_nopad_bin;

-- Backfill checkpoints (io.dualwrite.jdbc.backfill): per backfill job (job_id names the migration, table and
-- scope), one head row (chunk_no 0: upper_key = the last key planned, row_count = chunks planned, status
-- PLANNING or PLANNED, lower_key = what the job's mapping writes, so that a job writing otherwise cannot resume it) and one row per planned chunk of primary keys (lower_key exclusive, upper_key inclusive,
-- in the key's KeyCodec text; row_count keys planned), PENDING until its rows are copied, then DONE. Workers
-- claim PENDING chunks with FOR UPDATE SKIP LOCKED and hold the claim while they copy, so a killed run leaves
-- its chunks PENDING for the next run.
CREATE TABLE IF NOT EXISTS dualwrite_backfill_checkpoint (
    job_id      VARCHAR(191)  NOT NULL,
    chunk_no    BIGINT        NOT NULL,
    status      VARCHAR(16)   NOT NULL,
    lower_key   MEDIUMTEXT,
    upper_key   MEDIUMTEXT,
    row_count   BIGINT        NOT NULL,
    rows_copied BIGINT        NOT NULL,
    claimed_by  VARCHAR(128),
    updated_at  DATETIME(6)   NOT NULL,
    PRIMARY KEY (job_id, chunk_no),
    KEY dualwrite_backfill_checkpoint_status (job_id, status, chunk_no)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_nopad_bin;

-- Verification checkpoints (io.dualwrite.jdbc.verify): per named checkpoint of a verification job and table,
-- one head row (item_no 0: state RUNNING or DONE, key_text = the upper key of the last chunk compared in the
-- key's KeyCodec text, the counters so far, job = the job's settings, so that another job cannot resume it),
-- one row per row found different so far (item_no 1.., state SUSPECT, key_text = its key) and, once more rows
-- differ than the verifier keeps, their counts by kind (item_no -1, state OVERFLOW: missing in new in chunks_done,
-- extra in new in chunks_compared, different in rows_compared). A run that stops leaves them; the next run
-- with the same checkpoint name goes on after key_text.
CREATE TABLE IF NOT EXISTS dualwrite_verification_checkpoint (
    checkpoint_name   VARCHAR(128)  NOT NULL,
    table_name        VARCHAR(128)  NOT NULL,
    item_no           BIGINT        NOT NULL,
    state             VARCHAR(16)   NOT NULL,
    key_text          MEDIUMTEXT,
    job               VARCHAR(1000),
    chunks_done       BIGINT        NOT NULL,
    chunks_compared   BIGINT        NOT NULL,
    rows_compared     BIGINT        NOT NULL,
    new_rows_compared BIGINT        NOT NULL,
    updated_at        DATETIME(6)   NOT NULL,
    PRIMARY KEY (checkpoint_name, table_name, item_no)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_nopad_bin;
