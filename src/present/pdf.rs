//! A PDF written by the program itself, from a [`Binder`]: typst used as a library.
//!
//! Why typst: tables that break across pages and repeat their header, text shaping
//! and line breaking for Chinese, page X of Y, per-section landscape pages and
//! embedded subset fonts are what a typesetting engine is for; writing them by hand
//! over a bare PDF writer (krilla, which typst itself uses) would be most of a
//! typesetter. The cost is build time, measured in docs/reports.md.
//!
//! How: the binder is turned into plain JSON (every cell already formatted as its
//! table text); a fixed typst template (`pdf.typ`) reads it and lays it out. Values
//! reach typst only as JSON strings, which it sets as plain text, never as markup,
//! so a name like `#sys.exit()` or `*bold*` prints as written. Charts are the same
//! SVG as in the HTML file (`svg.rs`), handed to typst as files of a tiny in-memory
//! [`World`] that has no file system, no network and no packages.
//!
//! Fonts: `--font FILE` if given, else the first CJK font found among
//! [`SYSTEM_FONTS`]; none found is a clear error that says what to install. Before
//! layout every character of the text is checked against the chosen fonts, so a
//! missing glyph is an error naming the character, never a box in the printout.

use std::path::{Path, PathBuf};

use serde::Serialize;
use typst::diag::{FileError, FileResult};
use typst::foundations::{Bytes, Datetime, Duration, Smart};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};
use typst_layout::PagedDocument;

use super::model::{Document, Orientation};
use super::print::{cell_text, page_runs, subtitle, Binder};
use super::svg;
use super::text::{header, select, Columns};
use crate::error::{Error, Result};

const TEMPLATE: &str = include_str!("pdf.typ");

/// Fonts tried in order when no `--font` is given (Debian paths).
pub const SYSTEM_FONTS: &[&str] = &[
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/arphic/uming.ttc",
];

/// What to tell a user with no CJK font.
pub const FONT_HELP: &str = "no Chinese (CJK) font found for the PDF: install one \
(Debian/Ubuntu: apt-get install fonts-noto-cjk, or fonts-wqy-microhei) or pass --font FILE \
(a .ttf, .otf or .ttc with Chinese characters)";

/// The font files to use: `explicit`, or the first system CJK font found, with its
/// bold sibling (`…-Bold.ttc`) when there is one.
pub fn font_files(explicit: Option<&Path>) -> Result<Vec<PathBuf>> {
    let regular = match explicit {
        Some(p) if p.is_file() => p.to_path_buf(),
        Some(p) => {
            return Err(Error::refused(
                "font-not-found",
                format!("--font {}: no such file", p.display()),
            ))
        }
        None => SYSTEM_FONTS
            .iter()
            .map(PathBuf::from)
            .find(|p| p.is_file())
            .ok_or_else(|| Error::refused("no-cjk-font", FONT_HELP))?,
    };
    let mut files = vec![regular.clone()];
    let name = regular.file_name().and_then(|n| n.to_str()).unwrap_or("");
    if name.contains("Regular") {
        let bold = regular.with_file_name(name.replace("Regular", "Bold"));
        if bold.is_file() {
            files.push(bold);
        }
    }
    Ok(files)
}

/// Load every face of `files`; refuse a file with no usable face.
pub fn load_fonts(files: &[PathBuf]) -> Result<Vec<Font>> {
    let mut fonts = Vec::new();
    for f in files {
        let data = std::fs::read(f)
            .map_err(|e| Error::Ledger(format!("cannot read font {}: {e}", f.display())))?;
        let before = fonts.len();
        fonts.extend(Font::iter(Bytes::new(data)));
        if fonts.len() == before {
            return Err(Error::refused(
                "bad-font",
                format!(
                    "{} is not a font file typst can read (.ttf, .otf, .ttc)",
                    f.display()
                ),
            ));
        }
    }
    Ok(fonts)
}

/// Family names in the order typst should try them: Simplified Chinese first,
/// monospaced faces last.
fn families(fonts: &[Font]) -> Vec<String> {
    let mut fams: Vec<String> = Vec::new();
    for f in fonts {
        let name = f.info().family.clone();
        if !fams.contains(&name) {
            fams.push(name);
        }
    }
    let rank = |n: &String| {
        let u = n.to_uppercase();
        match () {
            _ if u.contains("MONO") => 3,
            _ if u.contains(" SC") || u.contains("CN") || u.contains("GB") => 0,
            _ if u.contains(" JP")
                || u.contains(" KR")
                || u.contains(" TC")
                || u.contains(" HK") =>
            {
                2
            }
            _ => 1,
        }
    };
    fams.sort_by_key(rank);
    fams
}

