//! What the print renderers (HTML and PDF) take: a [`Binder`] of documents with an
//! optional cover page and sign-off block, and the layout decisions both share (which
//! sections share pages, the page footer's words, a cell's printed text).
//!
//! A single report is a binder of one document without a cover; the report pack
//! (`present::pack`) is a binder of several with a cover and a sign-off block. Like
//! the rest of the renderers' input, a binder knows nothing of funds or loans: the
//! cover is a title and labelled lines.

use super::labels::{label, Lang};
use super::model::{Cell, Document, Kind, Orientation, Scope, Section};
use crate::date::Date;

#[derive(Clone, Debug)]
pub struct Binder {
    /// The title on every page's header and on the cover.
    pub title: String,
    pub as_of: Option<Date>,
    pub lang: Lang,
    pub cover: Option<Cover>,
    pub docs: Vec<Document>,
    /// End with a sign-off block (编制 / 复核 / 负责人, with blank lines to sign on).
    pub sign_off: bool,
}

/// The cover page: the title, then labelled lines (ledger, scope, as-of date, …).
#[derive(Clone, Debug)]
pub struct Cover {
    pub lines: Vec<Scope>,
}

impl Binder {
    /// One report, printed as it is: no cover, no sign-off.
    pub fn single(doc: Document) -> Binder {
        Binder {
            title: doc.title.clone(),
            as_of: doc.as_of,
            lang: doc.lang,
            cover: None,
            docs: vec![doc],
            sign_off: false,
        }
    }

    pub fn label<'a>(&self, key: &'a str) -> &'a str {
        label(self.lang, key)
    }

    /// The running header's text: `Report pack · As of 2022-12-31`.
    pub fn running_head(&self) -> String {
        match self.as_of {
            Some(d) => format!("{} · {} {d}", self.title, self.label("As of")),
            None => self.title.clone(),
        }
    }

    /// The words around the page numbers: `Page ` X ` of ` Y ``, or `第 ` X ` 页，共 ` Y ` 页`.
    pub fn page_words(&self) -> [&'static str; 3] {
        match self.lang {
            Lang::En => ["Page ", " of ", ""],
            Lang::Zh => ["第 ", " 页，共 ", " 页"],
        }
    }

    /// The sign-off block's roles, in order.
    pub fn sign_off_roles(&self) -> [&str; 3] {
        [
            self.label("Prepared by"),
            self.label("Reviewed by"),
            self.label("Approved by"),
        ]
    }
}

/// A document's sections in runs of one orientation: each run starts a new page (of
/// that orientation); the sections of a run follow each other on the same pages.
pub fn page_runs(d: &Document) -> Vec<(Orientation, Vec<&Section>)> {
    let mut runs: Vec<(Orientation, Vec<&Section>)> = Vec::new();
    for s in &d.sections {
        match runs.last_mut() {
            Some((o, v)) if *o == s.orientation => v.push(s),
            _ => runs.push((s.orientation, vec![s])),
        }
    }
    runs
}

/// A cell as printed: its value's table text (money grouped in the document's unit)
/// and its footnote mark, kept apart so a renderer can set the mark as a superscript.
pub fn cell_text(d: &Document, c: &Cell) -> (String, Option<String>) {
    (c.shown(d.unit), c.mark.clone())
}

/// The document's title line under the heading: `As of 2022-12-31 · Fund: SC · Unit: 万元`.
pub fn subtitle(d: &Document) -> String {
    let mut parts: Vec<String> = Vec::new();
    if let Some(a) = d.as_of {
        parts.push(format!("{} {a}", label(d.lang, "As of")));
    }
    for s in &d.scope {
        parts.push(format!("{}: {}", s.label, s.value));
    }
    let money = d
        .sections
        .iter()
        .flat_map(|s| &s.columns)
        .any(|c| c.kind == Kind::Money);
    if money {
        parts.push(format!("{}: {}", label(d.lang, "Unit"), d.unit.label()));
    }
    parts.join(" · ")
}
