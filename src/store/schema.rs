//! Schema migrations, applied in order by `PRAGMA user_version`.
//!
//! Architecture Invariant: a migration, once released, is never edited; a change to
//! the schema is a new entry at the end of [`MIGRATIONS`]. Every money column is
//! `INTEGER` fen; every table is `STRICT`; journal tables refuse UPDATE and DELETE.

/// `PRAGMA application_id` of a fundledger ledger ("FLDG"), so another SQLite file is
/// never mistaken for a ledger and migrated.
pub const APPLICATION_ID: i32 = 0x464C_4447;

/// Each element upgrades the schema from version `i` to `i + 1`.
pub const MIGRATIONS: &[&str] = &[
    V1_CORE,
    V2_IMPORTS,
    V3_RETURNS_INDEX,
    V4_POLICY,
    V5_LOANS,
    V6_LOAN_INDEX_PARTIAL,
    V7_CASH_INDEXES,
    V8_REFERENCE_SEALS,
    V9_EVALUATION,
    V10_POSITION_SUMMARY,
    V11_WEIGHTED_INDEX,
    V12_FLOW_DAYS,
];

pub const LATEST: i64 = MIGRATIONS.len() as i64;

/// The version that adds the reference chain; upgrading to it seals existing rows.
pub const REFERENCE_SEALS_VERSION: i64 = 8;

const V1_CORE: &str = r#"
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;

CREATE TABLE funds (
    id         INTEGER PRIMARY KEY,
    code       TEXT NOT NULL UNIQUE CHECK (length(code) BETWEEN 1 AND 64),
    name       TEXT NOT NULL CHECK (length(name) > 0),
    kind       TEXT NOT NULL CHECK (kind IN ('guidance', 'sub-fund', 'vehicle')),
    parent_id  INTEGER REFERENCES funds(id),
    manager    TEXT,
    inception  TEXT CHECK (inception IS NULL OR date(inception) IS inception),
    region     TEXT,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    CHECK (kind <> 'sub-fund' OR parent_id IS NOT NULL),
    CHECK (parent_id IS NULL OR parent_id <> id)
) STRICT;

CREATE TABLE investors (
    id         INTEGER PRIMARY KEY,
    code       TEXT NOT NULL UNIQUE CHECK (length(code) BETWEEN 1 AND 64),
    name       TEXT NOT NULL CHECK (length(name) > 0),
    type       TEXT NOT NULL CHECK (type IN ('government', 'state-owned', 'social')),
    fund_id    INTEGER UNIQUE REFERENCES funds(id),
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL
) STRICT;

CREATE TABLE companies (
    id         INTEGER PRIMARY KEY,
    code       TEXT NOT NULL UNIQUE CHECK (length(code) BETWEEN 1 AND 64),
    name       TEXT NOT NULL CHECK (length(name) > 0),
    sector     TEXT,
    region     TEXT,
    uscc       TEXT UNIQUE CHECK (uscc IS NULL OR length(uscc) = 18),
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL
) STRICT;

-- Kinds of entry; later migrations add rows instead of rebuilding the CHECK.
CREATE TABLE entry_kinds (kind TEXT PRIMARY KEY) STRICT;
INSERT INTO entry_kinds (kind) VALUES
    ('lp-commit'), ('lp-pay'), ('lp-distribute'),
    ('deal-commit'), ('deal-pay'), ('deal-value'), ('deal-proceeds'), ('deal-write-off'),
    ('reversal');

-- The journal. Append-only: triggers below refuse UPDATE and DELETE.
-- `hash` chains every entry to the one before it (see hashchain.rs).
CREATE TABLE entries (
    id             INTEGER PRIMARY KEY,
    kind           TEXT NOT NULL REFERENCES entry_kinds(kind),
    effective_date TEXT NOT NULL CHECK (date(effective_date) IS effective_date),
    recorded_at    TEXT NOT NULL,
    recorded_by    TEXT NOT NULL CHECK (length(recorded_by) > 0),
    memo           TEXT,
    fund_id        INTEGER REFERENCES funds(id),
    investor_id    INTEGER REFERENCES investors(id),
    company_id     INTEGER REFERENCES companies(id),
    amount_fen     INTEGER CHECK (amount_fen IS NULL OR amount_fen > 0),
    detail         TEXT,
    reverses       INTEGER REFERENCES entries(id),
    prev_hash      TEXT NOT NULL,
    hash           TEXT NOT NULL CHECK (length(hash) = 64),
    -- Shape of each kind. Written with LIKE/= rather than IN (...) lists, which SQLite
    -- evaluates through a temporary b-tree on every insert.
    CHECK ((kind = 'reversal') = (reverses IS NOT NULL)),
    CHECK (kind <> 'reversal' OR length(memo) > 0),
    CHECK (kind NOT LIKE 'lp-%'
           OR (fund_id IS NOT NULL AND investor_id IS NOT NULL AND company_id IS NULL AND amount_fen IS NOT NULL)),
    CHECK (kind NOT LIKE 'deal-%' OR kind = 'deal-write-off'
           OR (fund_id IS NOT NULL AND company_id IS NOT NULL AND investor_id IS NULL AND amount_fen IS NOT NULL)),
    CHECK (kind <> 'deal-write-off'
           OR (fund_id IS NOT NULL AND company_id IS NOT NULL AND investor_id IS NULL AND amount_fen IS NULL))
) STRICT;

