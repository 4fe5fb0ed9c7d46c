//! Calling CSUALCT and CSUAACI the way a C program does, and IBM's profile structures built
//! by hand from docs/CSUAACI.md (not by the library), for tests/logon.rs and
//! tests/logon_card.rs.
#![allow(dead_code)]

use std::path::PathBuf;

use sha1::{Digest, Sha1};
use softcca::ffi::access::{CSUAACI, CSUALCT};
use softcca::state::Coprocessor;

pub fn kws(words: &[&str]) -> Vec<u8> {
    words
        .iter()
        .flat_map(|w| format!("{w:<8}").into_bytes())
        .collect()
}

pub fn id8(s: &str) -> [u8; 8] {
    let mut f = [b' '; 8];
    f[..s.len()].copy_from_slice(s.as_bytes());
    f
}

/// CSUALCT with `words`, `user`, auth_parms and auth_data.
pub fn lct(words: &[&str], user: &str, parms: &[u8], data: &[u8]) -> (i32, i32) {
    let (mut rc, mut rs) = (-1, -1);
    let mut rules = kws(words);
    let mut count = words.len() as i32;
    let mut uid = id8(user);
    let mut pl = parms.len() as i32;
    let mut parms = parms.to_vec();
    let mut dl = data.len() as i32;
    let mut data = data.to_vec();
    unsafe {
        CSUALCT(
            &mut rc,
            &mut rs,
            std::ptr::null_mut(),
            std::ptr::null_mut(),
            &mut count,
            rules.as_mut_ptr(),
            uid.as_mut_ptr(),
            &mut pl,
            parms.as_mut_ptr(),
            &mut dl,
            data.as_mut_ptr(),
        )
    };
    (rc, rs)
}

pub fn logon(user: &str, pass: &str) -> (i32, i32) {
    lct(&["LOGON", "PPHRASE"], user, &[], pass.as_bytes())
}

pub fn logoff() -> (i32, i32) {
    lct(&["LOGOFF"], "", &[], &[])
}

/// CSUAACI with `words` and the two verb data fields.
pub fn aaci(words: &[&str], one: &[u8], two: &[u8]) -> (i32, i32) {
    let (mut rc, mut rs) = (-1, -1);
    let mut rules = kws(words);
    let mut count = words.len() as i32;
    let mut l1 = one.len() as i32;
    let mut d1 = one.to_vec();
    let mut l2 = two.len() as i32;
    let mut d2 = two.to_vec();
    unsafe {
        CSUAACI(
            &mut rc,
            &mut rs,
            std::ptr::null_mut(),
            std::ptr::null_mut(),
            &mut count,
            rules.as_mut_ptr(),
            &mut l1,
            d1.as_mut_ptr(),
            &mut l2,
            d2.as_mut_ptr(),
        )
    };
    (rc, rs)
}

/// IBM's 4-byte date.
pub fn date(y: u16, m: u8, d: u8) -> [u8; 4] {
    let [a, b] = y.to_be_bytes();
    [a, b, m, d]
}

/// One mechanism block (docs/CSUAACI.md).
pub fn mech(id: u16, strength: u16, expires: [u8; 4], data: &[u8]) -> Vec<u8> {
    let mut m = Vec::new();
    m.extend_from_slice(&((14 + data.len()) as u16).to_be_bytes());
    m.extend_from_slice(&id.to_be_bytes());
    m.extend_from_slice(&strength.to_be_bytes());
    m.extend_from_slice(&expires);
    m.extend_from_slice(&0x8000_0000u32.to_be_bytes());
    m.extend_from_slice(data);
    m
}

/// An authentication-data structure of `mechs`.
pub fn auth(mechs: &[Vec<u8>]) -> Vec<u8> {
    let body: Vec<u8> = mechs.concat();
    let mut a = ((4 + body.len()) as u16).to_be_bytes().to_vec();
    a.extend_from_slice(&[0, 1]);
    a.extend_from_slice(&body);
    a
}

pub fn sha1(pass: &str) -> Vec<u8> {
    Sha1::digest(pass.as_bytes()).to_vec()
}

/// A passphrase mechanism expiring at the end of 2099.
pub fn pass_mech(pass: &str) -> Vec<u8> {
    mech(0x0001, 1, date(2099, 12, 31), &sha1(pass))
}

/// One profile structure.
pub fn profile(user: &str, role: &str, act: [u8; 4], exp: [u8; 4], auth_data: &[u8]) -> Vec<u8> {
    let mut p = vec![0x01, 0x00];
    p.extend_from_slice(&((52 + auth_data.len()) as u16).to_be_bytes());
    p.extend_from_slice(format!("{:<20}", format!("test {user}")).as_bytes());
    p.extend_from_slice(&[0, 0, 0, 0]);
    p.extend_from_slice(&id8(user));
    p.extend_from_slice(&id8(role));
    p.extend_from_slice(&act);
    p.extend_from_slice(&exp);
    p.extend_from_slice(auth_data);
    p
}

/// A profile aggregate of `profiles`.
pub fn aggregate(profiles: &[Vec<u8>]) -> Vec<u8> {
    let mut a = (profiles.len() as u32).to_be_bytes().to_vec();
    a.extend_from_slice(&[0; 4]);
    a.extend_from_slice(&profiles.concat());
    a
}

/// A simple active profile of `user` with passphrase `pass`.
pub fn simple(user: &str, pass: &str) -> Vec<u8> {
    profile(
        user,
        "KEYCUST",
        date(2020, 1, 1),
        date(2099, 12, 31),
        &auth(&[pass_mech(pass)]),
    )
}

pub fn add(user: &str, pass: &str) {
    assert_eq!(
        aaci(
            &["INIT-AC", "REPLACE"],
            &aggregate(&[simple(user, pass)]),
            &[]
        ),
        (0, 0),
        "INIT-AC {user}"
    );
}

pub fn home() -> PathBuf {
    PathBuf::from(std::env::var_os("SOFTCCA_HOME").unwrap())
}

/// Sets the point `offset` (e.g. `X'0112'`) on or off in acp.conf.
pub fn set_point(offset: &str, on: bool) {
    let path = home().join("acp.conf");
    let text = std::fs::read_to_string(&path).unwrap();
    let mut out: String = text
        .lines()
        .filter(|l| !l.starts_with(offset))
        .map(|l| format!("{l}\n"))
        .collect();
    out.push_str(&format!("{offset} {}\n", if on { "on" } else { "off" }));
    std::fs::write(&path, out).unwrap();
}

pub fn dir_id() -> [u8; 16] {
    Coprocessor::global().unwrap().directory_id().unwrap()
}

pub fn failures(user: &str) -> u32 {
    let cp = Coprocessor::global().unwrap();
    cp.profiles()
        .unwrap()
        .view(&id8(user))
        .unwrap()
        .unwrap()
        .failures
}
