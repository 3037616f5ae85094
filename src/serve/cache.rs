//! Built pages, kept while the ledger file is unchanged.
//!
//! Why: a page over a million entries takes a second or more to build, and two hundred
//! people opening the overview at 9 o'clock would build it two hundred times. A page is
//! kept under its URL and the ledger's version (the file's size and modification
//! time), so any write, from this server or the CLI, makes every kept page stale at
//! once. Requests for a page being built wait for it rather than build it again.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use super::Response;

/// Pages kept at most; past it, the oldest versions go first (all of them at once:
/// a new version means the old pages will not be asked for again).
const MAX: usize = 256;

#[derive(Default)]
pub struct Pages {
    map: Mutex<HashMap<String, Arc<OnceLock<Response>>>>,
}

impl Pages {
    /// The page under `key`, built by `build` if nobody has built it yet. Only pages
    /// answered with 200 are kept.
    pub fn get_or_build(&self, key: String, build: impl FnOnce() -> Response) -> Response {
        let slot = {
            let mut map = self.map.lock().unwrap_or_else(|p| p.into_inner());
            if map.len() >= MAX && !map.contains_key(&key) {
                map.clear();
            }
            map.entry(key.clone()).or_default().clone()
        };
        let page = slot.get_or_init(build).clone();
        if page.status != 200 {
            let mut map = self.map.lock().unwrap_or_else(|p| p.into_inner());
            map.remove(&key);
        }
        page
    }
}
