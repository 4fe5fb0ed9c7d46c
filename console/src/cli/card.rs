//! `card …`: one operator card (CSUCINS, CSUCGLB, CSUCCPN, CSUCERA, CSUCCPY).
//!
//! Each command reads its PINs (the terminal with echo off, or `--pin-fd`), asks for a
//! confirmation where a card changes for good, then calls its operation function; the menu
//! (`tui/card.rs`) calls the same operation functions after its dialogs.

use clap::{Args, Subcommand};
use serde_json::json;

use crate::cca;
use crate::error::ConsoleError;
use crate::report::{Report, table};
use crate::secret::{self, Secret, Source};

/// The reader and the PIN source every card command takes.
#[derive(Debug, Args)]
pub struct CardArgs {
    /// The reader holding the card (as `readers` lists it).
    #[arg(long)]
    pub reader: String,
    /// Read the PIN from this file descriptor (one line) instead of the terminal.
    #[arg(long, value_name = "FD")]
    pub pin_fd: Option<i32>,
}

/// The card commands.
#[derive(Debug, Subcommand)]
pub enum CardCommand {
    /// The Inspect screen of the card in a reader (with --pin, its label too).
    Inspect {
        /// The reader holding the card (as `readers` lists it).
        #[arg(long)]
        reader: String,
        /// Also read the label: the card's PIN is asked for (or read from --pin-fd).
        #[arg(long)]
        pin: bool,
        /// Read the PIN from this file descriptor instead of the terminal.
        #[arg(long, value_name = "FD")]
        pin_fd: Option<i32>,
    },
    /// The card's label (its PIN is verified first; a wrong PIN counts).
    GetLabel(CardArgs),
    /// The card's one PIN change: the old PIN, then the new one (twice on a terminal; from
    /// --pin-fd: two lines, old then new).
    ChangePin {
        #[command(flatten)]
        card: CardArgs,
        /// Do not ask for a confirmation (a PIN can be changed only once).
        #[arg(long)]
        yes: bool,
    },
    /// Erase the card (content, label; the transport PIN back): after its PIN.
    Erase {
        #[command(flatten)]
        card: CardArgs,
        /// Do not ask for a confirmation.
        #[arg(long)]
        yes: bool,
    },
    /// Copy the card in one reader onto the erased card in another (one PIN for both).
    Copy {
        /// The reader of the card to copy.
        #[arg(long)]
        source: String,
        /// The reader of the erased card to write.
        #[arg(long)]
        target: String,
        /// Read the PIN from this file descriptor instead of the terminal.
        #[arg(long, value_name = "FD")]
        pin_fd: Option<i32>,
        /// Do not ask for a confirmation.
        #[arg(long)]
        yes: bool,
    },
}

/// The warning shown before Change PIN, on the command line and in the menu.
pub const ONCE_ONLY: &str = "A card's PIN can be changed only once: after this change only \
Erase (which deletes the card's content) allows another.";

/// Runs a card command: reads its secrets, then the operation.
pub fn run(cmd: &CardCommand) -> Result<Report, ConsoleError> {
    match cmd {
        CardCommand::Inspect {
            reader,
            pin,
            pin_fd,
        } => {
            let pin = if *pin || pin_fd.is_some() {
                Some(secret::read(Source::from_fd(*pin_fd), "PIN")?)
            } else {
                None
            };
            inspect(reader, pin.as_ref())
        }
        CardCommand::GetLabel(c) => {
            let pin = secret::read(Source::from_fd(c.pin_fd), &pin_prompt(&c.reader))?;
            get_label(&c.reader, &pin)
        }
        CardCommand::ChangePin { card, yes } => {
            super::confirm(*yes, ONCE_ONLY)?;
            let source = Source::from_fd(card.pin_fd);
            let old = secret::read(source, &format!("Current {}", pin_prompt(&card.reader)))?;
            let new = new_secret(source, "New PIN (8 digits or E.161 letters)")?;
            change_pin(&card.reader, &old, &new)
        }
        CardCommand::Erase { card, yes } => {
            super::confirm(
                *yes,
                &format!(
                    "Erase the card in {}: its content and label are deleted for good.",
                    card.reader
                ),
            )?;
            let pin = secret::read(Source::from_fd(card.pin_fd), &pin_prompt(&card.reader))?;
            erase(&card.reader, &pin)
        }
        CardCommand::Copy {
            source,
            target,
            pin_fd,
            yes,
        } => {
            super::confirm(
                *yes,
                &format!("Copy the card in {source} onto the erased card in {target}."),
            )?;
            let pin = secret::read(Source::from_fd(*pin_fd), "PIN of both cards (the same PIN)")?;
            copy(source, target, &pin)
        }
    }
}

