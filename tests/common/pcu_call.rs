//! A CSNBPCU call with owned arguments, built from a tests/data/pcu.txt case.
#![allow(dead_code)]

use super::verbs::{TEST_MK, token};
use super::{Case, arr, to_hex};

use softcca::cv::{ControlVector, DkyUsage, templates};

/// Every argument of one call, owned, so tests can break one thing at a time.
#[derive(Clone)]
pub struct Call {
    pub rules: Vec<u8>,
    pub count: i32,
    pub auth_len: i32,
    pub auth: [u8; 64],
    pub enc_len: i32,
    pub enc: [u8; 64],
    pub kgd_len: i32,
    pub kgd: Vec<u8>,
    pub new_len: i32,
    pub new_key: [u8; 64],
    pub new_block: [u8; 8],
    pub new_profile: [u8; 24],
    pub new_pan: [u8; 12],
    pub cur_len: i32,
    pub cur_key: [u8; 64],
    pub cur_block: [u8; 8],
    pub cur_profile: [u8; 24],
    pub cur_pan: [u8; 12],
    pub out_data_len: i32,
    pub out_profile: [u8; 24],
    pub out_len: i32,
    pub out: [u8; 32],
}

pub fn profile(format: &str, pad: Option<&str>) -> [u8; 24] {
    let mut p = [b' '; 24];
    p[..format.len()].copy_from_slice(format.as_bytes());
    p[8..12].copy_from_slice(b"NONE");
    if let Some(d) = pad {
        p[23] = d.as_bytes()[0];
    }
    p
}

impl Call {
    /// Runs the call through `CSNBPCU` (or `CSNEPCU`); returns rc, rs.
    pub fn run(&mut self, csne: bool) -> (i32, i32) {
        let (mut rc, mut rs) = (-1, -1);
        let f = if csne {
            softcca::ffi::pcu::CSNEPCU
        } else {
            softcca::ffi::pcu::CSNBPCU
        };
        unsafe {
            f(
                &mut rc,
                &mut rs,
                std::ptr::null_mut(),
                std::ptr::null_mut(),
                &mut self.count,
                self.rules.as_mut_ptr(),
                &mut self.auth_len,
                self.auth.as_mut_ptr(),
                &mut self.enc_len,
                self.enc.as_mut_ptr(),
                &mut self.kgd_len,
                self.kgd.as_mut_ptr(),
                &mut self.new_len,
                self.new_key.as_mut_ptr(),
                self.new_block.as_mut_ptr(),
                self.new_profile.as_mut_ptr(),
                self.new_pan.as_mut_ptr(),
                &mut self.cur_len,
                self.cur_key.as_mut_ptr(),
                self.cur_block.as_mut_ptr(),
                self.cur_profile.as_mut_ptr(),
                self.cur_pan.as_mut_ptr(),
                &mut self.out_data_len,
                std::ptr::null_mut(),
                self.out_profile.as_mut_ptr(),
                &mut self.out_len,
                self.out.as_mut_ptr(),
            )
        };
        (rc, rs)
    }

    pub fn output(&self) -> String {
        to_hex(&self.out[..self.out_len as usize])
    }
}

pub fn pan12(c: &Case, name: &str) -> [u8; 12] {
    arr(c.opt(name).unwrap_or("000000000000").as_bytes())
}

/// Builds the call for a vector case, keys as tokens under the test master key.
pub fn call_for(c: &Case) -> Call {
    let mdk_mac = token(
        TEST_MK,
        &c.hex("mac_mdk"),
        &ControlVector::dkygenky(0, DkyUsage::DMac),
    );
    let mdk_enc = token(
        TEST_MK,
        &c.hex("enc_mdk"),
        &ControlVector::dkygenky(0, DkyUsage::DMPin),
    );
    let pin_cv = ControlVector::from_template(templates::IPINENC, true);
    let method = c.text("method_ascii");
    let mut rules = format!("{:<8}{:<8}", c.text("alg_ascii"), method).into_bytes();
    rules.truncate(16);
    let kgd = c.hex("kgd");
    let (cur_len, cur_key, cur_block, cur_profile, cur_pan) = if c.has("cur_block") {
        (
            64,
            token(TEST_MK, &c.hex("cur_pin_key"), &pin_cv),
            arr(&c.hex("cur_block")),
            profile(c.text("cur_format_ascii"), c.opt("cur_pad")),
            pan12(c, "cur_pan_ascii"),
        )
    } else {
        (0, [0; 64], [0; 8], [b' '; 24], [b' '; 12])
    };
    Call {
        count: 2,
        rules,
        auth_len: 64,
        auth: mdk_mac,
        enc_len: 64,
        enc: mdk_enc,
        kgd_len: kgd.len() as i32,
        kgd,
        new_len: 64,
        new_key: token(TEST_MK, &c.hex("new_pin_key"), &pin_cv),
        new_block: arr(&c.hex("new_block")),
        new_profile: profile(c.text("new_format_ascii"), c.opt("new_pad")),
        new_pan: pan12(c, "new_pan_ascii"),
        cur_len,
        cur_key,
        cur_block,
        cur_profile,
        cur_pan,
        out_data_len: 0,
        out_profile: profile(method, None),
        out_len: 32,
        out: [0xEE; 32],
    }
}

pub fn set_parity(raw: bool) {
    let dir = std::env::var_os("SOFTCCA_HOME").unwrap();
    let path = std::path::Path::new(&dir).join("acp.conf");
    let text = std::fs::read_to_string(&path).unwrap();
    let text = text.replace(
        if raw {
            "derived-key-parity odd"
        } else {
            "derived-key-parity raw"
        },
        if raw {
            "derived-key-parity raw"
        } else {
            "derived-key-parity odd"
        },
    );
    std::fs::write(&path, text).unwrap();
}

/// VISAPCU1 with TDES-XOR and no current PIN: `block` under `pin_key`, issuer master keys
/// `auth` and `enc`, key generation data `kgd`. The message (hex), or the codes of a refusal.
pub fn visapcu1(
    auth: [u8; 64],
    enc: [u8; 64],
    pin_key: [u8; 64],
    block: [u8; 8],
    prof: &[u8; 24],
    pan: &[u8; 12],
    kgd: Vec<u8>,
) -> Result<String, (i32, i32)> {
    let mut call = Call {
        rules: super::rules(&["TDES-XOR", "VISAPCU1"]),
        count: 2,
        auth_len: 64,
        auth,
        enc_len: 64,
        enc,
        kgd_len: kgd.len() as i32,
        kgd,
        new_len: 64,
        new_key: pin_key,
        new_block: block,
        new_profile: *prof,
        new_pan: *pan,
        cur_len: 0,
        cur_key: [0; 64],
        cur_block: [0; 8],
        cur_profile: [b' '; 24],
        cur_pan: [b' '; 12],
        out_data_len: 0,
        out_profile: profile("VISAPCU1", None),
        out_len: 32,
        out: [0xEE; 32],
    };
    match call.run(false) {
        (0, 0) => Ok(call.output()),
        codes => Err(codes),
    }
}
