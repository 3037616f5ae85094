//! The PostgreSQL schema: the SQLite schema at [`super::super::schema::LATEST`], table
//! for table and column for column, so that a row means the same on both and its hash
//! (computed over column names and values as text) is the same.
//!
//! Architecture Invariant: every column that SQLite stores as INTEGER is BIGINT here
//! (money as fen, never NUMERIC or REAL), every TEXT column is TEXT, and the column
//! names are SQLite's. `tests/pg.rs` compares the two schemas' column lists, so a
//! SQLite migration that adds a column fails there until this file follows.
//!
//! The position summary (`position_years`) is not kept here: it is derived, and each
//! local replica keeps its own (docs/postgres.md). Nor are SQLite's indexes that only
//! reports use (SQLite version 11, `entries_fund_weighted`): reports run on the replica.

/// The version of this schema, kept in `meta`. It counts PostgreSQL schema changes:
/// version 10 has the tables and columns of SQLite's versions 10 and 11 (11 added an
/// index only).
pub const VERSION: i64 = 10;

/// Advisory-lock key that serialises writers (the chain tail): "FLDG".
pub const WRITE_LOCK: i64 = 0x464C_4447;

/// The tables a copy moves, in an order that satisfies every foreign key
/// (`entry_kinds` is filled by the schema itself; `meta` is per database).
pub const TABLES: [&str; 11] = [
    "funds",
    "investors",
    "companies",
    "loans",
    "grants",
    "fund_policies",
    "company_facts",
    "indicator_scores",
    "entries",
    "imports",
    "reference_seals",
];

pub const SCHEMA: &str = r#"
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

-- One message per refusal, raised with the table's own words. SQLSTATE 23001
-- (restrict_violation): the database's own error, whatever role is connected.
CREATE FUNCTION fundledger_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '%', TG_ARGV[0] USING ERRCODE = 'restrict_violation';
END
$$;

-- A text date in the one form fundledger writes (YYYY-MM-DD) and a real calendar day.
CREATE FUNCTION fundledger_is_date(d TEXT) RETURNS boolean LANGUAGE sql IMMUTABLE AS $$
    SELECT d ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$'
       AND to_char(make_date(substr(d, 1, 4)::int, substr(d, 6, 2)::int, substr(d, 9, 2)::int), 'YYYY-MM-DD') = d
$$;

CREATE TABLE funds (
    id         BIGINT PRIMARY KEY,
    code       TEXT NOT NULL UNIQUE CHECK (length(code) BETWEEN 1 AND 64),
    name       TEXT NOT NULL CHECK (length(name) > 0),
    kind       TEXT NOT NULL CHECK (kind IN ('guidance', 'sub-fund', 'vehicle')),
    parent_id  BIGINT REFERENCES funds(id),
    manager    TEXT,
    inception  TEXT CHECK (inception IS NULL OR fundledger_is_date(inception)),
    region     TEXT,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    CHECK (kind <> 'sub-fund' OR parent_id IS NOT NULL),
    CHECK (parent_id IS NULL OR parent_id <> id)
);

CREATE TABLE investors (
    id         BIGINT PRIMARY KEY,
    code       TEXT NOT NULL UNIQUE CHECK (length(code) BETWEEN 1 AND 64),
    name       TEXT NOT NULL CHECK (length(name) > 0),
    type       TEXT NOT NULL CHECK (type IN ('government', 'state-owned', 'social')),
    fund_id    BIGINT UNIQUE REFERENCES funds(id),
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL
);

CREATE TABLE companies (
    id         BIGINT PRIMARY KEY,
    code       TEXT NOT NULL UNIQUE CHECK (length(code) BETWEEN 1 AND 64),
    name       TEXT NOT NULL CHECK (length(name) > 0),
    sector     TEXT,
    region     TEXT,
    uscc       TEXT UNIQUE CHECK (uscc IS NULL OR length(uscc) = 18),
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    stage      TEXT CHECK (stage IS NULL OR stage IN ('seed', 'early', 'growth', 'mature'))
);

CREATE TABLE entry_kinds (kind TEXT PRIMARY KEY);
INSERT INTO entry_kinds (kind) VALUES
    ('lp-commit'), ('lp-pay'), ('lp-distribute'),
    ('deal-commit'), ('deal-pay'), ('deal-value'), ('deal-proceeds'), ('deal-write-off'),
    ('reversal'),
    ('loan-disburse'), ('loan-repay'), ('loan-default'), ('loan-compensate'),
    ('loan-recover'), ('loan-write-off'), ('grant');

