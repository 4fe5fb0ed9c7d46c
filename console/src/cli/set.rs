//! `set …`: custody sets of operator cards (CSUCSVK, CSUCPAS, CSUCCST, CSUCVST, CSUCSST), and
//! the card-by-card ceremony every multi-card command shares (the directory's `bind`,
//! `activate`, `partition-bind` and `authorize` too, in `custody.rs`).
//!
//! A ceremony goes through one card per call, in one process (the library's ceremony buffer
//! is only good in the process that made it): [`Ceremony::step`] takes one card, and
//! [`drive`] (the command line) or the menu's dialogs (`tui/card.rs`) ask for each card in
//! turn. A set whose writing stops after its first card is recorded pending by the library
//! and is never accepted: the console says it must not be used.

use clap::{Args, Subcommand, ValueEnum};
use serde_json::json;

use crate::cca::set::{Buffer, Header, Kind, Step};
use crate::cca::{self, Failure};
use crate::error::ConsoleError;
use crate::report::{Report, table};
use crate::secret::{self, Secret, Source};

/// The kind of set `set create` writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum SetKind {
    /// A server master key set (CSUCSVK): whole on one card (1 of 1) or split M of N.
    Svmk,
    /// A partition authorisation set (CSUCPAS): split M of N, M at least 2.
    Partition,
}

/// The cards of a ceremony: one `--reader` per card in order, or one reader for every card
/// (the console then asks on the terminal for each card to be inserted).
#[derive(Debug, Args)]
pub struct Cards {
    /// A reader holding the next card; repeat it for each card, or give one reader for all.
    #[arg(long = "reader", required = true, value_name = "READER")]
    pub readers: Vec<String>,
    /// Read the cards' PINs from this file descriptor, one line per card in order.
    #[arg(long, value_name = "FD")]
    pub pin_fd: Option<i32>,
}

/// `set create`.
#[derive(Debug, Args)]
pub struct CreateArgs {
    /// What the set holds.
    #[arg(long, value_enum)]
    pub kind: SetKind,
    /// Cards needed to recombine the secret.
    #[arg(long)]
    pub m: u32,
    /// Cards written.
    #[arg(long)]
    pub n: u32,
    #[command(flatten)]
    pub cards: Cards,
    /// The label written on each card (0..64 printable characters): one for every card, or
    /// one per card in order. The first card's label names the set.
    #[arg(long = "label", required = true, value_name = "LABEL")]
    pub labels: Vec<String>,
    /// Do not ask for a confirmation.
    #[arg(long)]
    pub yes: bool,
}

/// `set copy`.
#[derive(Debug, Args)]
pub struct CopyArgs {
    /// M' of the new set (1 with --n 1: an SVMK whole on one card).
    #[arg(long)]
    pub m: u32,
    /// N' of the new set.
    #[arg(long)]
    pub n: u32,
    /// The readers: first the M source cards, then the N' erased cards of the new set (or
    /// one reader for all of them).
    #[command(flatten)]
    pub cards: Cards,
    /// The label of each new card: one for all, or one per new card in order.
    #[arg(long = "label", required = true, value_name = "LABEL")]
    pub labels: Vec<String>,
    /// Do not ask for a confirmation.
    #[arg(long)]
    pub yes: bool,
}

/// The set commands.
#[derive(Debug, Subcommand)]
pub enum SetCommand {
    /// Write a new set M of N onto erased cards.
    Create(CreateArgs),
    /// Copy a complete set (M of its cards) to a new set M' of N'.
    Copy(CopyArgs),
    /// Prove that M cards of a set give its secret back (nothing is changed).
    Verify(Cards),
    /// Whether the set of the card in each reader is complete, pending, invalid or unknown
    /// to this directory (no PIN).
    Status {
        /// A reader holding a card; repeat it for several.
        #[arg(long = "reader", required = true, value_name = "READER")]
        readers: Vec<String>,
    },
}

