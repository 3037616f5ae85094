//! The command tree as users meet it: `--help` with the global options shown once,
//! shell completions (`fundledger completions bash`) and the man page (`fundledger man`).
//!
//! Why hide global options below the top level: clap repeats every global option
//! (`--db`, `--format`, `--unit`, `--output`, `--lang`, `--wide`, `--columns`, `--bom`)
//! in the help of every subcommand, burying the two or three options that command
//! has. They are documented once, under "Global options", in `fundledger --help`, and
//! a subcommand's help says where to find them. They are still accepted anywhere on
//! the line (`fundledger deal pay … --db x.db`).
//!
//! How: clap copies a global option into a subcommand only if the subcommand has no
//! argument of that id, so every subcommand gets a hidden copy first. Parsing is
//! unchanged (the copy is the same argument, only hidden from help).

use clap::{Arg, Command, CommandFactory};

use super::Cli;

/// Heading of the global options in `fundledger --help`.
pub const GLOBAL: &str = "Global options";

const SEE_GLOBAL: &str =
    "Global options (--db, --format, --unit, --output, --lang, --wide, --columns, --bom) \
work with every command: see `fundledger --help`.";

/// The command tree with the global options under their own heading at the top
/// level and hidden from every subcommand's help.
pub fn command() -> Command {
    let cmd = Cli::command().mut_args(|a| {
        if a.is_global_set() {
            a.help_heading(GLOBAL)
        } else {
            a
        }
    });
    let globals: Vec<Arg> = cmd
        .get_arguments()
        .filter(|a| a.is_global_set())
        .cloned()
        .collect();
    cmd.mut_subcommands(|sc| hide_globals(sc, &globals))
}

fn hide_globals(sc: Command, globals: &[Arg]) -> Command {
    let mut sc = sc.mut_subcommands(|s| hide_globals(s, globals));
    for a in globals {
        sc = sc.arg(a.clone().hide(true));
    }
    let after = match sc.get_after_help() {
        Some(h) => format!("{h}\n\n{SEE_GLOBAL}"),
        None => SEE_GLOBAL.to_string(),
    };
    sc.after_help(after)
}

/// The completion script for `shell`. Completions come from the full tree (global
/// options offered after a subcommand too, where they are accepted).
pub fn completions(shell: clap_complete::Shell) -> Vec<u8> {
    let mut buf = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "fundledger", &mut buf);
    buf
}

/// The man page (roff): the top-level help with the global options once, and the list
/// of commands.
pub fn man() -> std::io::Result<Vec<u8>> {
    let mut buf = Vec::new();
    clap_mangen::Man::new(command()).render(&mut buf)?;
    Ok(buf)
}
