//! A bounded load on a running `fundledger serve` on this machine: `concurrency`
//! clients at once, each sending its share of `requests` GETs for `path` over plain
//! HTTP/1.1, then the status counts and the latency percentiles. Only for loopback.
//!
//! Usage: serve_load 127.0.0.1:8640 /journal 200 200

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

fn get(addr: &str, path: &str) -> (u16, Duration) {
    let start = Instant::now();
    let mut s = match TcpStream::connect(addr) {
        Ok(s) => s,
        Err(_) => return (0, start.elapsed()),
    };
    let _ = s.set_read_timeout(Some(Duration::from_secs(120)));
    let req = format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n");
    if s.write_all(req.as_bytes()).is_err() {
        return (0, start.elapsed());
    }
    let mut buf = Vec::new();
    let _ = s.read_to_end(&mut buf);
    let status = String::from_utf8_lossy(&buf[..buf.len().min(12)])
        .split(' ')
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    (status, start.elapsed())
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let addr = args
        .get(1)
        .map_or("127.0.0.1:8640", String::as_str)
        .to_string();
    let path = args.get(2).map_or("/", String::as_str).to_string();
    let concurrency: usize = args.get(3).and_then(|s| s.parse().ok()).unwrap_or(200);
    let requests: usize = args.get(4).and_then(|s| s.parse().ok()).unwrap_or(200);
    assert!(
        addr.starts_with("127.") || addr.starts_with("localhost") || addr.starts_with("[::1]"),
        "load only a server on this machine (loopback)"
    );
    let wall = Instant::now();
    let per = requests.div_ceil(concurrency);
    let threads: Vec<_> = (0..concurrency)
        .map(|_| {
            let (addr, path) = (addr.clone(), path.clone());
            std::thread::spawn(move || (0..per).map(|_| get(&addr, &path)).collect::<Vec<_>>())
        })
        .collect();
    let mut all: Vec<(u16, Duration)> = threads
        .into_iter()
        .flat_map(|t| t.join().unwrap())
        .collect();
    let wall = wall.elapsed();
    all.sort_by_key(|(_, d)| *d);
    let pct = |p: f64| {
        all[((all.len() as f64 * p).ceil() as usize)
            .saturating_sub(1)
            .min(all.len() - 1)]
        .1
    };
    let ok = all.iter().filter(|(s, _)| *s == 200).count();
    println!(
        "{path}: {} requests, {concurrency} at once: {ok} × 200, {} other; p50 {:.0} ms, p99 {:.0} ms, max {:.0} ms; wall {:.2} s",
        all.len(),
        all.len() - ok,
        pct(0.50).as_secs_f64() * 1e3,
        pct(0.99).as_secs_f64() * 1e3,
        all.last().unwrap().1.as_secs_f64() * 1e3,
        wall.as_secs_f64()
    );
}
