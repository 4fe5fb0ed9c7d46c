//! Rule arrays of any content and length through every verb's keyword groups.
#![no_main]

use libfuzzer_sys::fuzz_target;
use softcca::rule_array::RuleArray;

fuzz_target!(|data: &[u8]| {
    let Ok(ra) = RuleArray::parse(&data[..data.len() - data.len() % 8]) else { return };
    let _ = softcca::verbs::pcu::parse_rules(&ra);
    let _ = softcca::verbs::masterkey::step(&ra);
});