-- An entry is reversed at most once (partial: ordinary entries cost nothing here).
CREATE UNIQUE INDEX entries_reverses ON entries (reverses) WHERE reverses IS NOT NULL;
-- A position's history: each entry is in at most one of these.
CREATE INDEX entries_fund_company ON entries (fund_id, company_id) WHERE company_id IS NOT NULL;
CREATE INDEX entries_fund_investor ON entries (fund_id, investor_id) WHERE investor_id IS NOT NULL;

CREATE TRIGGER entries_append_only_update BEFORE UPDATE ON entries
BEGIN SELECT RAISE(ABORT, 'journal entries are append-only: correct with a reversal'); END;
CREATE TRIGGER entries_append_only_delete BEFORE DELETE ON entries
BEGIN SELECT RAISE(ABORT, 'journal entries are append-only: correct with a reversal'); END;
CREATE TRIGGER entries_no_reversal_of_reversal BEFORE INSERT ON entries
WHEN NEW.reverses IS NOT NULL AND (SELECT kind FROM entries WHERE id = NEW.reverses) = 'reversal'
BEGIN SELECT RAISE(ABORT, 'a reversal cannot be reversed'); END;

CREATE TRIGGER funds_no_delete BEFORE DELETE ON funds
BEGIN SELECT RAISE(ABORT, 'reference data is never deleted'); END;
CREATE TRIGGER investors_no_delete BEFORE DELETE ON investors
BEGIN SELECT RAISE(ABORT, 'reference data is never deleted'); END;
CREATE TRIGGER companies_no_delete BEFORE DELETE ON companies
BEGIN SELECT RAISE(ABORT, 'reference data is never deleted'); END;
"#;

/// Fingerprints of imported files, so the same file is not imported twice by accident.
const V2_IMPORTS: &str = r#"
CREATE TABLE imports (
    id          INTEGER PRIMARY KEY,
    fingerprint TEXT NOT NULL,
    file        TEXT NOT NULL,
    rows        INTEGER NOT NULL CHECK (rows >= 0),
    first_entry INTEGER REFERENCES entries(id),
    last_entry  INTEGER REFERENCES entries(id),
    imported_at TEXT NOT NULL,
    imported_by TEXT NOT NULL
) STRICT;
CREATE INDEX imports_fingerprint ON imports (fingerprint);
CREATE TRIGGER imports_append_only_update BEFORE UPDATE ON imports
BEGIN SELECT RAISE(ABORT, 'the import log is append-only'); END;
CREATE TRIGGER imports_append_only_delete BEFORE DELETE ON imports
BEGIN SELECT RAISE(ABORT, 'the import log is append-only'); END;
"#;

/// Returns (issue 3): distributions received by a fund that is itself an LP are found
/// by investor, so the distribution rules need not scan the journal.
const V3_RETURNS_INDEX: &str = r#"
CREATE INDEX entries_investor ON entries (investor_id) WHERE investor_id IS NOT NULL;
"#;

/// Guidance-fund policy terms with effective dates, and the 返投 recognition weight of
/// a deal commitment. Shares, multiples and weights are INTEGER ten-thousandths
/// (30% = 3000, 1.5× = 15000): exact, never REAL.
const V4_POLICY: &str = r#"
ALTER TABLE entries ADD COLUMN reinvest_weight_bp INTEGER
    CHECK (reinvest_weight_bp IS NULL OR (kind = 'deal-commit' AND reinvest_weight_bp BETWEEN 0 AND 100000));

