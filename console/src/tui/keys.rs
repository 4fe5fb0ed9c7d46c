//! The Master Key, Keys (CKDS) and Backup / Restore menus.
//!
//! They call the operation functions of `cli::mk` and `cli::key` after collecting their inputs
//! from dialogs. Set, Change and Delete run under the logon made from the main menu (Logon);
//! the parts of a master key are entered by custodians, each naming its profile and typing its
//! passphrase and its part (twice) in masked fields: each is logged on, on a thread of its own,
//! when the parts are loaded. Backup and Restore ask for a directory; Restore asks for
//! confirmation first (docs/console-keys.md).

use std::path::Path;
use std::sync::{Arc, Mutex};

use cursive::Cursive;
use cursive::views::{Dialog, TextView};

use super::{ask_secret, ask_text, confirm, error, open_menu, show};
use crate::cca::masterkey::KeyPart;
use crate::cli;
use crate::cli::dual::Custodian;
use crate::cli::key;
use crate::cli::mk::{self, Loading};
use crate::error::ConsoleError;
use crate::secret::{self, Secret};

/// Master Key: Status, Load Parts, Clear New, Set, Change.
pub fn mk_menu(s: &mut Cursive) {
    open_menu(
        s,
        "Master Key",
        &[
            ("Status", |s| show(s, "Master Key", mk::status())),
            ("Load Parts", load_parts),
            ("Clear New", clear_new),
            ("Set", set),
            ("Change", change),
        ],
        true,
    );
}

/// The parts entered so far, with their custodians (wiped when dropped).
type Entered = Arc<Mutex<Vec<(Option<Custodian>, KeyPart)>>>;

/// What to do with the parts once the custodians choose Load.
type Then = Arc<dyn Fn(&mut Cursive, Loading) + Send + Sync>;

fn take(entered: &Entered) -> Vec<(Option<Custodian>, KeyPart)> {
    std::mem::take(&mut *entered.lock().unwrap_or_else(|p| p.into_inner()))
}

/// Collects custodian after custodian: user id, passphrase, part, part again; then `then`.
fn collect_parts(s: &mut Cursive, title: &'static str, then: Then) {
    let entered: Entered = Arc::new(Mutex::new(Vec::new()));
    next_custodian(s, title, entered, then);
}

fn next_custodian(s: &mut Cursive, title: &'static str, entered: Entered, then: Then) {
    let n = entered.lock().map_or(0, |e| e.len()) + 1;
    ask_text(
        s,
        title,
        &format!("Custodian {n}: user id"),
        move |s, user| {
            let user = match crate::profile::id("custodian", user.trim()) {
                Ok(u) => u,
                Err(e) => return error(s, &e),
            };
            let (entered, then) = (entered.clone(), then.clone());
            ask_secret(
                s,
                title,
                &format!("Passphrase of {user}:"),
                move |s, passphrase| {
                    let custodian = Custodian {
                        user: user.clone(),
                        passphrase,
                    };
                    ask_part(s, title, custodian, entered.clone(), then.clone());
                },
            );
        },
    );
}

fn ask_part(s: &mut Cursive, title: &'static str, c: Custodian, entered: Entered, then: Then) {
    let user = c.user.clone();
    let c = Arc::new(Mutex::new(Some(c)));
    ask_secret(
        s,
        title,
        &format!("Key part of {user}: 48 hex digits"),
        move |s, first| {
            let first = match mk::parse_part(&first) {
                Ok(p) => p,
                Err(e) => return error(s, &e),
            };
            let (c, entered, then, user) = (c.clone(), entered.clone(), then.clone(), user.clone());
            let first = Arc::new(Mutex::new(Some(first)));
            ask_secret(
                s,
                title,
                &format!("Key part of {user}, again"),
                move |s, again| {
                    let (Some(first), Some(custodian)) = (
                        first.lock().ok().and_then(|mut f| f.take()),
                        c.lock().ok().and_then(|mut c| c.take()),
                    ) else {
                        return;
                    };
                    match mk::parse_part(&again) {
                        Ok(again) if same(&first, &again) => {}
                        Ok(_) => {
                            return error(
                                s,
                                &ConsoleError::Usage(format!(
                                    "the two entries of {user}'s part differ: enter it again"
                                )),
                            );
                        }
                        Err(e) => return error(s, &e),
                    }
                    if let Ok(mut e) = entered.lock() {
                        e.push((Some(custodian), first));
                    }
                    entered_so_far(s, title, entered.clone(), then.clone());
                },
            );
        },
    );
}

fn same(a: &KeyPart, b: &KeyPart) -> bool {
    secret::equal(
        &Secret::new(zeroize::Zeroizing::new(a.0.to_vec())),
        &Secret::new(zeroize::Zeroizing::new(b.0.to_vec())),
    )
}

