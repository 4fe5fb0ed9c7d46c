//! The full-screen menu: the boxed menus of the Local Management Console operators know,
//! arrow keys and Enter to choose, Esc to go back, and a status line at the bottom with the
//! directory, its protection, the master-key registers and who is logged on.
//!
//! Every library call runs on the thread that runs the menu (cursive calls the callbacks on
//! it), because the library keeps a logon per thread: the operator's logon made from the menu
//! is the logon of every call made from the menu. A card operation blocks the screen for as
//! long as the card takes (a second or so; the library's card deadline bounds it).
//!
//! Secrets typed into an entry field are masked (`EditView::secret`), copied at once into a
//! zeroizing [`Secret`] and the field emptied; cursive keeps its own copy in an `Arc<String>`
//! until the field is dropped or emptied, which is why the field is emptied first thing.

pub mod access;
pub mod card;
pub mod keys;

use cursive::event::Key;
use cursive::traits::{Nameable, Resizable, Scrollable};
use cursive::views::{
    Dialog, DummyView, EditView, LinearLayout, OnEventView, Panel, SelectView, TextView,
};
use cursive::{Cursive, CursiveRunnable};

use crate::cca;
use crate::cli::session::LogonArgs;
use crate::error::ConsoleError;
use crate::report::Report;
use crate::secret::Secret;
use zeroize::Zeroize;

/// The title line, as the console operators know shows it.
pub const TITLE: &str = "softcca - Local Management Console";