CREATE TABLE loans (
    id            BIGINT PRIMARY KEY,
    code          TEXT NOT NULL UNIQUE CHECK (length(code) BETWEEN 1 AND 64),
    borrower      TEXT NOT NULL CHECK (length(borrower) > 0),
    borrower_kind TEXT NOT NULL CHECK (borrower_kind IN ('individual', 'small-firm', 'partnership')),
    principal_fen BIGINT NOT NULL CHECK (principal_fen > 0),
    rate_e8       BIGINT NOT NULL CHECK (rate_e8 >= 0 AND rate_e8 < 100000000),
    term_months   BIGINT NOT NULL CHECK (term_months BETWEEN 1 AND 600),
    start_date    TEXT NOT NULL CHECK (fundledger_is_date(start_date)),
    method        TEXT NOT NULL CHECK (method IN ('equal-installment', 'equal-principal', 'interest-only', 'bullet')),
    lpr_e8        BIGINT CHECK (lpr_e8 IS NULL OR (lpr_e8 >= 0 AND lpr_e8 < 100000000)),
    subsidy       TEXT NOT NULL CHECK (subsidy = 'none' OR subsidy ~ '^lpr-minus:[0-9]' OR subsidy ~ '^share:[0-9]'),
    guarantor     TEXT CHECK (guarantor IS NULL OR length(guarantor) BETWEEN 1 AND 64),
    jobs          BIGINT CHECK (jobs IS NULL OR jobs >= 0),
    partners      BIGINT CHECK (partners IS NULL OR partners > 0),
    created_at    TEXT NOT NULL,
    created_by    TEXT NOT NULL,
    CHECK (subsidy NOT LIKE 'lpr-minus:%' OR lpr_e8 IS NOT NULL)
);

CREATE TABLE grants (
    id         BIGINT PRIMARY KEY,
    code       TEXT NOT NULL UNIQUE CHECK (length(code) BETWEEN 1 AND 64),
    recipient  TEXT NOT NULL CHECK (length(recipient) > 0),
    programme  TEXT,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL
);

CREATE TABLE fund_policies (
    id                BIGINT PRIMARY KEY,
    fund_id           BIGINT NOT NULL REFERENCES funds(id),
    effective_from    TEXT NOT NULL CHECK (fundledger_is_date(effective_from)),
    gov_share_max_bp  BIGINT CHECK (gov_share_max_bp IS NULL OR gov_share_max_bp BETWEEN 1 AND 10000),
    reinvest_min_bp   BIGINT CHECK (reinvest_min_bp IS NULL OR reinvest_min_bp BETWEEN 0 AND 100000),
    reinvest_base     TEXT CHECK (reinvest_base IS NULL OR reinvest_base IN ('committed', 'paid-in')),
    memo              TEXT,
    recorded_at       TEXT NOT NULL,
    recorded_by       TEXT NOT NULL CHECK (length(recorded_by) > 0),
    idle_warn_months  BIGINT CHECK (idle_warn_months IS NULL OR idle_warn_months BETWEEN 1 AND 120),
    idle_alert_months BIGINT CHECK (idle_alert_months IS NULL OR idle_alert_months BETWEEN 1 AND 120),
    CHECK (gov_share_max_bp IS NOT NULL OR reinvest_min_bp IS NOT NULL OR reinvest_base IS NOT NULL
           OR idle_warn_months IS NOT NULL OR idle_alert_months IS NOT NULL)
);
CREATE INDEX fund_policies_fund ON fund_policies (fund_id, effective_from);

CREATE TABLE company_facts (
    id             BIGINT PRIMARY KEY,
    company_id     BIGINT NOT NULL REFERENCES companies(id),
    kind           TEXT NOT NULL
                   CHECK (kind IN ('jobs', 'tax', 'revenue', 'financing', 'relocation', 'stage', 'reversal')),
    effective_date TEXT NOT NULL CHECK (fundledger_is_date(effective_date)),
    jobs           BIGINT CHECK (jobs IS NULL OR jobs >= 0),
    amount_fen     BIGINT CHECK (amount_fen IS NULL OR amount_fen >= 0),
    round          TEXT CHECK (round IS NULL OR length(round) BETWEEN 1 AND 64),
    lead           BIGINT CHECK (lead IS NULL OR lead IN (0, 1)),
    stage          TEXT CHECK (stage IS NULL OR stage IN ('seed', 'early', 'growth', 'mature')),
    memo           TEXT,
    reverses       BIGINT UNIQUE REFERENCES company_facts(id),
    recorded_at    TEXT NOT NULL,
    recorded_by    TEXT NOT NULL CHECK (length(recorded_by) > 0),
    CHECK ((kind = 'reversal') = (reverses IS NOT NULL)),
    CHECK (kind <> 'reversal' OR length(memo) > 0),
    CHECK ((kind = 'jobs') = (jobs IS NOT NULL)),
    CHECK ((kind IN ('tax', 'revenue', 'financing')) = (amount_fen IS NOT NULL)),
    CHECK ((kind = 'financing') = (lead IS NOT NULL)),
    CHECK (kind = 'financing' OR round IS NULL),
    CHECK ((kind = 'stage') = (stage IS NOT NULL))
);
CREATE INDEX company_facts_company ON company_facts (company_id, effective_date);

