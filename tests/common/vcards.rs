//! The running virtual-card set of `scripts/virtual-cards.sh run 15` (which `make test` uses),
//! shared by the card test binaries (each includes this file with `#[path]`).
//!
//! The script exports `SOFTCCA_VCARDS_DIR` (its directory, with `cards.tsv`). Without it the
//! tests skip, except when `CI` is set: then they fail, so CI can never pass without pcscd.
//! Each test owns its cards (by index): tests/card_pcsc.rs cards 0-8 (tests/c_examples.rs
//! borrows card 8 on a state file of its own and gives it back), tests/card_verbs.rs
//! cards 9-14; slot 15 stays empty. tests/card_copy.rs borrows cards 7-14 and
//! tests/card_deadline.rs card 13 the same way ([`Borrowed`]; test binaries run one after
//! another); tests/custody_sets.rs and tests/custody_e2e.rs put all 15 on fresh state files of
//! their own for their run ([`Fresh`]) and give each its own state file back.
#![allow(dead_code)]

use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use softcca::card::pcsc::Pcsc;
use softcca::card::{CardError, CardPin, OperatorCard};

/// Cards the script starts; slot 15 (the second slot of the eighth reader entry) stays empty.
pub const CARDS: usize = 15;
/// The reader of the empty slot.
pub const EMPTY_SLOT: &str = "Virtual PCD #7 00 01";

pub struct VCard {
    pub dir: PathBuf,
    pub index: usize,
    pub port: u16,
    pub reader: String,
    pub csn: String,
    pub pid: u32,
}

/// Card verbs append to the state directory's audit log: a test binary without its own
/// Creates `dir` (mode 0700) with the legacy-form acp.conf (tests/data/acp-legacy.conf): an
/// existing directory, every point as before, until the card tests log on (CSUALCT).
pub fn write_legacy_acp(dir: &std::path::Path) {
    std::fs::create_dir_all(dir).unwrap();
    std::fs::set_permissions(dir, std::os::unix::fs::PermissionsExt::from_mode(0o700)).unwrap();
    std::fs::write(
        dir.join("acp.conf"),
        include_str!("../data/acp-legacy.conf"),
    )
    .unwrap();
}

/// SOFTCCA_HOME gets a fresh one under cargo's test scratch directory, never the user's.
fn private_home() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        if std::env::var_os("SOFTCCA_HOME").is_none() {
            let d = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
                .join(format!("card-home-{}", std::process::id()));
            let _ = std::fs::remove_dir_all(&d);
            // An existing directory (legacy-form acp.conf: the card and custody points on)
            // until the tests log on (CSUALCT).
            write_legacy_acp(&d);
            // SAFETY: before this binary's first verb call; tests that read the environment
            // concurrently only read SOFTCCA_* variables through std, which locks.
            unsafe { std::env::set_var("SOFTCCA_HOME", &d) };
        }
    });
}

/// The card `index` of the running virtual-card set, or `None` (skip) outside CI.
pub fn vcard(index: usize) -> Option<VCard> {
    private_home();
    let Some(dir) = std::env::var_os("SOFTCCA_VCARDS_DIR") else {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI is set but SOFTCCA_VCARDS_DIR is not: run under scripts/virtual-cards.sh run {CARDS}"
        );
        eprintln!("skipped: no virtual cards (run under scripts/virtual-cards.sh run {CARDS})");
        return None;
    };
    let dir = PathBuf::from(dir);
    let tsv = std::fs::read_to_string(dir.join("cards.tsv")).expect("cards.tsv");
    let line = tsv
        .lines()
        .skip(1)
        .map(|l| l.split('\t').collect::<Vec<_>>())
        .find(|f| f[0] == index.to_string())
        .unwrap_or_else(|| panic!("card {index} not started (need {CARDS})"));
    // The card's pid file is kept current when a test restarts the card (cards.tsv has the pid
    // of the script's start): a card an earlier test binary borrowed and gave back has a new pid.
    let pid = std::fs::read_to_string(dir.join(format!("card-{index}.pid")))
        .ok()
        .and_then(|p| p.trim().parse().ok())
        .unwrap_or_else(|| line[4].parse().unwrap());
    Some(VCard {
        index,
        port: line[1].parse().unwrap(),
        reader: line[2].into(),
        csn: line[3].into(),
        pid,
        dir,
    })
}

