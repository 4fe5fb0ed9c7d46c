//! The Smart Card menu (the seed's eight entries) and the Custody menu.
//!
//! Every entry collects its inputs in dialogs (reader, PIN masked, label, M and N, a
//! confirmation) and calls the command line's operation functions (`cli::card`, `cli::set`,
//! `cli::custody`). A ceremony of several cards keeps its prompt ("Insert card 2 of 3 into a
//! reader, then press Enter") on the screen while the reader, the PIN and the label are asked
//! for, so Esc on those goes back to it; Esc or Abandon on the prompt ends the ceremony and
//! says what it leaves behind (a set stopped after its first card must not be used).

use std::sync::{Arc, Mutex, MutexGuard};

use cursive::Cursive;
use cursive::event::Key;
use cursive::views::{Dialog, OnEventView, TextView};

use super::{Entry, ask_secret, ask_text, choose_reader, confirm, error, open_menu, show};
use crate::cca::set::Kind;
use crate::cli;
use crate::cli::set::{Ceremony, Op};
use crate::error::ConsoleError;
use crate::secret::Secret;

/// Smart Card: Inspect, Change PIN, Create Server Master Key, Erase, Create Partition Auth Set,
/// Get Label, Copy Set, Copy Card.
pub fn menu_entries() -> Vec<Entry> {
    vec![
        ("Inspect", inspect),
        ("Change PIN", change_pin),
        ("Create Server Master Key", |s| create(s, Kind::Svmk)),
        ("Erase", erase),
        ("Create Partition Auth Set", |s| create(s, Kind::Partition)),
        ("Get Label", get_label),
        ("Copy Set", copy_set),
        ("Copy Card", copy_card),
    ]
}

/// Opens the Smart Card menu.
pub fn menu(s: &mut Cursive) {
    open_menu(s, "Smart Card", &menu_entries(), true);
}

/// The Custody menu's entries.
pub fn custody_entries() -> Vec<Entry> {
    vec![
        ("Set Status", set_status),
        ("Verify Set", |s| start(s, "Verify Set", Op::Verify)),
        ("Bind", bind),
        ("Activate", |s| start(s, "Activate", Op::Activate)),
        ("Deactivate", |s| {
            show(s, "Deactivate", cli::custody::deactivate())
        }),
        ("Bind Partition", bind_partition),
        ("Authorise", authorise),
        ("Deauthorise", |s| {
            show(s, "Deauthorise", cli::custody::deauthorize())
        }),
    ]
}

/// Opens the Custody menu.
pub fn custody_menu(s: &mut Cursive) {
    open_menu(s, "Custody", &custody_entries(), true);
}

/// Inspect: pick a reader, then the card's fields in the Inspect screen's layout (a box
/// without a title, OK).
fn inspect(s: &mut Cursive) {
    choose_reader(s, "Inspect: choose the reader", |s, reader| {
        show(s, "", cli::card::inspect(&reader, None));
    });
}

/// Get Label: reader, PIN.
fn get_label(s: &mut Cursive) {
    choose_reader(s, "Get Label: choose the reader", |s, reader| {
        let prompt = cli::card::pin_prompt(&reader);
        ask_secret(s, "Get Label", &prompt, move |s, pin| {
            show(s, "Get Label", cli::card::get_label(&reader, &pin));
        });
    });
}

/// Change PIN: reader, the once-only warning, the current PIN, the new PIN twice.
fn change_pin(s: &mut Cursive) {
    choose_reader(s, "Change PIN: choose the reader", |s, reader| {
        let text = format!(
            "{}\n\nChange the PIN of the card in {reader}?",
            cli::card::ONCE_ONLY
        );
        confirm(s, "Change PIN", &text, move |s| {
            let reader = reader.clone();
            let prompt = format!("Current {}", cli::card::pin_prompt(&reader));
            ask_secret(s, "Change PIN", &prompt, move |s, old| {
                let old = Arc::new(old);
                let reader = reader.clone();
                let prompt = "New PIN (8 digits or E.161 letters)";
                ask_secret(s, "Change PIN", prompt, move |s, new| {
                    let (old, new, reader) = (old.clone(), Arc::new(new), reader.clone());
                    ask_secret(s, "Change PIN", "New PIN again", move |s, again| {
                        let outcome = cli::card::same_entries(&new, &again)
                            .and_then(|()| cli::card::change_pin(&reader, &old, &new));
                        show(s, "Change PIN", outcome);
                    });
                });
            });
        });
    });
}

/// Erase: reader, confirmation, PIN.
fn erase(s: &mut Cursive) {
    choose_reader(s, "Erase: choose the reader", |s, reader| {
        let text =
            format!("Erase the card in {reader}? Its content and label are deleted for good.");
        confirm(s, "Erase", &text, move |s| {
            let reader = reader.clone();
            ask_secret(
                s,
                "Erase",
                &cli::card::pin_prompt(&reader.clone()),
                move |s, pin| {
                    show(s, "Erase", cli::card::erase(&reader, &pin));
                },
            );
        });
    });
}