-- Append-only like the journal: a change of terms is a new record from a new date;
-- a mistake is corrected by a later record for the same date, which supersedes it.
CREATE TABLE fund_policies (
    id               INTEGER PRIMARY KEY,
    fund_id          INTEGER NOT NULL REFERENCES funds(id),
    effective_from   TEXT NOT NULL CHECK (date(effective_from) IS effective_from),
    gov_share_max_bp INTEGER CHECK (gov_share_max_bp IS NULL OR gov_share_max_bp BETWEEN 1 AND 10000),
    reinvest_min_bp  INTEGER CHECK (reinvest_min_bp IS NULL OR reinvest_min_bp BETWEEN 0 AND 100000),
    reinvest_base    TEXT CHECK (reinvest_base IS NULL OR reinvest_base IN ('committed', 'paid-in')),
    memo             TEXT,
    recorded_at      TEXT NOT NULL,
    recorded_by      TEXT NOT NULL CHECK (length(recorded_by) > 0),
    CHECK (gov_share_max_bp IS NOT NULL OR reinvest_min_bp IS NOT NULL OR reinvest_base IS NOT NULL)
) STRICT;

CREATE INDEX fund_policies_fund ON fund_policies (fund_id, effective_from);

CREATE TRIGGER fund_policies_append_only_update BEFORE UPDATE ON fund_policies
BEGIN SELECT RAISE(ABORT, 'policy records are append-only: record new terms from a date instead'); END;
CREATE TRIGGER fund_policies_append_only_delete BEFORE DELETE ON fund_policies
BEGIN SELECT RAISE(ABORT, 'policy records are append-only: record new terms from a date instead'); END;
"#;

/// Startup guarantee loans (创业担保贷款) and grants (无偿资助).
///
/// Loans are reference data holding the contract terms; what happens to a loan is
/// journal entries (`loan-*`). Rates are INTEGER at a fixed scale of 10⁻⁸ (5.15% is
/// 5150000), so they are exact and never REAL. The new entry columns are NULL on older
/// entries, so the hash chain (over stored non-NULL columns) keeps old hashes valid,
/// and `audit` recomputes new hashes from the file as before. The shape of loan entries is enforced by a trigger because
/// ALTER TABLE cannot add table CHECKs.
const V5_LOANS: &str = r#"
CREATE TABLE loans (
    id            INTEGER PRIMARY KEY,
    code          TEXT NOT NULL UNIQUE CHECK (length(code) BETWEEN 1 AND 64),
    borrower      TEXT NOT NULL CHECK (length(borrower) > 0),
    borrower_kind TEXT NOT NULL CHECK (borrower_kind IN ('individual', 'small-firm', 'partnership')),
    principal_fen INTEGER NOT NULL CHECK (principal_fen > 0),
    rate_e8       INTEGER NOT NULL CHECK (rate_e8 >= 0 AND rate_e8 < 100000000),
    term_months   INTEGER NOT NULL CHECK (term_months BETWEEN 1 AND 600),
    start_date    TEXT NOT NULL CHECK (date(start_date) IS start_date),
    method        TEXT NOT NULL CHECK (method IN ('equal-installment', 'equal-principal', 'interest-only', 'bullet')),
    lpr_e8        INTEGER CHECK (lpr_e8 IS NULL OR (lpr_e8 >= 0 AND lpr_e8 < 100000000)),
    subsidy       TEXT NOT NULL CHECK (subsidy = 'none' OR subsidy GLOB 'lpr-minus:[0-9]*' OR subsidy GLOB 'share:[0-9]*'),
    guarantor     TEXT CHECK (guarantor IS NULL OR length(guarantor) BETWEEN 1 AND 64),
    jobs          INTEGER CHECK (jobs IS NULL OR jobs >= 0),
    partners      INTEGER CHECK (partners IS NULL OR partners > 0),
    created_at    TEXT NOT NULL,
    created_by    TEXT NOT NULL,
    CHECK (subsidy NOT GLOB 'lpr-minus:*' OR lpr_e8 IS NOT NULL)
) STRICT;

CREATE TABLE grants (
    id         INTEGER PRIMARY KEY,
    code       TEXT NOT NULL UNIQUE CHECK (length(code) BETWEEN 1 AND 64),
    recipient  TEXT NOT NULL CHECK (length(recipient) > 0),
    programme  TEXT,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL
) STRICT;

