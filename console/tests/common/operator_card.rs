//! A virtual card made an operator card of a custody set, for the card-logon tests: its PIN
//! changed from the transport PIN and a content written (a share of a made-up set), with the
//! library's card layer (the tests' fixture, not the console). Included with
//! `#[path = "common/operator_card.rs"] mod operator_card;` beside `mod vcards;`.

use softcca::card::{Content, ContentKind, OperatorCard, SetInfo};

/// Card `index`, borrowed, with PIN `pin` and a content; `None` without virtual cards.
pub fn operator_card(index: usize, pin: &str) -> Option<crate::vcards::Borrowed> {
    let c = crate::vcards::Borrowed::new(index, None)?;
    crate::vcards::pcsc()
        .session(c.reader(), |t| {
            let mut card = OperatorCard::select(t)?;
            card.change_pin(&crate::vcards::pin("12345678"), &crate::vcards::pin(pin))?;
            let set = SetInfo {
                set_id: [0x5E; 16],
                m: 2,
                n: 3,
                index: 1,
                check_value: [0xC5; 8],
            };
            card.put_content(&Content::new(ContentKind::MasterKeyShare, set, &[0x42; 32]).unwrap())
        })
        .unwrap();
    Some(c)
}