/// A menu entry: its text and what choosing it does.
pub type Entry = (&'static str, fn(&mut Cursive));

/// Runs the menu until the operator quits. A `--user` given on the command line logs on first
/// (its passphrase read from the terminal or `--logon-fd` before the screen starts).
pub fn run(logon: &LogonArgs) -> Result<Report, ConsoleError> {
    let _logon = crate::cli::session::Logon::begin(logon)?;
    let mut siv: CursiveRunnable = cursive::crossterm();
    siv.add_global_callback(Key::Esc, back);
    siv.add_global_callback('q', |s| {
        if s.screen().len() <= 2 {
            s.quit()
        }
    });
    let background = LinearLayout::vertical()
        .child(TextView::new(TITLE))
        .child(DummyView.full_height())
        .child(TextView::new("").with_name("status"));
    siv.add_fullscreen_layer(background.full_screen());
    main_menu(&mut siv);
    refresh_status(&mut siv);
    siv.run();
    Ok(Report::new("", serde_json::json!({})))
}

/// Esc: closes the top layer, but never the main menu (Quit does that).
fn back(s: &mut Cursive) {
    if s.screen().len() > 2 {
        s.pop_layer();
        refresh_status(s);
    }
}

fn main_menu(s: &mut Cursive) {
    open_menu(
        s,
        "Main Menu",
        &[
            ("Smart Card", card::menu),
            ("Custody", card::custody_menu),
            ("Master Key", keys::mk_menu),
            ("Keys (CKDS)", keys::ckds_menu),
            ("Access Control", access::menu),
            ("Audit Log", access::audit_menu),
            ("Backup / Restore", keys::backup_menu),
            ("Logon", access::logon),
            ("Logoff", access::logoff),
            ("Quit", Cursive::quit),
        ],
        false,
    );
}

/// A boxed menu titled `title`: `◂` (back) first unless it is the main menu, then the entries.
pub fn open_menu(s: &mut Cursive, title: &str, entries: &[Entry], with_back: bool) {
    let mut select: SelectView<Option<fn(&mut Cursive)>> = SelectView::new();
    if with_back {
        select.add_item("◂", None);
    }
    for (text, action) in entries {
        select.add_item(*text, Some(*action));
    }
    select.set_on_submit(|s, choice: &Option<fn(&mut Cursive)>| match choice {
        Some(f) => f(s),
        None => back(s),
    });
    s.add_layer(Dialog::around(select).title(title));
}

/// Rewrites the status line: directory, binding/activation/authorisation, registers, logon.
pub fn refresh_status(s: &mut Cursive) {
    let line = crate::report::on_screen(&status_line());
    s.call_on_name("status", |t: &mut TextView| t.set_content(line));
}

fn status_line() -> String {
    let dir = crate::cli::status::home_text();
    let prot = match cca::facility::protection() {
        Ok(p) => {
            let mut t = format!("{} {}", p.binding, p.activation);
            if p.partition != "NONE" {
                t.push_str(&format!(" partition {}", p.authorisation));
            }
            t
        }
        Err(f) => format!("protection unknown ({}/{})", f.rc, f.reason),
    };
    let regs = match cca::facility::registers() {
        Ok(r) => format!(
            "MK new {} current {} old {}",
            r.new.state,
            r.current.mkvp.as_deref().unwrap_or("empty"),
            r.old.mkvp.as_deref().unwrap_or("empty")
        ),
        Err(f) => format!("MK unknown ({}/{})", f.rc, f.reason),
    };
    let who = match cca::facility::logon() {
        Ok(l) => match l.user {
            Some(u) => format!("Logged on: {u} ({})", l.role),
            None => "Logged on: nobody (DEFAULT)".to_string(),
        },
        Err(f) => format!("logon unknown ({}/{})", f.rc, f.reason),
    };
    format!("Directory: {dir} | {prot} | {regs} | {who}")
}

/// Shows a command's outcome: its report in a box with OK, or the error.
pub fn show(s: &mut Cursive, title: &str, outcome: Result<Report, ConsoleError>) {
    match outcome {
        Ok(r) => s.add_layer(
            Dialog::around(TextView::new(r.text).scrollable())
                .title(title)
                .button("OK", |s| {
                    s.pop_layer();
                }),
        ),
        Err(e) => error(s, &e),
    }
    refresh_status(s);
}

/// Shows an error (the verb, its codes and their meaning).
pub fn error(s: &mut Cursive, e: &ConsoleError) {
    s.add_layer(
        Dialog::around(TextView::new(e.to_string()))
            .title("Error")
            .button("OK", |s| {
                s.pop_layer();
            }),
    );
}

/// Asks for a secret (PIN, passphrase, key part) in a masked field; `then` gets it after OK.
/// The field is emptied and its text wiped before `then` runs; Cancel and Esc wipe it too.
pub fn ask_secret(
    s: &mut Cursive,
    title: &str,
    prompt: &str,
    then: impl Fn(&mut Cursive, Secret) + 'static + Send + Sync,
) {
    // An Arc, so that the submit closure can be cloned (OK button and Enter).
    let then = std::sync::Arc::new(then);
    let submit = move |s: &mut Cursive| {
        let secret = take_secret(s);
        s.pop_layer();
        then(s, secret);
    };
    let submit2 = submit.clone();
    // Enter is taken before the field sees it: EditView's own on_submit would hand the
    // callback a second reference to the text, which then could not be wiped.
    let field = OnEventView::new(EditView::new().secret().with_name("secret"))
        .on_pre_event(Key::Enter, move |s| submit2(s))
        .fixed_width(32);
    let cancel = |s: &mut Cursive| {
        let _ = take_secret(s);
        s.pop_layer();
        refresh_status(s);
    };
    s.add_layer(
        // Esc (which the dialog ignores) wipes the field before the layer goes, instead of
        // the global Esc dropping it with the text in it.
        OnEventView::new(
            Dialog::around(
                LinearLayout::vertical()
                    .child(TextView::new(prompt))
                    .child(field),
            )
            .title(title)
            .button("OK", submit)
            .button("Cancel", cancel),
        )
        .on_event(Key::Esc, cancel),
    );
}

/// Copies the masked field into a [`Secret`], empties it and wipes the text it held
/// (cursive keeps it in an `Arc<String>`; once the field lets go, this is the only reference).
fn take_secret(s: &mut Cursive) -> Secret {
    s.call_on_name("secret", |e: &mut EditView| {
        let content = e.get_content();
        e.set_content("");
        let secret = Secret::from_text(&content);
        if let Ok(mut text) = std::sync::Arc::try_unwrap(content) {
            text.zeroize();
        }
        secret
    })
    .unwrap_or_else(|| Secret::from_text(""))
}

/// Asks for a line of text (not a secret); `then` gets it after OK.
pub fn ask_text(
    s: &mut Cursive,
    title: &str,
    prompt: &str,
    then: impl Fn(&mut Cursive, String) + 'static + Send + Sync,
) {
    let then = std::sync::Arc::new(then);
    let submit = move |s: &mut Cursive| {
        let text = s
            .call_on_name("text", |e: &mut EditView| e.get_content().to_string())
            .unwrap_or_default();
        s.pop_layer();
        then(s, text);
    };
    let submit2 = submit.clone();
    let field = EditView::new()
        .on_submit(move |s, _| submit2(s))
        .with_name("text")
        .fixed_width(40);
    s.add_layer(
        Dialog::around(
            LinearLayout::vertical()
                .child(TextView::new(prompt))
                .child(field),
        )
        .title(title)
        .button("OK", submit)
        .button("Cancel", |s| {
            s.pop_layer();
        }),
    );
}

/// Asks "are you sure" before a change that cannot be undone; `then` runs after Yes.
pub fn confirm(
    s: &mut Cursive,
    title: &str,
    text: &str,
    then: impl Fn(&mut Cursive) + 'static + Send + Sync,
) {
    s.add_layer(
        Dialog::around(TextView::new(text))
            .title(title)
            .button("Yes", move |s| {
                s.pop_layer();
                then(s);
            })
            .button("No", |s| {
                s.pop_layer();
            }),
    );
}

/// Lets the operator pick a reader (CSUCRDL: every reader, holding a card or not); `then`
/// gets its name.
pub fn choose_reader(
    s: &mut Cursive,
    title: &str,
    then: impl Fn(&mut Cursive, String) + 'static + Send + Sync,
) {
    let readers = match cca::card::readers() {
        Ok(r) => r,
        Err(f) => return error(s, &f.into()),
    };
    if readers.is_empty() {
        return error(
            s,
            &ConsoleError::Refused("No reader: is pcscd running?".into()),
        );
    }
    let mut select = SelectView::new();
    for r in readers {
        let mark = if r.present { "card " } else { "empty" };
        // A reader's name is the driver's (a USB device's product string): shown and used
        // only as printable text (the library refuses any other name anyway).
        let name = crate::report::on_screen(&r.name);
        select.add_item(format!("{mark}  {name}"), name);
    }
    let then = std::sync::Arc::new(then);
    select.set_on_submit(move |s, name: &String| {
        s.pop_layer();
        then(s, name.clone());
    });
    s.add_layer(
        OnEventView::new(Panel::new(select.scrollable()).title(title)).on_event(Key::Esc, |s| {
            s.pop_layer();
        }),
    );
}
