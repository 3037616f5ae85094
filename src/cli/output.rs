//! Where rendered output goes: stdout, the `--output` file, or an .xlsx workbook.
//!
//! One process renders one command, so the destination is process-wide: `run` sets
//! it from the global flags before the command runs, every table and JSON document
//! goes through [`with_writer`] or [`add_doc`], and `run` calls [`finish`] (or
//! [`abandon`] on failure) at the end. A workbook is built in memory from every
//! document the command rendered (`present::xlsx`) and written once, complete, when
//! the command has succeeded; a failed command leaves no file behind.

use std::fs::{File, OpenOptions};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

use fundledger::error::{Error, Result};
use fundledger::fsutil;
use fundledger::present::model::Document;
use fundledger::present::text::Columns;

enum Sink {
    Stdout,
    /// Text to a file: written under a temporary name beside `path` from the first
    /// write, moved to `path` (never over an existing file) by `finish` (`fsutil`).
    File {
        path: PathBuf,
        file: Option<(PathBuf, BufWriter<File>)>,
    },
    /// One whole file (HTML, PDF) rendered in memory, written by `finish` to a
    /// temporary file beside `path` and linked into place only when complete.
    Whole {
        path: PathBuf,
        bytes: Option<Vec<u8>>,
    },
    /// Documents collected for one workbook (a sheet per section), written by `finish`.
    Workbook {
        path: PathBuf,
        docs: Vec<Document>,
        columns: Columns,
    },
}

static SINK: Mutex<Sink> = Mutex::new(Sink::Stdout);

fn sink() -> MutexGuard<'static, Sink> {
    // A panic while holding the lock cannot leave the sink half-updated in a way
    // that matters: the process is about to exit.
    SINK.lock().unwrap_or_else(|p| p.into_inner())
}

fn exists(path: &Path) -> Error {
    Error::refused(
        "output-exists",
        format!(
            "{} already exists; refusing to overwrite it (choose another --output path)",
            path.display()
        ),
    )
}

/// Create `path`, refusing an existing file even if it appeared a moment ago.
fn create(path: &Path) -> Result<File> {
    OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .map_err(|e| match e.kind() {
            io::ErrorKind::AlreadyExists => exists(path),
            _ => Error::Ledger(format!("cannot write {}: {e}", path.display())),
        })
}

/// Send output to `path` (a workbook if `workbook`), or to stdout. Refuses an
/// existing file before the command does any work.
pub fn configure(path: Option<PathBuf>, workbook: bool, whole: bool) -> Result<()> {
    let new = match path {
        None => Sink::Stdout,
        Some(p) if p.exists() => return Err(exists(&p)),
        Some(p) if whole => Sink::Whole {
            path: p,
            bytes: None,
        },
        Some(p) if workbook => Sink::Workbook {
            path: p,
            docs: Vec::new(),
            columns: Columns::All,
        },
        Some(p) => Sink::File {
            path: p,
            file: None,
        },
    };
    *sink() = new;
    Ok(())
}

/// Run `f` with the writer text output goes to.
pub fn with_writer<T, E: From<io::Error>>(
    f: impl FnOnce(&mut dyn Write) -> std::result::Result<T, E>,
) -> std::result::Result<T, E> {
    let mut s = sink();
    match &mut *s {
        Sink::Stdout => {
            // Buffered: stdout is line-buffered, a syscall per line on big reports.
            let mut w = BufWriter::new(io::stdout().lock());
            let out = f(&mut w)?;
            w.flush()?;
            Ok(out)
        }
        Sink::File { path, file } => {
            if file.is_none() {
                let tmp = fsutil::temp_path(path);
                let created = create(&tmp).map_err(io::Error::other)?;
                *file = Some((tmp, BufWriter::new(created)));
            }
            f(&mut file.as_mut().expect("just created").1)
        }
        // `run` lets only table-printing commands use xlsx, html and pdf; text here is a bug.
        Sink::Workbook { .. } | Sink::Whole { .. } => Err(io::Error::other(
            "this output cannot go into a workbook; use --format table, csv or json",
        )
        .into()),
    }
}