-- Contract terms are never edited: a loan keyed wrongly is cancelled by reversing its
-- disbursement and entered again under a new code.
CREATE TRIGGER loans_no_update BEFORE UPDATE ON loans
BEGIN SELECT RAISE(ABORT, 'loan terms are never edited: reverse the disbursement and add the loan again'); END;
CREATE TRIGGER loans_no_delete BEFORE DELETE ON loans
BEGIN SELECT RAISE(ABORT, 'reference data is never deleted'); END;
CREATE TRIGGER grants_no_update BEFORE UPDATE ON grants
BEGIN SELECT RAISE(ABORT, 'grants are never edited: reverse the grant entry and add it again'); END;
CREATE TRIGGER grants_no_delete BEFORE DELETE ON grants
BEGIN SELECT RAISE(ABORT, 'reference data is never deleted'); END;

INSERT INTO entry_kinds (kind) VALUES
    ('loan-disburse'), ('loan-repay'), ('loan-default'), ('loan-compensate'),
    ('loan-recover'), ('loan-write-off'), ('grant');

ALTER TABLE entries ADD COLUMN loan_id INTEGER REFERENCES loans(id);
ALTER TABLE entries ADD COLUMN grant_id INTEGER REFERENCES grants(id);
ALTER TABLE entries ADD COLUMN interest_fen INTEGER CHECK (interest_fen IS NULL OR interest_fen >= 0);
ALTER TABLE entries ADD COLUMN subsidy_fen INTEGER CHECK (subsidy_fen IS NULL OR subsidy_fen >= 0);

-- (loan_id, effective_date) then rowid: a loan's entries come out in date order.
CREATE INDEX entries_loan ON entries (loan_id, effective_date);

-- The first test lets fund entries through at once (they carry no loan fields), so
-- bulk imports do not pay for the shape checks below on every row.
CREATE TRIGGER entries_loan_shape BEFORE INSERT ON entries
WHEN NEW.kind <> 'reversal'
  AND (NEW.kind GLOB 'loan-*' OR NEW.kind = 'grant' OR NEW.loan_id IS NOT NULL
       OR NEW.grant_id IS NOT NULL OR NEW.interest_fen IS NOT NULL OR NEW.subsidy_fen IS NOT NULL)
  AND (
       (NEW.kind GLOB 'loan-*') <> (NEW.loan_id IS NOT NULL)
    OR (NEW.kind = 'grant') <> (NEW.grant_id IS NOT NULL)
    OR ((NEW.kind GLOB 'loan-*' OR NEW.kind = 'grant')
        AND (NEW.fund_id IS NOT NULL OR NEW.investor_id IS NOT NULL OR NEW.company_id IS NOT NULL))
    OR (NEW.kind IN ('loan-disburse', 'loan-repay', 'loan-compensate', 'loan-recover', 'grant')
        AND NEW.amount_fen IS NULL)
    OR (NEW.kind IN ('loan-default', 'loan-write-off') AND NEW.amount_fen IS NOT NULL)
    OR (NEW.kind IN ('loan-repay', 'loan-compensate')) <> (NEW.interest_fen IS NOT NULL)
    OR (NEW.kind = 'loan-repay') <> (NEW.subsidy_fen IS NOT NULL)
    OR NEW.interest_fen > NEW.amount_fen
    OR NEW.subsidy_fen > NEW.interest_fen)
BEGIN SELECT RAISE(ABORT, 'malformed loan or grant entry'); END;
CREATE TRIGGER entries_reversal_no_loan_fields BEFORE INSERT ON entries
WHEN NEW.kind = 'reversal' AND (NEW.loan_id IS NOT NULL OR NEW.grant_id IS NOT NULL
    OR NEW.interest_fen IS NOT NULL OR NEW.subsidy_fen IS NOT NULL)
BEGIN SELECT RAISE(ABORT, 'a reversal carries no loan fields; it points at the entry it reverses'); END;
"#;

/// The loan index held a row for every fund entry too (with a NULL loan), so each
/// imported fund entry paid for an index insert no query uses. Partial now: the loan
/// queries all say `loan_id = ?`, `loan_id IS NOT NULL OR grant_id IS NOT NULL`, or join
/// on `loan_id`, each of which implies this WHERE, so SQLite still uses it (checked with
/// EXPLAIN QUERY PLAN in a test in store/loans.rs).
const V6_LOAN_INDEX_PARTIAL: &str = r#"
DROP INDEX entries_loan;
CREATE INDEX entries_loan ON entries (loan_id, effective_date)
    WHERE loan_id IS NOT NULL OR grant_id IS NOT NULL;
"#;

