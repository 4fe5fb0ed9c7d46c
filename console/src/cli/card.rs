//! `card …`: one operator card (CSUCINS, CSUCGLB, CSUCCPN, CSUCERA, CSUCCPY).

use clap::Subcommand;
use serde_json::json;

use crate::cca;
use crate::error::ConsoleError;
use crate::report::{Report, table};
use crate::secret::{self, Secret, Source};

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
}

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
    }
}

/// The Inspect fields shown, in the order of the Inspect screen (the label only when read).
fn shown(i: &cca::card::Inspection) -> Vec<(&'static str, String)> {
    let label_read = i.get("Label Read") == Some("Y");
    i.fields
        .iter()
        .filter(|(l, _)| !matches!(*l, "Label Read" | "Label Length"))
        .filter(|(l, _)| label_read || *l != "Label")
        .cloned()
        .collect()
}

/// Inspect: the card's fields (with a PIN, its label too).
pub fn inspect(reader: &str, pin: Option<&Secret>) -> Result<Report, ConsoleError> {
    let i = cca::card::inspect(reader, pin)?;
    let rows = shown(&i);
    let mut obj = serde_json::Map::new();
    obj.insert("reader".into(), reader.into());
    for (l, v) in &rows {
        obj.insert(l.to_lowercase().replace(' ', "_"), v.clone().into());
    }
    Ok(Report::new(table(rows), json!(obj)))
}
