//! Exports of the ledger to other tools' formats. Pure: each takes reference data and
//! entries and produces text; reading the ledger is `reports::export`'s job.

pub mod plaintext;
