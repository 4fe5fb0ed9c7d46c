//! HMAC-SHA-256 (RFC 2104, FIPS 198-1) from the RustCrypto `hmac` and `sha2` crates with their
//! `zeroize` feature: the HMAC states, as good as the key, are wiped on drop.

use hmac::digest::FixedOutput;
use hmac::digest::array::Array;
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;
use zeroize::Zeroizing;

type HmacSha256 = Hmac<Sha256>;

/// HMAC-SHA-256 of the concatenation of `parts` under `key`, written in place into a
/// zeroizing buffer.
pub fn hmac_sha256(key: &[u8], parts: &[&[u8]]) -> Zeroizing<[u8; 32]> {
    // HMAC takes a key of any length: `new_from_slice` cannot fail.
    let mut m = <HmacSha256 as KeyInit>::new_from_slice(key).unwrap_or_else(|_| unreachable!());
    for p in parts {
        m.update(p);
    }
    // Written in place: no copy of the output (the TAC key, for the first call) is left behind.
    let mut out = Zeroizing::new([0u8; 32]);
    // 32 bytes is SHA-256's output size: the conversion cannot fail.
    let array: &mut Array<u8, _> = (&mut out[..]).try_into().unwrap_or_else(|_| unreachable!());
    m.finalize_into(array);
    out
}

#[cfg(test)]
mod tests {
    use super::hmac_sha256;
    use crate::test_hex as h;

    #[test]
    fn rfc4231_case_2() {
        // RFC 4231 test case 2 (HMAC-SHA-256, key "Jefe").
        assert_eq!(
            hmac_sha256(b"Jefe", &[b"what do ya want ", b"for nothing?"]).to_vec(),
            h("5BDCC146BF60754E6A042426089575C75A003F089D2739839DEC58B964EC3843")
        );
    }
}
