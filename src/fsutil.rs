//! Files that appear complete or not at all.
//!
//! `init`, `backup` and `export --output` build their file under a temporary name in
//! the destination's own folder (so the final move is a rename within one file
//! system) and move it into place only when it is complete. A full disk, an error or a
//! kill leaves at most a `.NAME.partial-PID-N` file beside it, never a 0-byte or
//! half-written file under the name the user asked for, so a retry is not blocked.
//!
//! The final move never replaces a file: it is a hard link (which fails if the name
//! exists) followed by removing the temporary name; where the file system has no hard
//! links, an existence check and a rename.

use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};

/// A fresh temporary path beside `dest`: `.NAME.partial-PID-N` in the same folder.
pub fn temp_path(dest: &Path) -> PathBuf {
    static N: AtomicU32 = AtomicU32::new(0);
    let name = dest
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "output".into());
    let n = N.fetch_add(1, Ordering::Relaxed);
    dest.with_file_name(format!(".{name}.partial-{}-{n}", std::process::id()))
}

/// Move the complete file `tmp` to `dest`, refusing to replace an existing `dest`
/// (`AlreadyExists`). On success `tmp` is gone; on failure it is left for the caller
/// to remove.
pub fn publish(tmp: &Path, dest: &Path) -> io::Result<()> {
    match std::fs::hard_link(tmp, dest) {
        Ok(()) => {
            std::fs::remove_file(tmp)?;
            Ok(())
        }
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => Err(e),
        Err(_) => {
            // No hard links here (some network and FAT file systems): check, then
            // rename. The window between the two is the only race left.
            if dest.exists() {
                return Err(io::Error::new(
                    io::ErrorKind::AlreadyExists,
                    format!("{} already exists", dest.display()),
                ));
            }
            std::fs::rename(tmp, dest)
        }
    }
}

/// Remove a temporary file if it is there (after a failure); errors are ignored,
/// since the failure being reported matters more.
pub fn discard(tmp: &Path) {
    let _ = std::fs::remove_file(tmp);
}

/// Other processes that have `path` open, as (pid, program name), where the system
/// can tell (Linux `/proc`); empty elsewhere or when it cannot be read.
pub fn holders(path: &Path) -> Vec<(u32, String)> {
    let Ok(target) = std::fs::canonicalize(path) else {
        return Vec::new();
    };
    let me = std::process::id();
    let Ok(procs) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for p in procs.flatten() {
        let Some(pid) = p.file_name().to_str().and_then(|s| s.parse::<u32>().ok()) else {
            continue;
        };
        if pid == me {
            continue;
        }
        let Ok(fds) = std::fs::read_dir(p.path().join("fd")) else {
            continue;
        };
        let open = fds
            .flatten()
            .any(|fd| std::fs::read_link(fd.path()).is_ok_and(|l| l == target));
        if open {
            let name = std::fs::read_to_string(p.path().join("comm"))
                .map(|s| s.trim().to_string())
                .unwrap_or_else(|_| "?".into());
            out.push((pid, name));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn publish_moves_and_never_replaces() {
        let dir = tempfile::tempdir().unwrap();
        let dest = dir.path().join("out.csv");
        let tmp = temp_path(&dest);
        assert_eq!(tmp.parent(), dest.parent());
        assert_ne!(temp_path(&dest), tmp);
        std::fs::write(&tmp, "a").unwrap();
        publish(&tmp, &dest).unwrap();
        assert!(!tmp.exists());
        assert_eq!(std::fs::read_to_string(&dest).unwrap(), "a");
        let tmp2 = temp_path(&dest);
        std::fs::write(&tmp2, "b").unwrap();
        let e = publish(&tmp2, &dest).unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::AlreadyExists);
        assert_eq!(std::fs::read_to_string(&dest).unwrap(), "a");
        discard(&tmp2);
        assert!(!tmp2.exists());
    }
}
