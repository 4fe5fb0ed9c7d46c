//! PIN profiles, PAN data and clear PIN blocks of any content: recovery must return a PIN or an
//! error, never panic; a recovered PIN re-formats to a block that recovers to the same PIN.
#![no_main]

use libfuzzer_sys::fuzz_target;
use softcca::pinblock::{Checks, Profile, format, parse_pan, recover};

fuzz_target!(|data: &[u8]| {
    if data.len() < 24 + 12 + 8 + 1 {
        return;
    }
    let profile: [u8; 24] = data[..24].try_into().unwrap();
    let pan: [u8; 12] = data[24..36].try_into().unwrap();
    let block: [u8; 8] = data[36..44].try_into().unwrap();
    let checks = Checks { iso_no_digit_check: data[44] & 1 != 0, enhanced_pin_security: data[44] & 2 != 0 };
    let Ok(p) = Profile::parse(&profile) else { return };
    let pan = parse_pan(&pan).ok();
    if let Ok(pin) = recover(&block, &p, pan.as_ref(), checks) {
        if pin.digits().iter().all(|&d| d <= 9) {
            if let Ok(again) = format(&pin, &p, pan.as_ref(), 0) {
                let back = recover(&again, &p, pan.as_ref(), Checks::default()).unwrap();
                assert_eq!(back.digits(), pin.digits());
            }
        }
    }
});
