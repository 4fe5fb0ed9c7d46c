//! CSUALCT `LOGON CARD` against pcscd and softcca's virtual cards: a card enrolled with
//! CSUAACI logs on (its PIN verified on the card), a clone (the same CSN, other content) and a
//! wrong PIN are refused and counted, an erased card cannot be enrolled, and the records name
//! the user, never the PIN.
//!
//! Cards: this binary borrows cards 9-11 (tests/card_verbs.rs's; test binaries run one after
//! another) on state files of its own and gives them back (tests/common/vcards.rs).

mod common;
#[path = "common/vcards.rs"]
mod vcards;

use common::profiles::*;
use softcca::access::context;
use softcca::card::{Content, ContentKind, OperatorCard, SetInfo};
use vcards::{Borrowed, name_field, pcsc, pin};

const SET_PIN: &str = "48151623";
const TRANSPORT_PIN: &str = "12345678";

/// Gives the card the set PIN and, with `secret_byte`, a content (a share of a set).
fn make_card(c: &Borrowed, secret_byte: Option<u8>) {
    pcsc()
        .session(c.reader(), |t| {
            let mut card = OperatorCard::select(t)?;
            card.change_pin(&pin(TRANSPORT_PIN), &pin(SET_PIN))?;
            if let Some(b) = secret_byte {
                let set = SetInfo {
                    set_id: [0x5E; 16],
                    m: 2,
                    n: 3,
                    index: 1,
                    check_value: [0xC5; 8],
                };
                card.put_content(
                    &Content::new(ContentKind::MasterKeyShare, set, &[b; 32]).unwrap(),
                )?;
            }
            Ok(())
        })
        .unwrap();
}

/// A card mechanism's data (docs/CSUAACI.md): reader field, PIN length, PIN.
fn card_data(reader: &str, pin_text: &str) -> Vec<u8> {
    let mut d = name_field(reader).to_vec();
    d.extend_from_slice(&(pin_text.len() as u16).to_be_bytes());
    d.extend_from_slice(pin_text.as_bytes());
    d
}

fn card_logon(user: &str, reader: &str, pin_text: &str) -> (i32, i32) {
    lct(
        &["LOGON", "CARD"],
        user,
        &name_field(reader),
        pin_text.as_bytes(),
    )
}

#[test]
fn an_enrolled_card_logs_on_and_a_clone_does_not() {
    let Some(real) = Borrowed::new(9, None) else {
        return;
    };
    let clone = Borrowed::new(10, Some(&real.card.csn)).unwrap();
    let erased = Borrowed::new(11, None).unwrap();
    make_card(&real, Some(0x42));
    make_card(&clone, Some(0x43));
    let _g = common::verbs::setup("logon-card");
    assert_eq!(logoff(), (8, 0xF31A), "opens the directory");
    // The roles the profiles name (DEFAULT administers, for CHG-AD below).
    write_lab_roles();
    let op = profile(
        "CARDOP",
        "KEYCUST",
        date(2020, 1, 1),
        date(2099, 12, 31),
        &auth(&[mech(
            0xF001,
            2,
            date(2099, 6, 30),
            &card_data(real.reader(), SET_PIN),
        )]),
    );
    assert_eq!(
        aaci(
            &["INIT-AC"],
            &aggregate(&[op, simple_in("SECOFF1", "officer one", "SECOFF")]),
            &[]
        ),
        (0, 0),
        "enrolled (the bootstrap, closed by SECOFF1)"
    );

    assert_eq!(card_logon("CARDOP", real.reader(), SET_PIN), (0, 0));
    let l = context::current(&dir_id()).expect("logged on");
    assert_eq!((l.user, l.role), (id8("CARDOP"), id8("KEYCUST")));
    assert_eq!((l.mechanism, l.strength), (context::Mechanism::Card, 2));
    // The end of 2099-06-30 UTC: the mechanism expires before the profile.
    assert_eq!(l.expires, 4_086_547_199);
    assert_eq!(logoff(), (0, 0));

    // The clone has the CSN and accepts the PIN, but not the content secret.
    assert_eq!(card_logon("CARDOP", clone.reader(), SET_PIN), (8, 0xF319));
    assert!(context::current(&dir_id()).is_none());
    assert_eq!(failures("CARDOP"), 1);
    // A wrong PIN: the card's own code, and counted in the profile too.
    assert_eq!(
        card_logon("CARDOP", real.reader(), "11112222"),
        (8, 0xF1C6),
        "the card's wrong PIN code, 6 presentations left"
    );
    assert_eq!(failures("CARDOP"), 2);
    assert_eq!(card_logon("CARDOP", real.reader(), SET_PIN), (0, 0));
    assert_eq!(failures("CARDOP"), 0, "the right card resets");
    assert_eq!(logoff(), (0, 0));
    // A passphrase logon of a card-only profile answers like an unknown user id (a wrong
    // passphrase after the dummy hash, docs/decisions.md D76, review finding F2), counts
    // nothing.
    assert_eq!(logon("CARDOP", "anything"), (8, 0xF318));
    assert_eq!(failures("CARDOP"), 0);

    // An erased card cannot be enrolled (CHG-AD), and the profile keeps its card.
    let chg = auth(&[mech(
        0xF001,
        2,
        date(2099, 6, 30),
        &card_data(erased.reader(), TRANSPORT_PIN),
    )]);
    assert_eq!(aaci(&["CHG-AD"], &id8("CARDOP"), &chg), (8, 0xF326));
    assert_eq!(card_logon("CARDOP", real.reader(), SET_PIN), (0, 0));
    assert_eq!(logoff(), (0, 0));
    // Enrolling the clone instead: now the real card is the one refused.
    let chg = auth(&[mech(
        0xF001,
        2,
        date(2099, 6, 30),
        &card_data(clone.reader(), SET_PIN),
    )]);
    assert_eq!(aaci(&["CHG-AD"], &id8("CARDOP"), &chg), (0, 0));
    assert_eq!(card_logon("CARDOP", real.reader(), SET_PIN), (8, 0xF319));
    assert_eq!(card_logon("CARDOP", clone.reader(), SET_PIN), (0, 0));
    assert_eq!(logoff(), (0, 0));

    let log = std::fs::read_to_string(home().join("audit.log")).unwrap();
    let records: Vec<&str> = log
        .lines()
        .filter(|l| l.contains("op=CSUALCT") && l.contains("d.user=CARDOP"))
        .collect();
    assert!(records.iter().any(|l| l.contains("rs=F319")), "{records:?}");
    assert!(
        records
            .iter()
            .any(|l| l.contains("outcome=OK") && l.contains(&real.card.csn)),
        "the card's CSN in the logon record: {records:?}"
    );
    for p in [SET_PIN, "11112222", TRANSPORT_PIN] {
        assert!(!log.contains(p), "PIN {p} in the audit log");
    }
}