CREATE FUNCTION fundledger_fact_no_reversal_of_reversal() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.reverses IS NOT NULL
       AND (SELECT kind FROM company_facts WHERE id = NEW.reverses) = 'reversal' THEN
        RAISE EXCEPTION 'a reversal cannot be reversed' USING ERRCODE = 'restrict_violation';
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER company_facts_no_reversal_of_reversal BEFORE INSERT ON company_facts
    FOR EACH ROW EXECUTE FUNCTION fundledger_fact_no_reversal_of_reversal();

CREATE TABLE indicator_scores (
    id          BIGINT PRIMARY KEY,
    fund_id     BIGINT NOT NULL REFERENCES funds(id),
    year        BIGINT NOT NULL CHECK (year BETWEEN 1900 AND 9999),
    indicator   TEXT NOT NULL CHECK (length(indicator) BETWEEN 1 AND 64),
    score_e2    BIGINT CHECK (score_e2 IS NULL OR score_e2 >= 0),
    note        TEXT NOT NULL CHECK (length(note) > 0),
    reverses    BIGINT UNIQUE REFERENCES indicator_scores(id),
    recorded_at TEXT NOT NULL,
    recorded_by TEXT NOT NULL CHECK (length(recorded_by) > 0),
    CHECK ((reverses IS NULL) = (score_e2 IS NOT NULL))
);
CREATE INDEX indicator_scores_fund ON indicator_scores (fund_id, year);

CREATE FUNCTION fundledger_score_no_reversal_of_reversal() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.reverses IS NOT NULL
       AND (SELECT score_e2 FROM indicator_scores WHERE id = NEW.reverses) IS NULL THEN
        RAISE EXCEPTION 'a reversal cannot be reversed' USING ERRCODE = 'restrict_violation';
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER indicator_scores_no_reversal_of_reversal BEFORE INSERT ON indicator_scores
    FOR EACH ROW EXECUTE FUNCTION fundledger_score_no_reversal_of_reversal();

-- The journal, with the columns SQLite's migrations added, in the same names.
CREATE TABLE entries (
    id                 BIGINT PRIMARY KEY,
    kind               TEXT NOT NULL REFERENCES entry_kinds(kind),
    effective_date     TEXT NOT NULL CHECK (fundledger_is_date(effective_date)),
    recorded_at        TEXT NOT NULL,
    recorded_by        TEXT NOT NULL CHECK (length(recorded_by) > 0),
    memo               TEXT,
    fund_id            BIGINT REFERENCES funds(id),
    investor_id        BIGINT REFERENCES investors(id),
    company_id         BIGINT REFERENCES companies(id),
    amount_fen         BIGINT CHECK (amount_fen IS NULL OR amount_fen > 0),
    detail             TEXT,
    reverses           BIGINT REFERENCES entries(id),
    prev_hash          TEXT NOT NULL,
    hash               TEXT NOT NULL CHECK (length(hash) = 64),
    reinvest_weight_bp BIGINT
        CHECK (reinvest_weight_bp IS NULL OR (kind = 'deal-commit' AND reinvest_weight_bp BETWEEN 0 AND 100000)),
    loan_id            BIGINT REFERENCES loans(id),
    grant_id           BIGINT REFERENCES grants(id),
    interest_fen       BIGINT CHECK (interest_fen IS NULL OR interest_fen >= 0),
    subsidy_fen        BIGINT CHECK (subsidy_fen IS NULL OR subsidy_fen >= 0),
    CHECK ((kind = 'reversal') = (reverses IS NOT NULL)),
    CHECK (kind <> 'reversal' OR length(memo) > 0),
    CHECK (kind NOT LIKE 'lp-%'
           OR (fund_id IS NOT NULL AND investor_id IS NOT NULL AND company_id IS NULL AND amount_fen IS NOT NULL)),
    CHECK (kind NOT LIKE 'deal-%' OR kind = 'deal-write-off'
           OR (fund_id IS NOT NULL AND company_id IS NOT NULL AND investor_id IS NULL AND amount_fen IS NOT NULL)),
    CHECK (kind <> 'deal-write-off'
           OR (fund_id IS NOT NULL AND company_id IS NOT NULL AND investor_id IS NULL AND amount_fen IS NULL)),
    -- The loan and grant shapes (a trigger on SQLite, which cannot add table CHECKs later).
    CHECK (kind = 'reversal' OR NOT (
           (kind LIKE 'loan-%') <> (loan_id IS NOT NULL)
        OR (kind = 'grant') <> (grant_id IS NOT NULL)
        OR ((kind LIKE 'loan-%' OR kind = 'grant')
            AND (fund_id IS NOT NULL OR investor_id IS NOT NULL OR company_id IS NOT NULL))
        OR (kind IN ('loan-disburse', 'loan-repay', 'loan-compensate', 'loan-recover', 'grant')
            AND amount_fen IS NULL)
        OR (kind IN ('loan-default', 'loan-write-off') AND amount_fen IS NOT NULL)
        OR (kind IN ('loan-repay', 'loan-compensate')) <> (interest_fen IS NOT NULL)
        OR (kind = 'loan-repay') <> (subsidy_fen IS NOT NULL)
        OR coalesce(interest_fen > amount_fen, false)
        OR coalesce(subsidy_fen > interest_fen, false))),
    CHECK (kind <> 'reversal' OR (loan_id IS NULL AND grant_id IS NULL
           AND interest_fen IS NULL AND subsidy_fen IS NULL))
);
CREATE UNIQUE INDEX entries_reverses ON entries (reverses) WHERE reverses IS NOT NULL;
CREATE INDEX entries_fund_company ON entries (fund_id, company_id) WHERE company_id IS NOT NULL;
CREATE INDEX entries_fund_investor ON entries (fund_id, investor_id) WHERE investor_id IS NOT NULL;
CREATE INDEX entries_investor ON entries (investor_id) WHERE investor_id IS NOT NULL;
CREATE INDEX entries_loan ON entries (loan_id, effective_date) WHERE loan_id IS NOT NULL OR grant_id IS NOT NULL;

