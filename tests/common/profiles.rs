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

/// A simple active profile of `user` (role KEYCUST) with passphrase `pass`.
pub fn simple(user: &str, pass: &str) -> Vec<u8> {
    simple_in(user, pass, "KEYCUST")
}

/// A simple active profile of `user` in `role` with passphrase `pass` (strength 1).
pub fn simple_in(user: &str, pass: &str, role: &str) -> Vec<u8> {
    profile(
        user,
        role,
        date(2020, 1, 1),
        date(2099, 12, 31),
        &auth(&[pass_mech(pass)]),
    )
}

/// IBM's role structure (docs/CSUAACM.md), built by hand: `id`, `strength`, the hours
/// `lower`..`upper` (hour, minute), valid `days` (bit 7 Sunday), and `points` in one segment
/// `first`..`first + 32 * groups - 1`.
pub fn role_structure(
    id: &str,
    strength: u16,
    hours: ((u8, u8), (u8, u8)),
    days: u8,
    first: u16,
    groups: u16,
    points: &[u16],
) -> Vec<u8> {
    let bytes = 4 * groups as usize;
    let len = 44 + 4 + 8 + bytes;
    let mut r = vec![0x00, 0x01];
    r.extend_from_slice(&(len as u16).to_be_bytes());
    r.extend_from_slice(format!("{:<20}", format!("role {id}")).as_bytes());
    r.extend_from_slice(&[0, 0, 0, 0]);
    r.extend_from_slice(&id8(id));
    r.extend_from_slice(&strength.to_be_bytes());
    r.extend_from_slice(&[hours.0.0, hours.0.1, hours.1.0, hours.1.1, days, 0]);
    r.extend_from_slice(&[0, 1, 0, 0]);
    r.extend_from_slice(&first.to_be_bytes());
    r.extend_from_slice(&(first + 32 * groups - 1).to_be_bytes());
    r.extend_from_slice(&(bytes as u16).to_be_bytes());
    r.extend_from_slice(&[0, 0]);
    let mut map = vec![0u8; bytes];
    for &p in points {
        let bit = usize::from(p - first);
        map[bit / 8] |= 0x80 >> (bit % 8);
    }
    r.extend_from_slice(&map);
    r
}

/// CSUAACM with one keyword and `name`: the codes and the output data (`room` bytes offered).
pub fn aacm(word: &str, name: &str, room: i32) -> ((i32, i32), Vec<u8>) {
    let (mut rc, mut rs, mut n) = (-1, -1, 1);
    let mut ra = kws(&[word]);
    let mut nm = id8(name);
    let mut len = room;
    let mut out = vec![0xEEu8; room.max(0) as usize + 8];
    unsafe {
        softcca::ffi::acm::CSUAACM(
            &mut rc,
            &mut rs,
            std::ptr::null_mut(),
            std::ptr::null_mut(),
            &mut n,
            ra.as_mut_ptr(),
            nm.as_mut_ptr(),
            &mut len,
            out.as_mut_ptr(),
        )
    };
    if rc == 0 {
        out.truncate(len as usize);
    }
    ((rc, rs), out)
}

/// The roles file of the profile tests (sections form): DEFAULT with every point of a legacy
/// directory (tests/data/acp-legacy.conf, so also X'0112'-X'0118': applications administer
/// profiles here, which [`set_point`] turns off where a test needs it), then the shipped
/// SECOFF, KEYCUST and CUSTODY, and STRONG (strength 2, X'0116').
pub fn lab_roles() -> String {
    use softcca::access::conf::Conf;
    let legacy = Conf::parse(super::LEGACY_ACP).unwrap();
    let shipped = Conf::parse(&softcca::state::acp::AcpConfig::shipped_text()).unwrap();
    let mut conf = shipped.clone();
    conf.settings = legacy.settings.clone();
    conf.legacy = false;
    conf.roles = legacy.roles.clone();
    conf.roles.extend(
        shipped
            .roles
            .iter()
            .filter(|r| r.name() != "DEFAULT")
            .cloned(),
    );
    let mut strong = softcca::access::role::Role::new(id8("STRONG"));
    strong.strength = 2;
    strong.points.insert(0x0116);
    conf.roles.push(strong);
    conf.render()
}

/// Writes [`lab_roles`] as the directory's acp.conf.
pub fn write_lab_roles() {
    std::fs::write(home().join("acp.conf"), lab_roles()).unwrap();
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

/// Sets the point `offset` (e.g. `X'0112'`) on or off in the DEFAULT role of acp.conf (the
/// file is written back in the sections form).
pub fn set_point(offset: &str, on: bool) {
    let path = home().join("acp.conf");
    let mut conf =
        softcca::access::conf::Conf::parse(&std::fs::read_to_string(&path).unwrap()).unwrap();
    let hex = offset.trim_start_matches("X'").trim_end_matches('\'');
    let point = u16::from_str_radix(hex, 16).unwrap();
    let default = conf
        .roles
        .iter_mut()
        .find(|r| r.name() == "DEFAULT")
        .unwrap();
    if on {
        default.points.insert(point);
    } else {
        default.points.remove(&point);
    }
    conf.legacy = false;
    std::fs::write(&path, conf.render()).unwrap();
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

/// `true` when access.db holds a profile of `user` (CSUALCT answers an unknown user id as a
/// wrong passphrase, 8/X'F318', docs/decisions.md D76: the store is asked directly).
pub fn stored(user: &str) -> bool {
    let cp = Coprocessor::global().unwrap();
    cp.profiles().unwrap().view(&id8(user)).unwrap().is_some()
}