/// "N parts entered: Next custodian / Load / Cancel".
fn entered_so_far(s: &mut Cursive, title: &'static str, entered: Entered, then: Then) {
    let names: Vec<String> = entered
        .lock()
        .map(|e| {
            e.iter()
                .filter_map(|(c, _)| c.as_ref().map(|c| c.user.clone()))
                .collect()
        })
        .unwrap_or_default();
    let n = names.len();
    let mut text = format!("Parts entered: {n} ({}).", names.join(", "));
    if n < 2 {
        text.push_str("\nA master key needs parts from two custodians at least.");
    }
    let mut d = Dialog::around(TextView::new(text)).title(title);
    if n < mk::MAX_PARTS {
        let (e, t) = (entered.clone(), then.clone());
        d = d.button("Next custodian", move |s| {
            s.pop_layer();
            next_custodian(s, title, e.clone(), t.clone());
        });
    }
    if n >= 2 {
        let (e, t) = (entered.clone(), then.clone());
        d = d.button("Load", move |s| {
            s.pop_layer();
            t(s, Loading::Parts(take(&e)));
        });
    }
    d = d.button("Cancel", move |s| {
        drop(take(&entered));
        s.pop_layer();
    });
    s.add_layer(d);
}

fn load_parts(s: &mut Cursive) {
    if let Err(e) = mk::ready_to_load() {
        return error(s, &e);
    }
    collect_parts(
        s,
        "Load Parts",
        Arc::new(|s, loading| show(s, "Load Parts", mk::load_parts(loading))),
    );
}

fn clear_new(s: &mut Cursive) {
    confirm(
        s,
        "Clear New",
        "Empty the new-master-key register? Its parts are lost.",
        |s| show(s, "Clear New", mk::clear()),
    );
}

fn set(s: &mut Cursive) {
    match mk::plan_set() {
        Ok(plan) => confirm(s, "Set", &plan, |s| show(s, "Set", mk::set())),
        Err(e) => error(s, &e),
    }
}

/// Change: with a full new register, that key; with an empty one, parts from custodians first.
fn change(s: &mut Cursive) {
    let loads = match crate::cca::facility::registers() {
        Ok(r) => r.new.state == "empty",
        Err(f) => return error(s, &f.into()),
    };
    if !loads {
        return match mk::plan_change(None) {
            Ok(plan) => {
                let summary = plan.summary.clone();
                confirm(s, "Change", &summary, move |s| {
                    show(s, "Change", mk::change(&plan, None))
                })
            }
            Err(e) => error(s, &e),
        };
    }
    // Refused before anyone types a part when the change could not go ahead.
    if let Err(e) = mk::plan_change(Some(2)) {
        return error(s, &e);
    }
    collect_parts(
        s,
        "Change",
        Arc::new(|s, loading| {
            let n = match &loading {
                Loading::Parts(p) => p.len(),
                Loading::Random(_) => 1,
            };
            let plan = match mk::plan_change(Some(n)) {
                Ok(p) => p,
                Err(e) => return error(s, &e),
            };
            let summary = plan.summary.clone();
            let loading = Arc::new(Mutex::new(Some(loading)));
            confirm(s, "Change", &summary, move |s| {
                let l = loading.lock().ok().and_then(|mut l| l.take());
                show(s, "Change", mk::change(&plan, l))
            });
        }),
    );
}

/// Keys (CKDS): List, Show, Delete.
pub fn ckds_menu(s: &mut Cursive) {
    open_menu(
        s,
        "Keys (CKDS)",
        &[
            ("List", |s| show(s, "Keys (CKDS)", key::list("*"))),
            ("Show", show_key),
            ("Delete", delete_key),
        ],
        true,
    );
}

fn show_key(s: &mut Cursive) {
    ask_text(s, "Show", "Label:", |s, label| {
        let outcome = key::label_arg(label.trim(), false).and_then(|l| key::show(&l));
        show(s, "Show", outcome);
    });
}

fn delete_key(s: &mut Cursive) {
    ask_text(s, "Delete", "Label of the record to delete:", |s, label| {
        let label = match key::label_arg(label.trim(), false) {
            Ok(l) => l,
            Err(e) => return error(s, &e),
        };
        let text = format!("Delete CKDS record {label} and the key it holds?");
        confirm(s, "Delete", &text, move |s| {
            show(s, "Delete", key::delete(&label, true))
        });
    });
}

/// Backup / Restore: Backup (into a new directory), Restore (after confirmation).
pub fn backup_menu(s: &mut Cursive) {
    open_menu(
        s,
        "Backup / Restore",
        &[("Backup", backup), ("Restore", restore)],
        true,
    );
}

fn backup(s: &mut Cursive) {
    ask_text(s, "Backup", "New directory for the backup:", |s, dir| {
        let outcome =
            cli::backup::absolute(Path::new(dir.trim())).and_then(|p| cli::backup::backup_to(&p));
        show(s, "Backup", outcome);
    });
}

fn restore(s: &mut Cursive) {
    ask_text(s, "Restore", "Directory of the backup:", |s, dir| {
        let path = match cli::backup::absolute(Path::new(dir.trim())) {
            Ok(p) => p,
            Err(e) => return error(s, &e),
        };
        let text = cli::backup::restore_summary(&path);
        confirm(s, "Restore", &text, move |s| {
            show(s, "Restore", cli::backup::restore_from(&path))
        });
    });
}