CREATE FUNCTION fundledger_no_reversal_of_reversal() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.reverses IS NOT NULL
       AND (SELECT kind FROM entries WHERE id = NEW.reverses) = 'reversal' THEN
        RAISE EXCEPTION 'a reversal cannot be reversed' USING ERRCODE = 'restrict_violation';
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER entries_no_reversal_of_reversal BEFORE INSERT ON entries
    FOR EACH ROW EXECUTE FUNCTION fundledger_no_reversal_of_reversal();

CREATE TABLE imports (
    id          BIGINT PRIMARY KEY,
    fingerprint TEXT NOT NULL,
    file        TEXT NOT NULL,
    rows        BIGINT NOT NULL CHECK (rows >= 0),
    first_entry BIGINT REFERENCES entries(id),
    last_entry  BIGINT REFERENCES entries(id),
    imported_at TEXT NOT NULL,
    imported_by TEXT NOT NULL
);
CREATE INDEX imports_fingerprint ON imports (fingerprint);

CREATE TABLE reference_seals (
    id        BIGINT PRIMARY KEY,
    tbl       TEXT NOT NULL
              CHECK (tbl IN ('funds', 'investors', 'companies', 'loans', 'grants', 'fund_policies',
                             'company_facts', 'indicator_scores')),
    row_id    BIGINT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash      TEXT NOT NULL CHECK (length(hash) = 64),
    UNIQUE (tbl, row_id)
);

CREATE INDEX funds_code_nocase ON funds (lower(code));
CREATE INDEX investors_code_nocase ON investors (lower(code));
CREATE INDEX companies_code_nocase ON companies (lower(code));
CREATE INDEX loans_code_nocase ON loans (lower(code));
CREATE INDEX grants_code_nocase ON grants (lower(code));

-- Nothing fundledger stores is ever edited or deleted: every table refuses UPDATE,
-- DELETE and TRUNCATE, for every role, owner included (a superuser can disable
-- triggers; `audit` then names what changed, by the hash chains).
DO $$
DECLARE
    t TEXT;
    why TEXT;
BEGIN
    FOREACH t IN ARRAY ARRAY['funds', 'investors', 'companies', 'loans', 'grants', 'fund_policies',
                             'company_facts', 'indicator_scores', 'entries', 'imports',
                             'reference_seals', 'entry_kinds'] LOOP
        why := CASE WHEN t IN ('entries', 'company_facts', 'indicator_scores')
                    THEN t || ' are append-only: correct with a reversal'
                    ELSE t || ' rows are never edited or deleted in a fundledger ledger' END;
        EXECUTE format(
            'CREATE TRIGGER %I BEFORE UPDATE OR DELETE ON %I FOR EACH ROW '
            'EXECUTE FUNCTION fundledger_refuse(%L)',
            t || '_append_only', t, why);
        EXECUTE format(
            'CREATE TRIGGER %I BEFORE TRUNCATE ON %I FOR EACH STATEMENT '
            'EXECUTE FUNCTION fundledger_refuse(%L)',
            t || '_no_truncate', t, why);
    END LOOP;
END
$$;
"#;
