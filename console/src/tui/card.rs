//! The Smart Card menu (the seed's eight entries) and the Custody menu.

use cursive::Cursive;

use super::{Entry, choose_reader, open_menu, show};
use crate::cli;
use crate::error::ConsoleError;
use crate::report::Report;

/// Smart Card: Inspect, Change PIN, Create Server Master Key, Erase, Create Partition Auth Set,
/// Get Label, Copy Set, Copy Card.
pub fn menu_entries() -> Vec<Entry> {
    vec![
        ("Inspect", inspect),
        ("Change PIN", not_yet),
        ("Create Server Master Key", not_yet),
        ("Erase", not_yet),
        ("Create Partition Auth Set", not_yet),
        ("Get Label", not_yet),
        ("Copy Set", not_yet),
        ("Copy Card", not_yet),
    ]
}

/// Opens the Smart Card menu.
pub fn menu(s: &mut Cursive) {
    open_menu(s, "Smart Card", &menu_entries(), true);
}

/// Opens the Custody menu (bind, activate, deactivate, authorise, deauthorise, set status).
pub fn custody_menu(s: &mut Cursive) {
    open_menu(s, "Custody", &[("Deactivate", not_yet)], true);
}

fn not_yet(s: &mut Cursive) {
    show(
        s,
        "",
        Err::<Report, _>(ConsoleError::Refused("not built yet".into())),
    );
}

/// Inspect: pick a reader, then the card's fields in the Inspect screen's layout.
fn inspect(s: &mut Cursive) {
    choose_reader(s, "Inspect: choose the reader", |s, reader| {
        show(s, "", cli::card::inspect(&reader, None));
    });
}
