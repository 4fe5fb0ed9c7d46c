//! The menu's frame, driven in a real terminal (tmux): the main menu, the status line, Esc
//! back, the Smart Card menu with the seed's eight entries, Inspect of a virtual card.

mod common;
#[path = "../../tests/common/vcards.rs"]
mod vcards;

use common::tmux::Screen;
use common::*;

#[test]
fn main_menu_status_line_and_smart_card_inspect() {
    let Some(card) = vcards::Borrowed::new(3, None) else {
        return;
    };
    let home = legacy_home("tui-frame");
    let s = Screen::start("frame", &home, &[], &[]);
    let screen = s.wait_for("Main Menu");
    assert!(
        screen.contains("softcca - Local Management Console"),
        "{screen}"
    );
    assert!(
        screen.contains(&format!("Directory: {}", home.display())),
        "{screen}"
    );
    assert!(screen.contains("UNBOUND CLEAR"), "{screen}");
    assert!(screen.contains("Logged on: nobody"), "{screen}");
    s.keys(&["Enter"]);
    let screen = s.wait_for("Smart Card");
    for entry in [
        "◂",
        "Inspect",
        "Change PIN",
        "Create Server Master Key",
        "Erase",
        "Create Partition Auth Set",
        "Get Label",
        "Copy Set",
        "Copy Card",
    ] {
        assert!(screen.contains(entry), "{entry} missing:\n{screen}");
    }
    // Esc goes back to the main menu; Enter on Smart Card again, then Inspect.
    s.keys(&["Escape"]);
    std::thread::sleep(std::time::Duration::from_millis(300));
    assert!(!s.capture().contains("Create Partition Auth Set"));
    s.keys(&["Enter"]);
    s.wait_for("Copy Card");
    s.keys(&["Down", "Enter"]);
    let screen = s.wait_for("choose the reader");
    assert!(screen.contains(card.reader()), "{screen}");
    // Pick this test's card.
    let line = screen
        .lines()
        .filter(|l| l.contains("Virtual PCD"))
        .position(|l| l.contains(card.reader()))
        .unwrap();
    for _ in 0..line {
        s.keys(&["Down"]);
    }
    s.keys(&["Enter"]);
    let screen = s.wait_for("PIN Locked");
    assert!(
        screen.contains("no (one more PIN change allowed)"),
        "{screen}"
    );
    assert!(screen.contains("EMPTY"), "{screen}");
    s.keys(&["Enter", "Escape", "Escape"]);
    s.wait_for("Main Menu");
    // q quits from the main menu.
    s.keys(&["q"]);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while !s.exited() {
        assert!(std::time::Instant::now() < deadline, "q did not quit");
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
}