// ------------------------------------------------------------------ the data typst reads

#[derive(Serialize)]
struct Data {
    title: String,
    head: String,
    page: [&'static str; 3],
    lang: &'static str,
    fonts: Vec<String>,
    cover: Option<CoverData>,
    docs: Vec<DocData>,
    signoff: Option<SignOff>,
}

#[derive(Serialize)]
struct CoverData {
    lines: Vec<(String, String)>,
    contents_label: String,
    contents: Vec<String>,
}

#[derive(Serialize)]
struct SignOff {
    roles: Vec<String>,
    date: String,
}

#[derive(Serialize)]
struct DocData {
    title: String,
    subtitle: String,
    runs: Vec<RunData>,
}

#[derive(Serialize)]
struct RunData {
    landscape: bool,
    sections: Vec<SectionData>,
}

#[derive(Serialize)]
struct SectionData {
    title: Option<String>,
    columns: Vec<ColumnData>,
    rows: Vec<RowData>,
    notes: Vec<String>,
    /// Paths of the charts' SVG files in the world.
    charts: Vec<String>,
    /// Percent of the width each long text column gets (the rest fits the others).
    wide_share: u8,
    /// Charts side by side: two on a landscape page, one on a portrait page.
    chart_columns: u8,
}

#[derive(Serialize)]
struct ColumnData {
    label: String,
    num: bool,
    /// Takes a share of the spare width (long text) rather than its content's width.
    wide: bool,
}

#[derive(Serialize)]
struct RowData {
    total: bool,
    /// (text, footnote mark)
    cells: Vec<(String, Option<String>)>,
}

/// The binder as typst's input, and the charts' SVG files.
fn data(b: &Binder, cols: &Columns, fonts: Vec<String>) -> (Data, Vec<(String, String)>) {
    let mut svgs: Vec<(String, String)> = Vec::new();
    let docs = b
        .docs
        .iter()
        .map(|d| DocData {
            title: d.title.clone(),
            subtitle: subtitle(d),
            runs: page_runs(d)
                .into_iter()
                .map(|(o, sections)| RunData {
                    landscape: o == Orientation::Landscape,
                    sections: sections
                        .into_iter()
                        .map(|s| {
                            let idx = select(s, cols);
                            let columns: Vec<ColumnData> = idx
                                .iter()
                                .map(|&i| ColumnData {
                                    label: header(d, s, i),
                                    num: s.columns[i].kind.is_numeric(),
                                    wide: !s.columns[i].kind.is_numeric()
                                        && s.rows
                                            .iter()
                                            .any(|r| r.cells[i].shown(d.unit).chars().count() > 12),
                                })
                                .collect();
                            let wide = columns.iter().filter(|c| c.wide).count();
                            SectionData {
                                // Long text shares about a third of the width; alone in a
                                // narrow table it gets more.
                                wide_share: match (wide, columns.len()) {
                                    (0, _) => 0,
                                    (w, n) if n <= w + 2 => u8::try_from(70 / w).unwrap_or(35),
                                    (w, _) => u8::try_from(32 / w).unwrap_or(16),
                                },
                                title: (s.title != d.title || d.sections.len() > 1)
                                    .then(|| s.title.clone()),
                                columns,
                                rows: s
                                    .rows
                                    .iter()
                                    .map(|r| RowData {
                                        total: r.total,
                                        cells: idx
                                            .iter()
                                            .map(|&i| cell_text(d, &r.cells[i]))
                                            .collect(),
                                    })
                                    .collect(),
                                notes: s
                                    .notes
                                    .iter()
                                    .map(|n| match &n.mark {
                                        Some(m) => format!("{m} {}", n.text),
                                        None => n.text.clone(),
                                    })
                                    .collect(),
                                charts: s
                                    .charts
                                    .iter()
                                    .map(|c| {
                                        let path = format!("/chart-{}.svg", svgs.len());
                                        svgs.push((path.clone(), svg::chart(c, d.unit)));
                                        path
                                    })
                                    .collect(),
                                chart_columns: match o {
                                    Orientation::Portrait => 1,
                                    Orientation::Landscape => 2,
                                },
                            }
                        })
                        .collect(),
                })
                .collect(),
        })
        .collect();
    let data = Data {
        title: b.title.clone(),
        head: b.running_head(),
        page: b.page_words(),
        lang: match b.lang {
            super::Lang::Zh => "zh",
            super::Lang::En => "en",
        },
        fonts,
        cover: b.cover.as_ref().map(|c| CoverData {
            lines: c
                .lines
                .iter()
                .map(|l| (l.label.clone(), l.value.clone()))
                .collect(),
            contents_label: b.label("Contents").into(),
            contents: b.docs.iter().map(|d: &Document| d.title.clone()).collect(),
        }),
        docs,
        signoff: b.sign_off.then(|| SignOff {
            roles: b.sign_off_roles().iter().map(|r| r.to_string()).collect(),
            date: b.label("Date").into(),
        }),
    };
    (data, svgs)
}

/// Every character of `text` that none of `fonts` can draw (whitespace aside).
fn missing_glyphs(text: &str, fonts: &[Font]) -> Vec<char> {
    let mut missing: Vec<char> = Vec::new();
    for c in text.chars() {
        if c.is_whitespace() || c.is_control() || missing.contains(&c) {
            continue;
        }
        if !fonts
            .iter()
            .any(|f| f.info().coverage.contains(u32::from(c)))
        {
            missing.push(c);
        }
    }
    missing
}

// ------------------------------------------------------------------ the world

struct PackWorld {
    library: LazyHash<Library>,
    book: LazyHash<FontBook>,
    fonts: Vec<Font>,
    main: Source,
    files: Vec<(FileId, Bytes)>,
}

fn file_id(path: &str) -> FileId {
    RootedPath::new(
        VirtualRoot::Project,
        VirtualPath::new(path).expect("a fixed, valid path"),
    )
    .intern()
}

impl World for PackWorld {
    fn library(&self) -> &LazyHash<Library> {
        &self.library
    }
    fn book(&self) -> &LazyHash<FontBook> {
        &self.book
    }
    fn main(&self) -> FileId {
        self.main.id()
    }
    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == self.main.id() {
            Ok(self.main.clone())
        } else {
            Err(FileError::NotSource)
        }
    }
    fn file(&self, id: FileId) -> FileResult<Bytes> {
        self.files
            .iter()
            .find(|(f, _)| *f == id)
            .map(|(_, b)| b.clone())
            .ok_or(FileError::AccessDenied)
    }
    fn font(&self, index: usize) -> Option<Font> {
        self.fonts.get(index).cloned()
    }
    fn today(&self, _offset: Option<Duration>) -> Option<Datetime> {
        None
    }
}