/// Runs a set command.
pub fn run(cmd: &SetCommand) -> Result<Report, ConsoleError> {
    match cmd {
        SetCommand::Create(a) => {
            count_matches("--reader", a.cards.readers.len(), a.n)?;
            count_matches("--label", a.labels.len(), a.n)?;
            check_labels(&a.labels)?;
            one_reader_needs_terminal(&a.cards.readers, a.n)?;
            let kind = match a.kind {
                SetKind::Svmk => Kind::Svmk,
                SetKind::Partition => Kind::Partition,
            };
            super::confirm(
                a.yes,
                &format!(
                    "Write a new {} set {} of {} onto erased cards.",
                    kind_name(kind),
                    a.m,
                    a.n
                ),
            )?;
            let mut c = Ceremony::new(Op::Create {
                kind,
                m: a.m,
                n: a.n,
            });
            drive(&mut c, &a.cards, &a.labels)
        }
        SetCommand::Copy(a) => {
            count_matches("--label", a.labels.len(), a.n)?;
            check_labels(&a.labels)?;
            if a.cards.readers.len() != 1 && a.cards.readers.len() <= a.n as usize {
                return Err(ConsoleError::Usage(format!(
                    "--reader: give one reader for every card, or the M source readers and then {} new ones",
                    a.n
                )));
            }
            super::confirm(
                a.yes,
                &format!(
                    "Copy a set onto {} erased cards (a new set {} of {}).",
                    a.n, a.m, a.n
                ),
            )?;
            let mut c = Ceremony::new(Op::Copy { m: a.m, n: a.n });
            drive(&mut c, &a.cards, &a.labels)
        }
        SetCommand::Verify(cards) => drive(&mut Ceremony::new(Op::Verify), cards, &[]),
        SetCommand::Status { readers } => status(readers),
    }
}

/// Labels of 0..64 printable ASCII characters (the library checks them too: 8/72, 8/X'F180').
fn check_labels(labels: &[String]) -> Result<(), ConsoleError> {
    match labels
        .iter()
        .find(|l| l.len() > 64 || !l.bytes().all(|b| (0x20..0x7f).contains(&b)))
    {
        Some(l) => Err(ConsoleError::Usage(format!(
            "--label {l:?}: a label is 0 to 64 printable ASCII characters"
        ))),
        None => Ok(()),
    }
}

/// A list given once for all cards or once per card.
fn count_matches(option: &str, given: usize, n: u32) -> Result<(), ConsoleError> {
    if given == 1 || given == n as usize {
        Ok(())
    } else {
        Err(ConsoleError::Usage(format!(
            "{option}: give one for every card, or one per card ({n}); {given} given"
        )))
    }
}

/// One reader for several cards: the console must be able to ask for each card.
fn one_reader_needs_terminal(readers: &[String], cards: u32) -> Result<(), ConsoleError> {
    if readers.len() == 1 && cards > 1 && !has_terminal() {
        return Err(ConsoleError::Usage(format!(
            "one --reader for {cards} cards needs a terminal to ask for each card; give one --reader per card"
        )));
    }
    Ok(())
}

fn has_terminal() -> bool {
    std::fs::File::options()
        .read(true)
        .write(true)
        .open("/dev/tty")
        .is_ok()
}

fn kind_name(kind: Kind) -> &'static str {
    match kind {
        Kind::Svmk => "server master key",
        Kind::Partition => "partition authorisation",
    }
}

/// What a ceremony does.
pub enum Op {
    /// CSUCSVK / CSUCPAS: a new set M of N.
    Create {
        /// SVMK or partition.
        kind: Kind,
        /// M.
        m: u32,
        /// N.
        n: u32,
    },
    /// CSUCCST: M cards of a set read, then a new set M' of N' written.
    Copy {
        /// M'.
        m: u32,
        /// N'.
        n: u32,
    },
    /// CSUCVST.
    Verify,
    /// CSUCBND.
    Bind,
    /// CSUCACT.
    Activate,
    /// CSUCPBD with the partition password.
    PartitionBind(Secret),
    /// CSUCAUT with the partition password and the expiry in seconds (0: none).
    Authorise(Secret, i32),
}

/// The card a ceremony needs next.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Turn {
    /// `card`, `source card` or `new card`.
    pub what: &'static str,
    /// Its place, from 1.
    pub index: u32,
    /// Of how many (unknown before the first card of a set being read).
    pub of: Option<u32>,
    /// The card is written (it must be erased and gets a label).
    pub written: bool,
}

impl std::fmt::Display for Turn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.what, self.index)?;
        if let Some(of) = self.of {
            write!(f, " of {of}")?;
        }
        Ok(())
    }
}

/// One card of the ceremony as done: its reader and (written cards) its label.
#[derive(Clone, Debug)]
struct Done {
    turn: Turn,
    reader: String,
    label: Option<String>,
}

/// A ceremony in progress: what it does, its buffer, the cards done.
pub struct Ceremony {
    op: Op,
    buffer: Buffer,
    done: Vec<Done>,
}

impl Ceremony {
    /// A ceremony not started yet.
    pub fn new(op: Op) -> Self {
        Ceremony {
            op,
            buffer: Buffer::default(),
            done: Vec::new(),
        }
    }

    /// The buffer's header after the last card.
    pub fn header(&self) -> Header {
        self.buffer.header()
    }