/// A 128-byte blank-padded reader-name field (the card verbs' `reader_name`).
pub fn name_field(reader: &str) -> [u8; softcca::verbs::card::READER_NAME_LEN] {
    let mut f = [b' '; softcca::verbs::card::READER_NAME_LEN];
    f[..reader.len()].copy_from_slice(reader.as_bytes());
    f
}

pub fn pin(s: &str) -> CardPin {
    CardPin::from_typed(s.as_bytes()).unwrap()
}

pub fn pcsc() -> Pcsc {
    Pcsc::establish().expect("pcscd reachable")
}

pub fn on_card<R>(
    p: &Pcsc,
    c: &VCard,
    mut op: impl FnMut(&mut OperatorCard<'_>) -> Result<R, CardError>,
) -> Result<R, CardError> {
    p.session(&c.reader, |t| op(&mut OperatorCard::select(t)?))
}

/// The process start time (field 22 of /proc/PID/stat), as the script records it.
pub fn start_time(pid: u32) -> String {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap();
    let after = &stat[stat.rfind(')').unwrap() + 2..];
    after.split(' ').nth(19).unwrap().to_string()
}

impl VCard {
    pub fn kill(&self) {
        let ok = Command::new("kill")
            .args(["-KILL", &self.pid.to_string()])
            .status()
            .unwrap();
        assert!(ok.success());
        // Reap nothing: the card is the script's child. Wait until pcscd sees the card gone.
        wait_presence(&self.reader, false);
    }

    /// Starts the card process again on the same port and state file (`extra` arguments
    /// appended), records it for the script's stop, and waits until pcscd shows the card.
    pub fn restart(&mut self, extra: &[&str]) {
        self.spawn(extra);
        wait_presence(&self.reader, true);
    }

    /// Starts the card process again and records it for the script's stop (no waiting).
    pub fn spawn(&mut self, extra: &[&str]) {
        let state = self.dir.join(format!("card-{}.state", self.index));
        self.spawn_on(&state, extra);
    }

    /// Starts the card process again on the state file `state` (a fresh card when it does not
    /// exist yet) and records it for the script's stop (no waiting).
    pub fn spawn_on(&mut self, state: &std::path::Path, extra: &[&str]) {
        let bin = std::env::var("SOFTCCA_VCARD_BIN").expect("SOFTCCA_VCARD_BIN");
        let log = std::fs::File::create(self.dir.join(format!("card-{}.log", self.index))).unwrap();
        let child = Command::new(bin)
            .args(["--port", &self.port.to_string()])
            .arg("--state")
            .arg(state)
            .args(["--csn", &self.csn])
            .args(extra)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .unwrap();
        self.pid = child.id();
        let name = format!("card-{}", self.index);
        std::fs::write(
            self.dir.join(format!("{name}.pid")),
            format!("{}\n", self.pid),
        )
        .unwrap();
        std::fs::write(
            self.dir.join(format!("{name}.start")),
            start_time(self.pid) + "\n",
        )
        .unwrap();
        std::mem::forget(child); // stopped by the script (pid file), also when a test fails
    }
}

pub fn wait_presence(reader: &str, present: bool) {
    let p = pcsc();
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let now = p
            .readers()
            .unwrap()
            .iter()
            .any(|r| r.name == reader && r.card_present);
        if now == present {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "{reader}: card present != {present} after 10 s"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// A card borrowed on a state file of the test's own; back on its own state file when dropped
/// (also when the test fails). Test binaries run one after another, so a binary may borrow
/// another binary's card.
pub struct Borrowed {
    pub card: VCard,
    pub dir: PathBuf,
}

impl Borrowed {
    /// Card `index` on a fresh state file, with serial number `csn` (its own when `None`).
    pub fn new(index: usize, csn: Option<&str>) -> Option<Borrowed> {
        let mut card = vcard(index)?;
        let dir = card.dir.join(format!("card-copy-{index}"));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        card.kill();
        let own = card.csn.clone();
        if let Some(csn) = csn {
            card.csn = csn.into();
        }
        card.spawn_on(&dir.join("card.state"), &[]);
        card.csn = own;
        wait_presence(&card.reader, true);
        Some(Borrowed { card, dir })
    }

    pub fn reader(&self) -> &str {
        &self.card.reader
    }

    pub fn state_file(&self) -> PathBuf {
        self.dir.join("card.state")
    }

    /// Kills the card and starts it again on this binary's state file with `extra` arguments.
    pub fn restart(&mut self, extra: &[&str]) {
        self.card.kill();
        self.start(extra);
    }

    /// Kills the card and starts it as a new card (a fresh state file, its own serial number).
    pub fn replace_by_new_card(&mut self) {
        self.card.kill();
        std::fs::remove_file(self.state_file()).unwrap();
        self.start(&[]);
    }

    /// Starts the card (after it died) on this binary's state file.
    pub fn start(&mut self, extra: &[&str]) {
        let state = self.state_file();
        self.card.spawn_on(&state, extra);
        wait_presence(&self.card.reader, true);
    }
}

impl Drop for Borrowed {
    fn drop(&mut self) {
        if pcsc()
            .readers()
            .unwrap()
            .iter()
            .any(|r| r.name == self.card.reader && r.card_present)
        {
            self.card.kill();
        }
        self.card.restart(&[]);
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// The cards of a test binary, each on a fresh state file; their own state files come back on
/// drop (also when the test fails).
pub struct Fresh {
    /// The cards, by the indices given.
    pub cards: Vec<VCard>,
    /// The directory of their fresh state files.
    pub dir: PathBuf,
}

impl Fresh {
    /// Puts the cards `indices` on fresh state files (`None`: no virtual cards running).
    pub fn new(indices: &[usize]) -> Option<Fresh> {
        let mut cards = Vec::new();
        for &i in indices {
            let mut c = vcard(i)?;
            // A card an earlier test binary restarted has its new pid in card-<i>.pid (the
            // script's cards.tsv keeps the first one).
            if let Ok(p) = std::fs::read_to_string(c.dir.join(format!("card-{i}.pid"))) {
                c.pid = p.trim().parse().unwrap();
            }
            cards.push(c);
        }
        let dir =
            std::env::temp_dir().join(format!("softcca-custody-cards-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        // All at once: pcscd notices each removal and insertion on its next poll.
        for c in &cards {
            signal(c.pid, libc::SIGKILL);
        }
        for c in cards.iter_mut() {
            wait_presence(&c.reader, false);
            c.spawn_on(&dir.join(format!("card-{}.state", c.index)), &[]);
        }
        for c in &cards {
            wait_presence(&c.reader, true);
        }
        Some(Fresh { cards, dir })
    }
}

impl Drop for Fresh {
    fn drop(&mut self) {
        for c in &self.cards {
            // SAFETY: kill(2) on a card process this test started (or the script did).
            unsafe { libc::kill(c.pid as i32, libc::SIGKILL) };
        }
        for c in self.cards.iter_mut() {
            wait_presence(&c.reader, false);
            c.spawn(&[]);
        }
        for c in &self.cards {
            wait_presence(&c.reader, true);
        }
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// Sends `sig` to a card process.
pub fn signal(pid: u32, sig: i32) {
    // SAFETY: kill(2) on the pid of a card process this test started.
    assert_eq!(unsafe { libc::kill(pid as i32, sig) }, 0);
}