/// A fund's cash events (proceeds it received, distributions it made) were found
/// through the fund's whole position index, so checking each new distribution read
/// every entry of the fund: quadratic in a bulk import with many distributions. These
/// partial indexes hold only those rare kinds.
const V7_CASH_INDEXES: &str = r#"
CREATE INDEX entries_fund_proceeds ON entries (fund_id) WHERE kind = 'deal-proceeds';
CREATE INDEX entries_fund_distributions ON entries (fund_id) WHERE kind = 'lp-distribute';
"#;

/// Reference data under the audit (issue 12). Every row of the reference tables is
/// sealed when it is written: `reference_seals` chains one hash per row over the row as
/// stored (see hashchain.rs), so an edit, a deletion or a row added behind the ledger's
/// back is named by `audit`. Rows that exist when a file is upgraded to this version are
/// sealed by the upgrade as they stand then (store/refchain.rs). Reference rows were
/// never updated by fundledger; now triggers say so. Codes are unique case-insensitively
/// (checked on input); these indexes make that check, and `audit`'s, a lookup.
const V8_REFERENCE_SEALS: &str = r#"
CREATE TABLE reference_seals (
    id        INTEGER PRIMARY KEY,
    tbl       TEXT NOT NULL
              CHECK (tbl IN ('funds', 'investors', 'companies', 'loans', 'grants', 'fund_policies')),
    row_id    INTEGER NOT NULL,
    prev_hash TEXT NOT NULL,
    hash      TEXT NOT NULL CHECK (length(hash) = 64),
    UNIQUE (tbl, row_id)
) STRICT;

CREATE TRIGGER reference_seals_append_only_update BEFORE UPDATE ON reference_seals
BEGIN SELECT RAISE(ABORT, 'reference seals are append-only'); END;
CREATE TRIGGER reference_seals_append_only_delete BEFORE DELETE ON reference_seals
BEGIN SELECT RAISE(ABORT, 'reference seals are append-only'); END;

CREATE TRIGGER funds_no_update BEFORE UPDATE ON funds
BEGIN SELECT RAISE(ABORT, 'reference data is never edited'); END;
CREATE TRIGGER investors_no_update BEFORE UPDATE ON investors
BEGIN SELECT RAISE(ABORT, 'reference data is never edited'); END;
CREATE TRIGGER companies_no_update BEFORE UPDATE ON companies
BEGIN SELECT RAISE(ABORT, 'reference data is never edited'); END;

CREATE INDEX funds_code_nocase ON funds (code COLLATE NOCASE);
CREATE INDEX investors_code_nocase ON investors (code COLLATE NOCASE);
CREATE INDEX companies_code_nocase ON companies (code COLLATE NOCASE);
CREATE INDEX loans_code_nocase ON loans (code COLLATE NOCASE);
CREATE INDEX grants_code_nocase ON grants (code COLLATE NOCASE);
"#;

/// Performance evaluation (issue 15). Company stage (NULL on older rows, so their seals
/// stay valid); dated company facts (jobs, tax, revenue, follow-on financing, relocation,
/// stage changes) and manual indicator scores, both append-only with reversals like the
/// journal and sealed in the reference chain; idle-cash thresholds as policy terms.
/// `fund_policies` and `reference_seals` are rebuilt because ALTER TABLE cannot change a
/// table CHECK: every row is copied as it is (same ids, same columns, the new columns
/// NULL), so every existing seal stays valid.
const V9_EVALUATION: &str = r#"
ALTER TABLE companies ADD COLUMN stage TEXT
    CHECK (stage IS NULL OR stage IN ('seed', 'early', 'growth', 'mature'));

CREATE TABLE fund_policies_v9 (
    id                INTEGER PRIMARY KEY,
    fund_id           INTEGER NOT NULL REFERENCES funds(id),
    effective_from    TEXT NOT NULL CHECK (date(effective_from) IS effective_from),
    gov_share_max_bp  INTEGER CHECK (gov_share_max_bp IS NULL OR gov_share_max_bp BETWEEN 1 AND 10000),
    reinvest_min_bp   INTEGER CHECK (reinvest_min_bp IS NULL OR reinvest_min_bp BETWEEN 0 AND 100000),
    reinvest_base     TEXT CHECK (reinvest_base IS NULL OR reinvest_base IN ('committed', 'paid-in')),
    memo              TEXT,
    recorded_at       TEXT NOT NULL,
    recorded_by       TEXT NOT NULL CHECK (length(recorded_by) > 0),
    idle_warn_months  INTEGER CHECK (idle_warn_months IS NULL OR idle_warn_months BETWEEN 1 AND 120),
    idle_alert_months INTEGER CHECK (idle_alert_months IS NULL OR idle_alert_months BETWEEN 1 AND 120),
    CHECK (gov_share_max_bp IS NOT NULL OR reinvest_min_bp IS NOT NULL OR reinvest_base IS NOT NULL
           OR idle_warn_months IS NOT NULL OR idle_alert_months IS NOT NULL)
) STRICT;
INSERT INTO fund_policies_v9 (id, fund_id, effective_from, gov_share_max_bp, reinvest_min_bp,
        reinvest_base, memo, recorded_at, recorded_by)
    SELECT id, fund_id, effective_from, gov_share_max_bp, reinvest_min_bp,
        reinvest_base, memo, recorded_at, recorded_by FROM fund_policies;