/// Copy Card: source reader, target reader, confirmation, the PIN both cards use.
fn copy_card(s: &mut Cursive) {
    choose_reader(
        s,
        "Copy Card: the reader of the card to copy",
        |s, source| {
            choose_reader(
                s,
                "Copy Card: the reader of the erased card to write",
                move |s, target| {
                    let text =
                        format!("Copy the card in {source} onto the erased card in {target}?");
                    let source = source.clone();
                    confirm(s, "Copy Card", &text, move |s| {
                        let (source, target) = (source.clone(), target.clone());
                        let prompt = "PIN of both cards (the same PIN)";
                        ask_secret(s, "Copy Card", prompt, move |s, pin| {
                            show(s, "Copy Card", cli::card::copy(&source, &target, &pin));
                        });
                    });
                },
            );
        },
    );
}

/// Set Status: reader.
fn set_status(s: &mut Cursive) {
    choose_reader(s, "Set Status: choose the reader", |s, reader| {
        show(s, "Set Status", cli::set::status(&[reader]));
    });
}

/// Asks for a number (M or N); `then` gets it.
fn ask_number(
    s: &mut Cursive,
    title: &'static str,
    prompt: &str,
    then: impl Fn(&mut Cursive, u32) + 'static + Send + Sync,
) {
    ask_text(s, title, prompt, move |s, text| match text.trim().parse() {
        Ok(n) => then(s, n),
        Err(_) => error(
            s,
            &ConsoleError::Usage(format!("{text:?} is not a number: nothing was done")),
        ),
    });
}

/// Create Server Master Key / Create Partition Auth Set: M, N, then each card.
fn create(s: &mut Cursive, kind: Kind) {
    let title = match kind {
        Kind::Svmk => "Create Server Master Key",
        Kind::Partition => "Create Partition Auth Set",
    };
    ask_number(
        s,
        title,
        "M: cards needed to recombine the secret",
        move |s, m| {
            ask_number(s, title, "N: cards to write", move |s, n| {
                start(s, title, Op::Create { kind, m, n });
            });
        },
    );
}

/// Copy Set: M' and N' of the new set, a confirmation, then each card.
fn copy_set(s: &mut Cursive) {
    let title = "Copy Set";
    ask_number(s, title, "M of the new set", move |s, m| {
        ask_number(s, title, "N of the new set", move |s, n| {
            let text = format!(
                "Copy a set: read its cards, then write a new set {m} of {n} onto erased cards?"
            );
            confirm(s, title, &text, move |s| start(s, title, Op::Copy { m, n }));
        });
    });
}

/// Bind: a confirmation, then the cards of the SVMK set.
fn bind(s: &mut Cursive) {
    let text = "Bind this directory to a server master key set? Its master-key registers are \
                sealed under it for good (there is no unbinding).";
    confirm(s, "Bind", text, |s| start(s, "Bind", Op::Bind));
}

/// Bind Partition: a confirmation, the new password twice, then the cards.
fn bind_partition(s: &mut Cursive) {
    let title = "Bind Partition";
    let text = "Bind this directory to a partition set and password, once for good?";
    confirm(s, title, text, move |s| {
        ask_secret(s, title, "New partition password", move |s, pw| {
            let pw = Arc::new(pw);
            ask_secret(s, title, "New partition password again", move |s, again| {
                match cli::card::same_entries(&pw, &again) {
                    Ok(()) => start(s, title, Op::PartitionBind(copy_of(&pw))),
                    Err(e) => error(s, &e),
                }
            });
        });
    });
}

/// Authorise: the password, the expiry, then the cards.
fn authorise(s: &mut Cursive) {
    let title = "Authorise";
    ask_secret(s, title, "Partition password", move |s, pw| {
        let pw = Arc::new(pw);
        ask_number(s, title, "Expiry in seconds (0: none)", move |s, expiry| {
            let pw = copy_of(&pw);
            start(
                s,
                title,
                Op::Authorise(pw, i32::try_from(expiry).unwrap_or(i32::MAX)),
            );
        });
    });
}

/// A zeroizing copy of a secret a dialog's callback shares (the ceremony keeps its own).
fn copy_of(s: &Secret) -> Secret {
    Secret::new(zeroize::Zeroizing::new(s.bytes().to_vec()))
}

/// A ceremony in the menu: its title, the ceremony, what the last card did.
struct Flow {
    title: &'static str,
    ceremony: Ceremony,
    last: String,
}

type Shared = Arc<Mutex<Flow>>;

fn lock(flow: &Shared) -> MutexGuard<'_, Flow> {
    flow.lock().unwrap_or_else(|p| p.into_inner())
}

