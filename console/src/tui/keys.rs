//! The Master Key, Keys (CKDS) and Backup / Restore menus.

use cursive::Cursive;

use super::{open_menu, show};
use crate::cli;
use crate::error::ConsoleError;
use crate::report::Report;

fn not_yet(s: &mut Cursive) {
    show(
        s,
        "",
        Err::<Report, _>(ConsoleError::Refused("not built yet".into())),
    );
}

/// Master Key: the registers, loading parts, set, change.
pub fn mk_menu(s: &mut Cursive) {
    open_menu(
        s,
        "Master Key",
        &[("Status", |s| show(s, "Master Key", cli::status::status()))],
        true,
    );
}

/// Keys (CKDS): list, show, delete.
pub fn ckds_menu(s: &mut Cursive) {
    open_menu(s, "Keys (CKDS)", &[("List", not_yet)], true);
}

/// Backup / Restore.
pub fn backup_menu(s: &mut Cursive) {
    open_menu(s, "Backup / Restore", &[("Backup", not_yet)], true);
}
