//! Where rendered output goes: stdout, the `--output` file, or an .xlsx workbook.
//!
//! One process renders one command, so the destination is process-wide: `run` sets
//! it from the global flags before the command runs, every table and JSON document
//! goes through [`with_writer`] or [`add_sheet`], and `run` calls [`finish`] (or
//! [`abandon`] on failure) at the end. A workbook is built in memory and written once,
//! complete, when the command has succeeded; a failed command leaves no file behind.

use std::fs::{File, OpenOptions};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

use fundledger::error::{Error, Result};
use fundledger::xlsx;

enum Sink {
    Stdout,
    /// Text to a file, created (never overwritten) at the first write.
    File {
        path: PathBuf,
        file: Option<BufWriter<File>>,
    },
    /// One whole file (HTML, PDF) rendered in memory, written by `finish` to a
    /// temporary file beside `path` and linked into place only when complete.
    Whole {
        path: PathBuf,
        bytes: Option<Vec<u8>>,
    },
    /// Sheets collected for one workbook, written by `finish`.
    Workbook {
        path: PathBuf,
        sheets: Vec<xlsx::Sheet>,
        notes: Vec<String>,
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
            sheets: Vec::new(),
            notes: Vec::new(),
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
                let created = create(path).map_err(io::Error::other)?;
                *file = Some(BufWriter::new(created));
            }
            f(file.as_mut().expect("just created"))
        }
        // `run` lets only table-printing commands use xlsx, html and pdf; text here is a bug.
        Sink::Workbook { .. } | Sink::Whole { .. } => Err(io::Error::other(
            "this output cannot go into a workbook; use --format table, csv or json",
        )
        .into()),
    }
}

/// Add a sheet (and notes that explain it) to the workbook being built. Returns false
/// when the output is not a workbook.
pub fn add_sheet(sheet: xlsx::Sheet, sheet_notes: &[String]) -> bool {
    match &mut *sink() {
        Sink::Workbook { sheets, notes, .. } => {
            sheets.push(sheet);
            notes.extend(sheet_notes.iter().cloned());
            true
        }
        _ => false,
    }
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

/// Write `bytes` to `path` without ever leaving a partial file there or replacing an
/// existing one: write and sync a temporary file in the same folder, then hard-link
/// it to `path` (which fails if `path` appeared meanwhile) and remove the temporary
/// name. Where the file system has no hard links, rename it after a last check.
fn write_whole(path: &Path, bytes: &[u8]) -> Result<()> {
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let tmp = path.with_file_name(format!(".{name}.{}.part", std::process::id()));
    let fail = |e: io::Error| Error::Ledger(format!("cannot write {}: {e}", path.display()));
    let mut f = create(&tmp)?;
    if let Err(e) = f.write_all(bytes).and_then(|()| f.sync_all()) {
        drop(f);
        let _ = std::fs::remove_file(&tmp);
        return Err(fail(e));
    }
    drop(f);
    let placed = match std::fs::hard_link(&tmp, path) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => Err(exists(path)),
        Err(_) if path.exists() => Err(exists(path)),
        Err(_) => std::fs::rename(&tmp, path).map_err(fail),
    };
    let _ = std::fs::remove_file(&tmp);
    placed
}

/// The command succeeded: flush the file, or write the workbook (with a "Notes" sheet
/// when the tables carry notes, so the data sheets stay plain tables).
pub fn finish() -> Result<()> {
    let mut s = sink();
    match std::mem::replace(&mut *s, Sink::Stdout) {
        Sink::Stdout => Ok(io::stdout().flush()?),
        Sink::File { file: None, .. } => Ok(()),
        Sink::File {
            file: Some(mut f), ..
        } => Ok(f.flush()?),
        Sink::Whole { bytes: None, .. } => Ok(()),
        Sink::Whole {
            path,
            bytes: Some(b),
        } => write_whole(&path, &b),
        Sink::Workbook {
            path,
            mut sheets,
            notes,
        } => {
            if !notes.is_empty() {
                sheets.push(xlsx::Sheet {
                    name: "Notes".into(),
                    header: vec!["Note".into()],
                    rows: notes
                        .into_iter()
                        .map(|n| vec![xlsx::Value::Text(n)])
                        .collect(),
                });
            }
            let bytes = xlsx::workbook(&sheets)?;
            let mut f = create(&path)?;
            let written = f.write_all(&bytes).and_then(|()| f.sync_all());
            if let Err(e) = written {
                drop(f);
                let _ = std::fs::remove_file(&path);
                return Err(Error::Ledger(format!(
                    "cannot write {}: {e}",
                    path.display()
                )));
            }
            Ok(())
        }
    }
}

/// The command failed: remove a half-written output file, so that no file is
/// mistaken for a complete report.
pub fn abandon() {
    let mut s = sink();
    if let Sink::File {
        path,
        file: Some(f),
    } = std::mem::replace(&mut *s, Sink::Stdout)
    {
        drop(f);
        let _ = std::fs::remove_file(path);
    }
}