DROP TABLE fund_policies;
ALTER TABLE fund_policies_v9 RENAME TO fund_policies;
CREATE INDEX fund_policies_fund ON fund_policies (fund_id, effective_from);
CREATE TRIGGER fund_policies_append_only_update BEFORE UPDATE ON fund_policies
BEGIN SELECT RAISE(ABORT, 'policy records are append-only: record new terms from a date instead'); END;
CREATE TRIGGER fund_policies_append_only_delete BEFORE DELETE ON fund_policies
BEGIN SELECT RAISE(ABORT, 'policy records are append-only: record new terms from a date instead'); END;

-- Facts about a company that evaluations score. A correction is a row of kind
-- 'reversal' pointing at the fact it cancels, with a reason (memo).
CREATE TABLE company_facts (
    id             INTEGER PRIMARY KEY,
    company_id     INTEGER NOT NULL REFERENCES companies(id),
    kind           TEXT NOT NULL
                   CHECK (kind IN ('jobs', 'tax', 'revenue', 'financing', 'relocation', 'stage', 'reversal')),
    effective_date TEXT NOT NULL CHECK (date(effective_date) IS effective_date),
    jobs           INTEGER CHECK (jobs IS NULL OR jobs >= 0),
    amount_fen     INTEGER CHECK (amount_fen IS NULL OR amount_fen >= 0),
    round          TEXT CHECK (round IS NULL OR length(round) BETWEEN 1 AND 64),
    lead           INTEGER CHECK (lead IS NULL OR lead IN (0, 1)),
    stage          TEXT CHECK (stage IS NULL OR stage IN ('seed', 'early', 'growth', 'mature')),
    memo           TEXT,
    reverses       INTEGER UNIQUE REFERENCES company_facts(id),
    recorded_at    TEXT NOT NULL,
    recorded_by    TEXT NOT NULL CHECK (length(recorded_by) > 0),
    CHECK ((kind = 'reversal') = (reverses IS NOT NULL)),
    CHECK (kind <> 'reversal' OR length(memo) > 0),
    CHECK ((kind = 'jobs') = (jobs IS NOT NULL)),
    CHECK ((kind IN ('tax', 'revenue', 'financing')) = (amount_fen IS NOT NULL)),
    CHECK ((kind = 'financing') = (lead IS NOT NULL)),
    CHECK (kind = 'financing' OR round IS NULL),
    CHECK ((kind = 'stage') = (stage IS NOT NULL))
) STRICT;
CREATE INDEX company_facts_company ON company_facts (company_id, effective_date);
CREATE TRIGGER company_facts_append_only_update BEFORE UPDATE ON company_facts
BEGIN SELECT RAISE(ABORT, 'company facts are append-only: correct with a reversal'); END;
CREATE TRIGGER company_facts_append_only_delete BEFORE DELETE ON company_facts
BEGIN SELECT RAISE(ABORT, 'company facts are append-only: correct with a reversal'); END;
CREATE TRIGGER company_facts_no_reversal_of_reversal BEFORE INSERT ON company_facts
WHEN NEW.reverses IS NOT NULL AND (SELECT kind FROM company_facts WHERE id = NEW.reverses) = 'reversal'
BEGIN SELECT RAISE(ABORT, 'a reversal cannot be reversed'); END;

