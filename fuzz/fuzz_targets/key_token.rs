//! 64-byte key identifiers of any content: classification, label syntax and token parsing
//! must answer, never panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use softcca::label::{KeyId, LabelPattern};
use softcca::token::InternalToken;

fuzz_target!(|data: &[u8]| {
    if data.len() < 64 {
        return;
    }
    let id: [u8; 64] = data[..64].try_into().unwrap();
    if let Ok(KeyId::Token(t)) = KeyId::classify(&id) {
        if let Ok(tok) = InternalToken::parse(t) {
            let _ = (tok.key_len(), tok.cv().class(), tok.cv().check(), tok.mkvp());
        }
    }
    let _ = LabelPattern::parse(&id).map(|p| p.matches("A.B.C"));
});