/// Lay out `b` on A4 pages and return the PDF's bytes and its page count.
pub fn render(b: &Binder, cols: &Columns, fonts: Vec<Font>) -> Result<(Vec<u8>, usize)> {
    let (data, svgs) = data(b, cols, families(&fonts));
    let json = serde_json::to_string(&data).map_err(|e| Error::Ledger(e.to_string()))?;
    let missing = missing_glyphs(&json, &fonts);
    let missing_svg: Vec<char> = missing_glyphs(
        &svgs.iter().map(|(_, s)| s.as_str()).collect::<String>(),
        &fonts,
    );
    if let Some(c) = missing.iter().chain(&missing_svg).next() {
        let fams = families(&fonts).join(", ");
        return Err(Error::refused(
            "missing-glyph",
            format!(
                "the font ({fams}) has no glyph for '{c}' (U+{:04X}); pass --font FILE with a font that has it \
                 (apt-get install fonts-noto-cjk has most Chinese characters)",
                u32::from(*c)
            ),
        ));
    }
    let mut files = vec![(file_id("/data.json"), Bytes::from_string(json))];
    files.extend(
        svgs.into_iter()
            .map(|(p, s)| (file_id(&p), Bytes::from_string(s))),
    );
    let world = PackWorld {
        library: LazyHash::new(Library::default()),
        book: LazyHash::new(FontBook::from_fonts(&fonts)),
        fonts,
        main: Source::new(file_id("/main.typ"), TEMPLATE.to_string()),
        files,
    };
    let doc: PagedDocument = typst::compile(&world)
        .output
        .map_err(|e| failed("layout", &e))?;
    let opts = typst_pdf::PdfOptions {
        creator: Smart::Custom(Some(format!("fundledger {}", env!("CARGO_PKG_VERSION")))),
        ..Default::default()
    };
    let pdf = typst_pdf::pdf(&doc, &opts).map_err(|e| failed("export", &e))?;
    Ok((pdf, doc.pages().len()))
}

/// typst's diagnostics as one error (a bug in the template if it ever happens).
fn failed(step: &str, errs: &[typst::diag::SourceDiagnostic]) -> Error {
    let msgs: Vec<String> = errs.iter().map(|e| e.message.to_string()).collect();
    Error::Ledger(format!("PDF {step} failed: {}", msgs.join("; ")))
}