-- Manual indicator scores of a fund for an evaluation year, in hundredths of a point
-- (8.5 points = 850). A reversal cancels a score; its note is the reason.
CREATE TABLE indicator_scores (
    id          INTEGER PRIMARY KEY,
    fund_id     INTEGER NOT NULL REFERENCES funds(id),
    year        INTEGER NOT NULL CHECK (year BETWEEN 1900 AND 9999),
    indicator   TEXT NOT NULL CHECK (length(indicator) BETWEEN 1 AND 64),
    score_e2    INTEGER CHECK (score_e2 IS NULL OR score_e2 >= 0),
    note        TEXT NOT NULL CHECK (length(note) > 0),
    reverses    INTEGER UNIQUE REFERENCES indicator_scores(id),
    recorded_at TEXT NOT NULL,
    recorded_by TEXT NOT NULL CHECK (length(recorded_by) > 0),
    CHECK ((reverses IS NULL) = (score_e2 IS NOT NULL))
) STRICT;
CREATE INDEX indicator_scores_fund ON indicator_scores (fund_id, year);
CREATE TRIGGER indicator_scores_append_only_update BEFORE UPDATE ON indicator_scores
BEGIN SELECT RAISE(ABORT, 'indicator scores are append-only: correct with a reversal'); END;
CREATE TRIGGER indicator_scores_append_only_delete BEFORE DELETE ON indicator_scores
BEGIN SELECT RAISE(ABORT, 'indicator scores are append-only: correct with a reversal'); END;
CREATE TRIGGER indicator_scores_no_reversal_of_reversal BEFORE INSERT ON indicator_scores
WHEN NEW.reverses IS NOT NULL AND (SELECT score_e2 FROM indicator_scores WHERE id = NEW.reverses) IS NULL
BEGIN SELECT RAISE(ABORT, 'a reversal cannot be reversed'); END;

CREATE TABLE reference_seals_v9 (
    id        INTEGER PRIMARY KEY,
    tbl       TEXT NOT NULL
              CHECK (tbl IN ('funds', 'investors', 'companies', 'loans', 'grants', 'fund_policies',
                             'company_facts', 'indicator_scores')),
    row_id    INTEGER NOT NULL,
    prev_hash TEXT NOT NULL,
    hash      TEXT NOT NULL CHECK (length(hash) = 64),
    UNIQUE (tbl, row_id)
) STRICT;
INSERT INTO reference_seals_v9 (id, tbl, row_id, prev_hash, hash)
    SELECT id, tbl, row_id, prev_hash, hash FROM reference_seals;
DROP TABLE reference_seals;
ALTER TABLE reference_seals_v9 RENAME TO reference_seals;
CREATE TRIGGER reference_seals_append_only_update BEFORE UPDATE ON reference_seals
BEGIN SELECT RAISE(ABORT, 'reference seals are append-only'); END;
CREATE TRIGGER reference_seals_append_only_delete BEFORE DELETE ON reference_seals
BEGIN SELECT RAISE(ABORT, 'reference seals are append-only'); END;
"#;

/// The position summary (issue 16): derived, rebuildable, never trusted blindly.
///
/// One row per position (an LP in a fund, a fund in a company) and calendar year of
/// effective date, holding what that year's entries add: sums in fen, counts of
/// exits and write-offs, the number of effective entries, the year's latest mark, and
/// `last_date`, the latest effective date of any non-reversal entry of the year
/// (reversed or not), so a row with `last_date <= D` counts whole in a report as of D.
/// Kept in step with the journal in the same transaction as every entry
/// (store/summary.rs); `audit` recomputes it from the journal and names any
/// difference; `fundledger reindex` rebuilds it. Self-contained: the fill below reads
/// only the journal, so this migration does not depend on its number.
const V10_POSITION_SUMMARY: &str = r#"
CREATE TABLE position_years (
    fund_id         INTEGER NOT NULL,
    is_lp           INTEGER NOT NULL CHECK (is_lp IN (0, 1)),
    counterparty_id INTEGER NOT NULL,
    year            INTEGER NOT NULL,
    last_date       TEXT NOT NULL,
    entries         INTEGER NOT NULL,
    committed_fen   INTEGER NOT NULL,
    paid_in_fen     INTEGER NOT NULL,
    proceeds_fen    INTEGER NOT NULL,
    distributed_fen INTEGER NOT NULL,
    exits           INTEGER NOT NULL,
    write_offs      INTEGER NOT NULL,
    mark_date       TEXT,
    mark_id         INTEGER,
    mark_fen        INTEGER,
    PRIMARY KEY (fund_id, is_lp, counterparty_id, year)
) WITHOUT ROWID, STRICT;

