//! BER-TLV reading (ISO 7816-4 §5.2): tags of one or two bytes, lengths up to `82 xx xx`.

use super::CardError;

/// Splits `input` into its `(tag, value)` items; any overrun is [`CardError::MalformedResponse`].
pub fn parse(mut input: &[u8]) -> Result<Vec<(u16, &[u8])>, CardError> {
    let bad = CardError::MalformedResponse;
    let mut out = Vec::new();
    while let Some((&first, rest)) = input.split_first() {
        let (tag, rest) = if first & 0x1F == 0x1F {
            let (&second, rest) = rest.split_first().ok_or(bad)?;
            if second & 0x80 != 0 {
                return Err(bad); // three-byte tags are not used by the profile
            }
            (u16::from_be_bytes([first, second]), rest)
        } else {
            (u16::from(first), rest)
        };
        let (&l0, rest) = rest.split_first().ok_or(bad)?;
        let (len, rest) = match l0 {
            0x00..=0x7F => (usize::from(l0), rest),
            0x81 => {
                let (&l, rest) = rest.split_first().ok_or(bad)?;
                (usize::from(l), rest)
            }
            0x82 => {
                let (l, rest) = rest.split_at_checked(2).ok_or(bad)?;
                (usize::from(u16::from_be_bytes([l[0], l[1]])), rest)
            }
            _ => return Err(bad),
        };
        let (value, rest) = rest.split_at_checked(len).ok_or(bad)?;
        out.push((tag, value));
        input = rest;
    }
    Ok(out)
}

/// The value of the first item with `tag`.
pub fn find<'a>(items: &[(u16, &'a [u8])], tag: u16) -> Option<&'a [u8]> {
    items.iter().find(|(t, _)| *t == tag).map(|(_, v)| *v)
}

/// Appends `tag ‖ length ‖ value` (one-byte tag, value shorter than 256 bytes).
pub fn put(out: &mut Vec<u8>, tag: u8, value: &[u8]) {
    out.push(tag);
    if value.len() >= 0x80 {
        out.push(0x81);
    }
    out.push(value.len() as u8);
    out.extend_from_slice(value);
}