/// Starts a ceremony: the prompt for its first card.
fn start(s: &mut Cursive, title: &'static str, op: Op) {
    let flow = Arc::new(Mutex::new(Flow {
        title,
        ceremony: Ceremony::new(op),
        last: String::new(),
    }));
    prompt(s, flow);
}

/// The prompt for the next card (OK: choose its reader), or the report when done.
fn prompt(s: &mut Cursive, flow: Shared) {
    let f = lock(&flow);
    let title = f.title;
    if f.ceremony.finished() {
        let report = f.ceremony.report();
        drop(f);
        return show(s, title, Ok(report));
    }
    let mut text = f.last.clone();
    if !text.is_empty() {
        text.push_str("\n\n");
    }
    text.push_str(&f.ceremony.insert_prompt(None));
    if f.ceremony.turn().written {
        text.push_str("\n(an erased card: it is written)");
    }
    drop(f);
    let (ok, quit, esc) = (flow.clone(), flow.clone(), flow);
    let dialog = Dialog::around(TextView::new(text))
        .title(title)
        .button("OK", move |s| pick_reader(s, ok.clone()))
        .button("Abandon", move |s| abandon(s, &quit));
    s.add_layer(OnEventView::new(dialog).on_event(Key::Esc, move |s| abandon(s, &esc)));
}

/// The reader of the next card.
fn pick_reader(s: &mut Cursive, flow: Shared) {
    let (title, turn) = {
        let f = lock(&flow);
        (f.title, f.ceremony.turn())
    };
    choose_reader(
        s,
        &format!("{title}: {turn}: choose the reader"),
        move |s, reader| {
            let (flow, turn) = (flow.clone(), turn.clone());
            let prompt = format!("PIN of {turn} (in {reader})");
            ask_secret(s, title, &prompt, move |s, pin| {
                let turn = turn.clone();
                let (flow, reader, pin) = (flow.clone(), reader.clone(), Arc::new(pin));
                if turn.written {
                    let prompt = format!("Label of {turn} (0 to 64 characters)");
                    ask_text(s, title, &prompt, move |s, label| {
                        take_card(s, flow.clone(), reader.clone(), pin.clone(), label);
                    });
                } else {
                    take_card(s, flow, reader, pin, String::new());
                }
            });
        },
    );
}

/// Shows the progress, then (once the screen shows it) takes the card on the UI thread.
fn take_card(s: &mut Cursive, flow: Shared, reader: String, pin: Arc<Secret>, label: String) {
    let (title, turn) = {
        let f = lock(&flow);
        (f.title, f.ceremony.turn())
    };
    let verb = if turn.written { "Writing" } else { "Reading" };
    s.add_layer(
        Dialog::around(TextView::new(format!("{verb} {turn} in {reader} ..."))).title(title),
    );
    let sink = s.cb_sink().clone();
    // Only the wait is on another thread: the card call runs on the UI thread (the logon).
    std::thread::spawn(move || {
        std::thread::sleep(std::time::Duration::from_millis(50));
        let _ = sink.send(Box::new(move |s: &mut Cursive| {
            s.pop_layer();
            let outcome = lock(&flow).ceremony.step(&reader, &pin, &label);
            drop(pin);
            match outcome {
                Ok(()) => {
                    s.pop_layer();
                    {
                        let mut f = lock(&flow);
                        f.last = match turn.written {
                            true => format!("{turn} written in {reader} (label {label:?})."),
                            false => format!("{turn} read in {reader}."),
                        };
                        f.last = capitalise(&f.last);
                    }
                    prompt(s, flow);
                }
                Err(e) => failed(s, flow, &e),
            }
            super::refresh_status(s);
        }));
    });
}

fn capitalise(t: &str) -> String {
    let mut c = t.chars();
    c.next()
        .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
        .unwrap_or_default()
}

/// A card refused: the error (a wrong PIN shows the tries left), then Try again (the prompt
/// is still there) or Abandon.
fn failed(s: &mut Cursive, flow: Shared, e: &ConsoleError) {
    // The note (what stopping leaves) is shown on Abandon; here the card's own refusal.
    let text = match e {
        ConsoleError::Stopped(f, _) => ConsoleError::Verb(*f).to_string(),
        other => other.to_string(),
    };
    s.add_layer(
        Dialog::around(TextView::new(text))
            .title("Error")
            .button("Try again", |s| {
                s.pop_layer();
            })
            .button("Abandon", move |s| {
                s.pop_layer();
                abandon(s, &flow);
            }),
    );
}

/// Ends the ceremony (its prompt on top) and says what it leaves behind.
fn abandon(s: &mut Cursive, flow: &Shared) {
    s.pop_layer();
    let f = lock(flow);
    let (title, note) = (f.title, f.ceremony.stop_note());
    drop(f);
    if let Some(note) = note {
        s.add_layer(
            Dialog::around(TextView::new(note))
                .title(format!("{title}: stopped"))
                .button("OK", |s| {
                    s.pop_layer();
                }),
        );
    }
    super::refresh_status(s);
}