INSERT INTO position_years
WITH eff AS (
    SELECT e.id, e.kind, e.effective_date AS d, e.fund_id, e.investor_id IS NOT NULL AS is_lp,
           COALESCE(e.investor_id, e.company_id) AS cp,
           CAST(substr(e.effective_date, 1, 4) AS INTEGER) AS year,
           e.amount_fen, e.detail, r.id IS NULL AS live
    FROM entries e LEFT JOIN entries r ON r.reverses = e.id
    WHERE e.kind <> 'reversal' AND e.fund_id IS NOT NULL
      AND (e.investor_id IS NOT NULL OR e.company_id IS NOT NULL)
),
marks AS (
    SELECT fund_id, cp, year, d, id, amount_fen,
           row_number() OVER (PARTITION BY fund_id, cp, year ORDER BY d DESC, id DESC) AS rn
    FROM eff WHERE live AND kind = 'deal-value' AND NOT is_lp
),
g AS (
    SELECT fund_id, is_lp, cp, year, max(d) AS last_date,
           sum(live) AS entries,
           sum(CASE WHEN live AND kind IN ('lp-commit', 'deal-commit') THEN amount_fen ELSE 0 END) AS committed,
           sum(CASE WHEN live AND kind IN ('lp-pay', 'deal-pay') THEN amount_fen ELSE 0 END) AS paid_in,
           sum(CASE WHEN live AND kind = 'deal-proceeds' THEN amount_fen ELSE 0 END) AS proceeds,
           sum(CASE WHEN live AND kind = 'lp-distribute' THEN amount_fen ELSE 0 END) AS distributed,
           sum(CASE WHEN live AND kind = 'deal-proceeds' AND detail = 'exit' THEN 1 ELSE 0 END) AS exits,
           sum(CASE WHEN live AND kind = 'deal-write-off' THEN 1 ELSE 0 END) AS write_offs
    FROM eff GROUP BY fund_id, is_lp, cp, year
)
SELECT g.fund_id, g.is_lp, g.cp, g.year, g.last_date, g.entries, g.committed, g.paid_in,
       g.proceeds, g.distributed, g.exits, g.write_offs, m.d, m.id, m.amount_fen
FROM g LEFT JOIN marks m
  ON m.rn = 1 AND NOT g.is_lp AND m.fund_id = g.fund_id AND m.cp = g.cp AND m.year = g.year;
"#;

/// `report leverage` reads deal amounts from the position summary, which does not know
/// 返投 weights; the holdings that have a commitment with a stated weight (rare: most
/// take the region default) are replayed from the journal. This index finds them
/// without reading the journal.
const V11_WEIGHTED_INDEX: &str = r#"
CREATE INDEX entries_fund_weighted ON entries (fund_id, company_id)
    WHERE reinvest_weight_bp IS NOT NULL;
"#;

/// `report returns --by fund` needs each fund's dated cash flows for its XIRRs; the
/// solver sums flows per date exactly anyway, so per fund and day is all it needs.
/// Derived like `position_years` (store/flow_days.rs keeps it, audit checks it,
/// reindex rebuilds it). Payments and receipts stay apart: whether any money went
/// out, or came back, is part of the answer (a total loss), and netting would hide it.
const V12_FLOW_DAYS: &str = r#"
CREATE TABLE fund_flow_days (
    fund_id            INTEGER NOT NULL,
    day                TEXT NOT NULL,
    deal_paid_fen      INTEGER NOT NULL,
    deal_proceeds_fen  INTEGER NOT NULL,
    lp_paid_fen        INTEGER NOT NULL,
    lp_distributed_fen INTEGER NOT NULL,
    PRIMARY KEY (fund_id, day)
) WITHOUT ROWID, STRICT;

-- An amount no entry could have (above MAX_INPUT_YUAN; audit names it) counts as
-- nothing rather than overflowing the sum and stopping the upgrade.
INSERT INTO fund_flow_days
SELECT fund_id, effective_date,
       sum(CASE WHEN kind = 'deal-pay' THEN fen ELSE 0 END),
       sum(CASE WHEN kind = 'deal-proceeds' THEN fen ELSE 0 END),
       sum(CASE WHEN kind = 'lp-pay' THEN fen ELSE 0 END),
       sum(CASE WHEN kind = 'lp-distribute' THEN fen ELSE 0 END)
FROM (SELECT e.fund_id, e.effective_date, e.kind,
             CASE WHEN e.amount_fen BETWEEN 1 AND 1000000000000000 THEN e.amount_fen ELSE 0 END AS fen
      FROM entries e LEFT JOIN entries r ON r.reverses = e.id
      WHERE e.kind IN ('deal-pay', 'deal-proceeds', 'lp-pay', 'lp-distribute')
        AND r.id IS NULL)
GROUP BY fund_id, effective_date;
"#;
