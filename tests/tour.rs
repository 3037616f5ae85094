//! The README's tour, run line by line as a user would paste it, in a scratch folder.
//!
//! Every command line must succeed, except those the tour marks `# refused`, which must
//! exit 1. Three set-up lines are adapted to the test: `REPO=` points at this checkout,
//! `fundledger()` at the binary under test (the tour uses the release build the README's
//! first command made), and the scratch folder is the test's own. Lines that need
//! hledger or Beancount are skipped, and say so, when those tools are missing.

use std::path::Path;
use std::process::Command;

fn have(tool: &str) -> bool {
    Command::new("sh")
        .arg("-c")
        .arg(format!("command -v {tool}"))
        .output()
        .is_ok_and(|o| o.status.success())
}

#[test]
fn the_readme_tour_runs_as_written() {
    let repo = env!("CARGO_MANIFEST_DIR");
    let readme = std::fs::read_to_string(Path::new(repo).join("README.md")).unwrap();
    let tour = readme.split("## A tour").nth(1).expect("a tour section");
    let block = tour
        .split("```sh\n")
        .nth(1)
        .and_then(|b| b.split("```").next())
        .expect("a sh block in the tour");
    let scratch = tempfile::tempdir().unwrap();
    let q = |p: &str| format!("'{}'", p.replace('\'', "'\\''"));
    let mut script = String::from("set -u\n");
    let mut expected = Vec::new();
    let mut adapted = 0;
    for (i, line) in block.lines().enumerate() {
        let t = line.trim();
        if t.is_empty() || t.starts_with('#') {
            continue;
        }
        let line = if t.starts_with("REPO=") {
            adapted += 1;
            format!("REPO={}", q(repo))
        } else if t.starts_with("fundledger()") {
            adapted += 1;
            format!(
                "fundledger() {{ {} \"$@\"; }}",
                q(env!("CARGO_BIN_EXE_fundledger"))
            )
        } else if t.starts_with("cd \"$(mktemp -d)\"") {
            adapted += 1;
            format!("cd {}", q(scratch.path().to_str().unwrap()))
        } else {
            let missing = ["hledger", "bean-check"]
                .into_iter()
                .find(|tool| t.contains(&format!("{tool} ")) && !have(tool));
            if let Some(tool) = missing {
                println!("SKIPPED: {tool} not installed: {t}");
                continue;
            }
            line.to_string()
        };
        let want = if t.contains("# refused") { 1 } else { 0 };
        expected.push((i + 1, want, t.to_string()));
        script.push_str(&line);
        script.push_str(&format!("\necho \"__rc {} $?\"\n", i + 1));
    }
    assert_eq!(
        adapted, 3,
        "the tour's set-up lines changed; adapt this test"
    );
    let out = Command::new("bash")
        .arg("-c")
        .arg(&script)
        .current_dir(scratch.path())
        .env_remove("FUNDLEDGER_DB")
        .env_remove("FUNDLEDGER_TODAY")
        .env_remove("FUNDLEDGER_NOW")
        .env("FUNDLEDGER_USER", "tour")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    let got: Vec<(usize, i32)> = stdout
        .lines()
        .filter_map(|l| l.strip_prefix("__rc "))
        .map(|l| {
            let (n, rc) = l.split_once(' ').unwrap();
            (n.parse().unwrap(), rc.parse().unwrap())
        })
        .collect();
    assert_eq!(
        got.len(),
        expected.len(),
        "stdout: {stdout}\nstderr: {stderr}"
    );
    for ((line, want, text), (n, rc)) in expected.iter().zip(&got) {
        assert_eq!(line, n);
        assert_eq!(
            rc, want,
            "tour line {line} `{text}` exited {rc}, expected {want}\nstderr: {stderr}"
        );
    }
    // The loan schedule is shown as of the example's date: CY2021-011 is current, with
    // installments 8 to 24 open, not "overdue" by years.
    assert!(stdout.contains("As of 2022-06-15: current"), "{stdout}");
    assert!(!stdout.contains("overdue"), "{stdout}");
}