/// "PIN of the card in READER".
pub fn pin_prompt(reader: &str) -> String {
    format!("PIN of the card in {reader}")
}

/// A new PIN or password: from a descriptor one line; on the terminal typed twice and
/// compared (a mistyped new PIN would lock its card's holder out).
pub fn new_secret(source: Source, prompt: &str) -> Result<Secret, ConsoleError> {
    let first = secret::read(source, prompt)?;
    if source == Source::Terminal {
        let again = secret::read(source, &format!("{prompt}, again"))?;
        same_entries(&first, &again)?;
    }
    Ok(first)
}

/// The two entries of a new PIN or password agree (compared in constant time); else nothing
/// is done (the command line and the menu).
pub fn same_entries(first: &Secret, again: &Secret) -> Result<(), ConsoleError> {
    if secret::equal(first, again) {
        Ok(())
    } else {
        Err(ConsoleError::Usage(
            "the two entries differ: nothing was changed".into(),
        ))
    }
}

/// The Inspect fields shown, in the order of the Inspect screen (the label only when read).
fn shown(i: &cca::card::Inspection) -> Vec<(&'static str, String)> {
    let label_read = i.get("Label Read") == Some("Y");
    i.fields
        .iter()
        .filter(|(l, _)| !matches!(*l, "Label Read" | "Label Length"))
        .filter(|(l, _)| label_read || *l != "Label")
        .map(|(l, v)| match *l {
            "ATR" => (*l, colons(v)),
            "PIN SCR" => (*l, v.parse::<u32>().map_or(v.clone(), |n| n.to_string())),
            _ => (*l, v.clone()),
        })
        .collect()
}

/// Hex digits as the seed's screen writes them: byte by byte with colons (`3B:7A:…`).
fn colons(hex: &str) -> String {
    hex.as_bytes()
        .chunks(2)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join(":")
}

/// Inspect: the card's fields (with a PIN, its label too).
pub fn inspect(reader: &str, pin: Option<&Secret>) -> Result<Report, ConsoleError> {
    let i = cca::card::inspect(reader, pin)?;
    let rows = shown(&i);
    let mut obj = serde_json::Map::new();
    obj.insert("reader".into(), reader.into());
    for (l, v) in &i.fields {
        if matches!(*l, "Label Read" | "Label Length") {
            continue;
        }
        obj.insert(l.to_lowercase().replace(' ', "_"), v.clone().into());
    }
    if i.get("Label Read") != Some("Y") {
        obj.remove("label");
    }
    Ok(Report::new(table(rows), json!(obj)))
}

/// Get Label.
pub fn get_label(reader: &str, pin: &Secret) -> Result<Report, ConsoleError> {
    let label = cca::card::get_label(reader, pin)?;
    Ok(Report::new(
        table([("Reader", reader.to_string()), ("Label", label.clone())]),
        json!({ "reader": reader, "label": label }),
    ))
}

/// Change PIN (the library checks both PINs: 8 digits after E.161 mapping).
pub fn change_pin(reader: &str, old: &Secret, new: &Secret) -> Result<Report, ConsoleError> {
    cca::card::change_pin(reader, old, new)?;
    Ok(Report::new(
        format!("The PIN of the card in {reader} was changed; the card allows no other change."),
        json!({ "reader": reader, "pin_changed": true }),
    ))
}

/// Erase.
pub fn erase(reader: &str, pin: &Secret) -> Result<Report, ConsoleError> {
    cca::card::erase(reader, pin)?;
    Ok(Report::new(
        format!(
            "The card in {reader} was erased: no content, no label, the transport PIN, one PIN change allowed."
        ),
        json!({ "reader": reader, "erased": true }),
    ))
}

/// Copy Card.
pub fn copy(source: &str, target: &str, pin: &Secret) -> Result<Report, ConsoleError> {
    cca::card::copy(source, target, pin)?;
    Ok(Report::new(
        format!("The card in {source} was copied onto the card in {target} and read back equal."),
        json!({ "source": source, "target": target, "copied": true }),
    ))
}
