//! CSUAACI (Access Control Initialization) and CSUAACM (Access Control Maintenance): profiles
//! and roles in IBM's structures (docs/CSUAACI.md, docs/CSUAACM.md).

use super::{Codes, Rules, Verb, field, input, len32};

/// CSUAACI with `words`, `verb_data_1` and `verb_data_2` (inputs only).
pub fn aaci(words: &[&str], data_1: &[u8], data_2: &[u8]) -> Verb<()> {
    let mut rules = Rules::new(words);
    let mut l1 = len32(data_1.len());
    let mut l2 = len32(data_2.len());
    let mut codes = Codes::new();
    // SAFETY: verb_data_1 and verb_data_2 have their lengths' bytes (NULL when empty); the
    // verb only reads them.
    unsafe {
        softcca::ffi::access::CSUAACI(
            codes.rc(),
            codes.reason(),
            std::ptr::null_mut(),
            std::ptr::null_mut(),
            rules.count(),
            rules.array(),
            &mut l1,
            input(data_1),
            &mut l2,
            input(data_2),
        )
    };
    codes.check("CSUAACI").map(|_| ())
}

/// CSUAACM `word` on `name` (a role or user id, or none): the output data.
pub fn aacm(word: &str, name: Option<&str>) -> Verb<Vec<u8>> {
    const ROOM: usize = 64 * 1024;
    let mut rules = Rules::new(&[word]);
    let name = name.map(field::<8>);
    let mut out = vec![0u8; ROOM];
    let mut out_len = len32(ROOM);
    let mut codes = Codes::new();
    // SAFETY: name is 8 bytes or NULL (not read by the keywords that take none);
    // output_data has output_data_length bytes of room.
    unsafe {
        softcca::ffi::acm::CSUAACM(
            codes.rc(),
            codes.reason(),
            std::ptr::null_mut(),
            std::ptr::null_mut(),
            rules.count(),
            rules.array(),
            name.as_ref().map_or(std::ptr::null_mut(), |n| input(n)),
            &mut out_len,
            out.as_mut_ptr(),
        )
    };
    codes.check("CSUAACM")?;
    out.truncate((out_len.max(0) as usize).min(ROOM));
    Ok(out)
}
