//! Upper-case hexadecimal text of public bytes (set ids, check values, MKVPs, hashes) for
//! fixed output layouts, audit records and trace lines; never for a secret.

/// `bytes` as upper-case hexadecimal, two digits per byte.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02X}")).collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn two_upper_case_digits_per_byte() {
        assert_eq!(super::hex(&[0x00, 0x0A, 0xBC, 0xFF]), "000ABCFF");
        assert_eq!(super::hex(&[]), "");
    }
}
