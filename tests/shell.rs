//! Shell completions, the man page, and help that shows the global options once.

mod common;

use common::run_in;

/// Whether `line` is the line of option `opt` in a help page (`  --unit <UNIT>  …`), not
/// a description that mentions it.
fn option_line(line: &str, opt: &str) -> bool {
    line.trim_start()
        .strip_prefix(opt)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with(" <") || rest.starts_with("  "))
}

/// The global options, as `fundledger --help` must document them.
const GLOBALS: [&str; 8] = [
    "--db",
    "--format",
    "--unit",
    "--output",
    "--lang",
    "--wide",
    "--columns",
    "--bom",
];

#[test]
fn completions_for_each_shell_name_the_commands() {
    let dir = tempfile::tempdir().unwrap();
    for shell in ["bash", "zsh", "fish", "powershell"] {
        let r = run_in(dir.path(), &["completions", shell]);
        let script = r.ok();
        assert!(script.len() > 1000, "{shell}: {script}");
        // fish spells options `-l unit`.
        for word in ["fundledger", "portfolio", "completions", "unit"] {
            assert!(script.contains(word), "{shell} completions lack {word}");
        }
    }
    // Completion also follows a subcommand: `fundledger report portfolio --<TAB>`
    // offers --as-of and the global --unit (bash lists a subcommand's options on one
    // line).
    let bash = run_in(dir.path(), &["completions", "bash"])
        .ok()
        .to_string();
    assert!(
        bash.lines()
            .any(|l| l.contains("--as-of") && l.contains("--look-through") && l.contains("--unit")),
        "no bash option list for report portfolio"
    );
    // An unknown shell is a usage error naming the ones there are.
    let r = run_in(dir.path(), &["completions", "cmd.exe"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("bash"), "{}", r.stderr);
}

#[test]
fn man_page_is_roff_with_every_global_option_and_command() {
    let dir = tempfile::tempdir().unwrap();
    let r = run_in(dir.path(), &["man"]);
    let man = r.ok();
    // clap_mangen opens with two lines defining the apostrophe string (`.ie`/`.el`),
    // then the title line before any section.
    let first_macro = man
        .lines()
        .find(|l| l.starts_with(".TH") || l.starts_with(".SH"))
        .unwrap();
    assert!(first_macro.starts_with(".TH fundledger 1"), "{first_macro}");
    assert!(man.contains(".SH \"GLOBAL OPTIONS\""), "{man}");
    for g in GLOBALS {
        let roff = format!("\\fB{}\\fR", g.replace('-', "\\-"));
        assert!(man.contains(&roff), "man page lacks {g}");
    }
    for cmd in ["report", "deal", "loan", "audit", "completions", "man"] {
        assert!(
            man.contains(&format!("fundledger\\-{cmd}(1)")),
            "man page lacks {cmd}"
        );
    }
}

#[test]
fn subcommand_help_is_short_and_the_top_level_documents_the_global_options() {
    let dir = tempfile::tempdir().unwrap();
    let help = run_in(dir.path(), &["deal", "pay", "--help"])
        .ok()
        .to_string();
    for g in GLOBALS {
        assert!(
            !help.lines().any(|l| option_line(l, g)),
            "`deal pay --help` repeats {g}:\n{help}"
        );
    }
    assert!(help.contains("--amount <AMOUNT>"), "{help}");
    assert!(help.contains("see `fundledger --help`"), "{help}");
    // `deal pay --help` was 60-odd lines with the global options spelled out.
    assert!(help.lines().count() < 30, "{help}");
    let short = run_in(dir.path(), &["deal", "pay", "-h"]).ok().to_string();
    assert!(!short.contains("--columns <KEYS>"), "{short}");
    // The top level lists each of them once, under their own heading.
    for top in [
        run_in(dir.path(), &["--help"]).ok().to_string(),
        run_in(dir.path(), &["-h"]).ok().to_string(),
    ] {
        let (_, globals) = top
            .split_once("Global options:")
            .expect("a Global options heading");
        for g in GLOBALS {
            assert_eq!(
                top.lines().filter(|l| option_line(l, g)).count(),
                1,
                "{g} in:\n{top}"
            );
            assert!(globals.contains(g), "{g} not under Global options:\n{top}");
        }
    }
}

#[test]
fn global_options_still_work_after_the_subcommand() {
    let dir = tempfile::tempdir().unwrap();
    let db = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("ledger.db.example");
    let r = run_in(
        dir.path(),
        &[
            "report",
            "portfolio",
            "--db",
            db.to_str().unwrap(),
            "--unit",
            "wan",
            "--format",
            "csv",
            "--columns",
            "code,value",
        ],
    );
    let csv = r.ok();
    // NT's equity value in the seed: 13,624万元.
    assert!(csv.lines().any(|l| l == "NT,13624.00,"), "{csv}");
}