/// Add a document to the workbook being built, its sections shown with `cols`.
/// Returns false when the output is not a workbook.
pub fn add_doc(doc: &Document, cols: &Columns) -> bool {
    match &mut *sink() {
        Sink::Workbook { docs, columns, .. } => {
            docs.push(doc.clone());
            *columns = cols.clone();
            true
        }
        _ => false,
    }
}

/// Write the workbook of a streamed listing with `save`, which is given a temporary
/// path beside the output file, instead of collecting its document; the file is
/// moved into place once `save` has written it whole.
pub fn stream_workbook(save: impl FnOnce(&Path) -> Result<()>) -> Result<()> {
    let path = match &*sink() {
        Sink::Workbook { path, .. } => path.clone(),
        // `run` gives --format xlsx a workbook output or refuses it; this is a bug.
        _ => return Err(Error::Ledger("a workbook needs --output FILE.xlsx".into())),
    };
    let tmp = fsutil::temp_path(&path);
    // Claimed first (never over an existing file); `save` then writes it whole.
    drop(create(&tmp)?);
    if let Err(e) = save(&tmp) {
        fsutil::discard(&tmp);
        return Err(e);
    }
    place(&tmp, &path, OpenOptions::new().append(true).open(&tmp))?;
    // Written: nothing is left for `finish`.
    *sink() = Sink::Stdout;
    Ok(())
}

/// Hand over the whole output file (HTML, PDF). Returns false when the output is not
/// a whole file.
pub fn put_whole(data: Vec<u8>) -> bool {
    match &mut *sink() {
        Sink::Whole { bytes, .. } => {
            *bytes = Some(data);
            true
        }
        _ => false,
    }
}

/// Write a whole file (HTML, PDF) under a temporary name beside `path` and move it
/// into place only when complete, never over an existing file (`fsutil`).
fn write_whole(path: &Path, bytes: &[u8]) -> Result<()> {
    let tmp = fsutil::temp_path(path);
    let mut f = create(&tmp)?;
    let written = f.write_all(bytes).map(|()| f);
    place(&tmp, path, written)
}

/// The command succeeded: flush the file, or write the workbook (with a "Notes" sheet
/// when the tables carry notes, so the data sheets stay plain tables).
/// The command succeeded: flush the file, or build and write the workbook. A workbook
/// that cannot be built (a figure Excel cannot hold exactly) is refused, and no file
/// is created.
pub fn finish() -> Result<()> {
    let mut s = sink();
    match std::mem::replace(&mut *s, Sink::Stdout) {
        Sink::Stdout => Ok(io::stdout().flush()?),
        Sink::File { file: None, .. } => Ok(()),
        Sink::File {
            path,
            file: Some((tmp, f)),
        } => place(&tmp, &path, f.into_inner().map_err(|e| e.into_error())),
        Sink::Whole { bytes: None, .. } => Ok(()),
        Sink::Whole {
            path,
            bytes: Some(b),
        } => write_whole(&path, &b),
        Sink::Workbook {
            path,
            docs,
            columns,
        } => {
            let bytes = fundledger::present::xlsx::workbook(&docs, &columns)?;
            let tmp = fsutil::temp_path(&path);
            let mut f = create(&tmp)?;
            let written = f.write_all(&bytes).map(|()| f);
            place(&tmp, &path, written)
        }
    }
}

/// The command failed: remove a half-written output file, so that no file is
/// mistaken for a complete report.
pub fn abandon() {
    let mut s = sink();
    if let Sink::File {
        file: Some((tmp, f)),
        ..
    } = std::mem::replace(&mut *s, Sink::Stdout)
    {
        drop(f);
        fsutil::discard(&tmp);
    }
}

/// Make the written temporary file `tmp` durable and move it to `path`; on any
/// failure (of the writing too) remove it and name `path`.
fn place(tmp: &Path, path: &Path, written: io::Result<File>) -> Result<()> {
    let done = written
        .and_then(|f| f.sync_all())
        .and_then(|()| fsutil::publish(tmp, path));
    done.map_err(|e| {
        fsutil::discard(tmp);
        match e.kind() {
            io::ErrorKind::AlreadyExists => exists(path),
            _ => Error::Ledger(format!("cannot write {}: {e}", path.display())),
        }
    })
}
