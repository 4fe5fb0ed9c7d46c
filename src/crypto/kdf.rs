//! HMAC-SHA-1 (RFC 2104, FIPS 198-1) as a key-derivation function: keys that softcca derives
//! from the master key for its own purposes (the MAC chaining vector's protection key) come
//! from a one-way function with a label, never from the XOR variants CCA uses to bind control
//! vectors, so no control vector can make a key-wrapping key equal to them. The SHA-1 states
//! (which after absorbing the padded key are as good as the key) are wiped on drop by `sha1`'s
//! `zeroize` feature; the pads and the inner digest are `Zeroizing`.

use sha1::{Digest, Sha1};
use zeroize::Zeroizing;

const BLOCK: usize = 64;

/// HMAC-SHA-1 of `message` under `key` (at most 64 bytes, as every caller's key is).
pub fn hmac_sha1(key: &[u8], message: &[&[u8]]) -> Zeroizing<[u8; 20]> {
    let mut k = Zeroizing::new([0u8; BLOCK]);
    if key.len() > BLOCK {
        k[..20].copy_from_slice(&Sha1::digest(key));
    } else {
        k[..key.len()].copy_from_slice(key);
    }
    let mut ipad = Zeroizing::new([0x36u8; BLOCK]);
    let mut opad = Zeroizing::new([0x5Cu8; BLOCK]);
    for i in 0..BLOCK {
        ipad[i] ^= k[i];
        opad[i] ^= k[i];
    }
    let mut inner = Sha1::new();
    inner.update(&ipad[..]);
    for part in message {
        inner.update(part);
    }
    let inner = Zeroizing::new(<[u8; 20]>::from(inner.finalize()));
    let mut outer = Sha1::new();
    outer.update(&opad[..]);
    outer.update(&inner[..]);
    Zeroizing::new(outer.finalize().into())
}

#[cfg(test)]
mod tests {
    use super::hmac_sha1;
    use crate::test_hex as h;

    #[test]
    fn rfc2202_vectors() {
        // RFC 2202 test cases 1, 2 and 6.
        assert_eq!(
            hmac_sha1(&[0x0b; 20], &[b"Hi There"]).to_vec(),
            h("B617318655057264E28BC0B6FB378C8EF146BE00")
        );
        assert_eq!(
            hmac_sha1(b"Jefe", &[b"what do ya want ", b"for nothing?"]).to_vec(),
            h("EFFCDF6AE5EB2FA2D27416D5F184DF9C259A7C79")
        );
        assert_eq!(
            hmac_sha1(
                &[0xaa; 80],
                &[b"Test Using Larger Than Block-Size Key - Hash Key First"]
            )
            .to_vec(),
            h("AA4AE5E15272D00E95705637CE8A3B55ED402112")
        );
    }
}
