//! DES key parity: the low-order bit of every key byte makes the byte's bit count odd.

/// Sets the low-order bit of every byte so that each byte has an odd number of one bits.
pub fn adjust_odd(bytes: &mut [u8]) {
    for b in bytes {
        *b = (*b & 0xFE) | u8::from((*b >> 1).count_ones() % 2 == 0);
    }
}

/// `true` when every byte has an odd number of one bits.
pub fn is_odd(bytes: &[u8]) -> bool {
    bytes.iter().all(|b| b.count_ones() % 2 == 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn adjusts_known_key() {
        // test set 1 (tests/vectors/README.md): E(D) = 2E99ADEF3A4EFE0E becomes 2F98ADEF3B4FFE0E.
        let mut k = [0x2E, 0x99, 0xAD, 0xEF, 0x3A, 0x4E, 0xFE, 0x0E];
        adjust_odd(&mut k);
        assert_eq!(k, [0x2F, 0x98, 0xAD, 0xEF, 0x3B, 0x4F, 0xFE, 0x0E]);
        assert!(is_odd(&k));
        assert!(!is_odd(&[0x00]));
    }
}
