//! The few BER-TLV pieces the card writes and checks (one-byte tags, lengths below 256).

/// Appends `tag ‖ length ‖ value`; the length takes the `81 xx` form from 128 on.
pub(crate) fn put(out: &mut Vec<u8>, tag: u8, value: &[u8]) {
    out.push(tag);
    put_len(out, value.len());
    out.extend_from_slice(value);
}

/// Appends a BER length (< 256; the profile's objects are all shorter).
pub(crate) fn put_len(out: &mut Vec<u8>, len: usize) {
    debug_assert!(len < 256);
    if len >= 0x80 {
        out.push(0x81);
    }
    out.push(len as u8);
}

/// Reads one TLV with a one-byte tag and a short-form length from the front of `input`:
/// `(tag, value, rest)`, or `None` when it does not fit.
pub(crate) fn take(input: &[u8]) -> Option<(u8, &[u8], &[u8])> {
    let (&tag, rest) = input.split_first()?;
    let (&len, rest) = rest.split_first()?;
    if len >= 0x80 {
        return None;
    }
    let (value, rest) = rest.split_at_checked(usize::from(len))?;
    Some((tag, value, rest))
}
