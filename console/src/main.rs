//! softcca-console: the operator console of softcca (docs/console.md).
//!
//! Two faces over the same calls: a full-screen menu in the layout of the HSM consoles
//! operators know ([`tui`]), and a scriptable command line with `--json` output and exit
//! statuses ([`cli`]). Both call only the library's C entry points ([`cca`], the one module
//! with `unsafe` code), as any C program does; the console adds no cryptography of its own.
//! PINs, passphrases and key parts are read from the terminal with echo off or from a file
//! descriptor ([`secret`]), never from an argument, and are never printed or logged.
#![deny(unsafe_code)]
#![warn(missing_docs, rust_2018_idioms)]

mod cca;
mod cli;
mod error;
mod profile;
mod report;
mod secret;
mod tui;

use std::io::IsTerminal;

use clap::Parser;

fn main() {
    // Before any secret is read: no core dump of this process (it holds PINs, passphrases
    // and key parts in memory), and no other process of the same user may read its memory,
    // environment or descriptors through /proc or ptrace (docs/console.md "Secrets").
    if rustix::process::set_dumpable_behavior(rustix::process::DumpableBehavior::NotDumpable)
        .is_err()
    {
        eprintln!("softcca-console: cannot make the process non-dumpable (prctl); not started");
        std::process::exit(1);
    }
    secret::note_inherited_descriptors();
    let cli = cli::Cli::parse();
    cca::keyrec::use_private_list_dir();
    if let Some(home) = &cli.home {
        cca::set_home(home);
    }
    let menu = matches!(cli.command, None | Some(cli::Command::Menu));
    let outcome = if menu {
        if std::io::stdin().is_terminal() && std::io::stdout().is_terminal() {
            tui::run(&cli.logon)
        } else {
            Err(error::ConsoleError::Usage(
                "the menu needs a terminal; give a command (see --help)".into(),
            ))
        }
    } else {
        cli::execute(&cli)
    };
    match outcome {
        Ok(report) => report.print(cli.json),
        Err(e) => {
            if cli.json {
                println!("{}", e.json());
            } else {
                eprintln!("softcca-console: {e}");
            }
            std::process::exit(e.exit_code());
        }
    }
}