    /// The last card was done.
    pub fn finished(&self) -> bool {
        !self.done.is_empty() && self.header().phase == "DONE"
    }

    /// The card needed next.
    pub fn turn(&self) -> Turn {
        let h = self.header();
        let started = !self.done.is_empty();
        let next = if started { h.done + 1 } else { 1 };
        let known = |of: u32| (started && of > 0).then_some(of);
        match &self.op {
            Op::Create { n, .. } => Turn {
                what: "card",
                index: next,
                of: Some(*n),
                written: true,
            },
            Op::Copy { n, .. } if started && h.phase == "WRITE" => Turn {
                what: "new card",
                index: next,
                of: Some(*n),
                written: true,
            },
            Op::Copy { .. } => Turn {
                what: "source card",
                index: next,
                of: known(h.m),
                written: false,
            },
            _ => Turn {
                what: "card",
                index: next,
                of: known(h.m),
                written: false,
            },
        }
    }

    /// "Insert card 2 of 3 into READER, then press Enter" (the reader when known).
    pub fn insert_prompt(&self, reader: Option<&str>) -> String {
        let into = reader.map_or("a reader".to_string(), |r| r.to_string());
        format!("Insert {} into {into}, then press Enter", self.turn())
    }

    /// Takes the next card: `FIRST` for the first, `NEXT` after. A failure leaves the
    /// ceremony as it was (the same card with the right PIN, or another card, may follow);
    /// its error carries a note when cards were already written.
    pub fn step(&mut self, reader: &str, pin: &Secret, label: &str) -> Result<(), ConsoleError> {
        let turn = self.turn();
        let step = if self.done.is_empty() {
            Step::First
        } else {
            Step::Next
        };
        let b = &mut self.buffer;
        let outcome = match &self.op {
            Op::Create { kind, m, n } => {
                cca::set::create(*kind, step, reader, pin, label, (*m, *n), b)
            }
            Op::Copy { m, n } => cca::set::copy(step, reader, pin, label, (*m, *n), b),
            Op::Verify => cca::set::verify(step, reader, pin, b),
            Op::Bind => cca::custody::bind(step, reader, pin, b),
            Op::Activate => cca::custody::activate(step, reader, pin, b),
            Op::PartitionBind(pw) => cca::custody::partition_bind(step, reader, pin, pw, b),
            Op::Authorise(pw, expiry) => cca::custody::authorise(step, reader, pin, pw, *expiry, b),
        };
        match outcome {
            Ok(()) => {
                self.done.push(Done {
                    label: turn.written.then(|| label.to_string()),
                    turn,
                    reader: reader.to_string(),
                });
                Ok(())
            }
            Err(f) => Err(self.failed(f)),
        }
    }

    /// A failure, with what the cards done so far left behind.
    fn failed(&self, f: Failure) -> ConsoleError {
        match self.stop_note() {
            Some(note) => ConsoleError::Stopped(f, note),
            None => ConsoleError::Verb(f),
        }
    }

    /// What stopping now leaves behind (None before the first card: nothing).
    pub fn stop_note(&self) -> Option<String> {
        if self.done.is_empty() || self.finished() {
            return None;
        }
        let h = self.header();
        let written = self.done.iter().filter(|d| d.turn.written).count();
        Some(match &self.op {
            Op::Create { .. } | Op::Copy { .. } if written > 0 => format!(
                "The new set {} is interrupted after {} of {} cards: the directory records it \
                 pending and never accepts it. Do not use its cards: erase them and create the \
                 set again.",
                h.set_id, h.done, h.n
            ),
            Op::Copy { .. } => {
                "Only source cards were read: nothing was written and the source set is unchanged."
                    .into()
            }
            Op::Verify => "The set was not verified: fewer cards than it needs were read.".into(),
            _ => format!(
                "{} of {} cards were read: the directory is unchanged.",
                h.done, h.m
            ),
        })
    }

    /// The report of a finished ceremony.
    pub fn report(&self) -> Report {
        let h = self.header();
        let cards: Vec<serde_json::Value> = self
            .done
            .iter()
            .map(|d| json!({ "card": d.turn.to_string(), "reader": d.reader, "label": d.label }))
            .collect();
        let what = match &self.op {
            Op::Create { kind, .. } => format!("A new {} set was written.", kind_name(*kind)),
            Op::Copy { .. } => "The set was copied to a new set.".into(),
            Op::Verify => "The set gives its secret back: verified.".into(),
            Op::Bind => "The directory is bound to the server master key set and active.".into(),
            Op::Activate => "The directory is active.".into(),
            Op::PartitionBind(_) => {
                "The directory is bound to the partition set (not authorised yet).".into()
            }
            Op::Authorise(_, 0) => "The partition is authorised (no expiry).".into(),
            Op::Authorise(_, s) => format!("The partition is authorised for {s} seconds."),
        };
        let mut rows = vec![
            ("Kind", h.kind.clone()),
            ("M of N", format!("{} of {}", h.m, h.n)),
            ("Set Id", h.set_id.clone()),
            ("Check Value", h.check_value.clone()),
        ];
        for d in &self.done {
            let mut t = d.reader.clone();
            if let Some(l) = &d.label {
                t.push_str(&format!(" (label {l})"));
            }
            rows.push(("Card", format!("{}: {t}", d.turn)));
        }
        Report::new(
            format!("{what}\n{}", table(rows)),
            json!({
                "verb": h.verb, "kind": h.kind, "m": h.m, "n": h.n,
                "set_id": h.set_id, "check_value": h.check_value, "cards": cards,
            }),
        )
    }
}

/// The command line's ceremony: each card in turn, from its reader (one reader: the console
/// asks on the terminal for the card to be changed), its PIN from `--pin-fd` or the terminal,
/// its label (written cards) from `labels` (one for all, or one per written card).
pub fn drive(c: &mut Ceremony, cards: &Cards, labels: &[String]) -> Result<Report, ConsoleError> {
    let pins = Source::from_fd(cards.pin_fd);
    while !c.finished() {
        let turn = c.turn();
        let call = c.done.len();
        let reader = match cards.readers.as_slice() {
            [one] => {
                if call > 0 {
                    secret::ask_terminal(&c.insert_prompt(Some(one))).map_err(|_| {
                        stopped(
                            c,
                            format!(
                                "{turn} is needed and there is no terminal to ask for it: give one --reader per card"
                            ),
                        )
                    })?;
                }
                one.clone()
            }
            many => many.get(call).cloned().ok_or_else(|| {
                stopped(
                    c,
                    format!(
                        "{turn} is needed but only {} readers were given",
                        many.len()
                    ),
                )
            })?,
        };
        let label = if turn.written {
            let k = c.done.iter().filter(|d| d.turn.written).count();
            labels
                .get(if labels.len() == 1 { 0 } else { k })
                .cloned()
                .unwrap_or_default()
        } else {
            String::new()
        };
        let pin = secret::read(pins, &format!("PIN of {turn} (in {reader})"))?;
        c.step(&reader, &pin, &label)?;
    }
    let mut report = c.report();
    let used = c.done.len();
    if cards.readers.len() > 1 && cards.readers.len() > used {
        report.text.push_str(&format!(
            "Readers given but not needed: {}\n",
            cards.readers[used..].join(", ")
        ));
    }
    Ok(report)
}

/// A ceremony stopped by the console itself (exit 1), with what it leaves behind.
fn stopped(c: &Ceremony, why: String) -> ConsoleError {
    match c.stop_note() {
        Some(note) => ConsoleError::Refused(format!("{why}.\n{note}")),
        None => ConsoleError::Refused(format!("{why}: nothing was done")),
    }
}

/// `set status`: CSUCSST for each reader.
pub fn status(readers: &[String]) -> Result<Report, ConsoleError> {
    let mut text = String::new();
    let mut list = Vec::new();
    for r in readers {
        let s = cca::set::status(r)?;
        let meaning = match s.state.as_str() {
            "COMPLETE" => "complete: usable",
            "PENDING" => "pending: never completed, never accepted: do not use",
            "INVALID" => "invalid: a card write failed: do not use",
            "UNKNOWN" => "not recorded in this directory",
            "MISMATCH" => "does not match the set this directory records",
            _ => "no content",
        };
        text.push_str(&table([
            ("Reader", r.clone()),
            ("Status", format!("{} ({meaning})", s.state)),
            ("Kind", s.kind.clone()),
            ("Set Id", s.set_id.clone()),
            ("M of N", format!("{} of {}", s.m, s.n)),
            ("Index", s.index.clone()),
            ("Check Value", s.check_value.clone()),
            ("Copied From", s.copied_from.clone()),
            ("Set Label", s.label.clone()),
        ]));
        text.push('\n');
        list.push(json!({
            "reader": r, "status": s.state, "kind": s.kind, "set_id": s.set_id,
            "m": s.m, "n": s.n, "index": s.index, "recorded": s.recorded,
            "check_value": s.check_value, "copied_from": s.copied_from, "label": s.label,
        }));
    }
    Ok(Report::new(text, json!({ "cards": list })))
}
