//! Driving the full-screen menu for real in a terminal: tmux runs softcca-console in a
//! detached session on a private server (its own socket), the test types keys with
//! `send-keys` and reads the screen with `capture-pane`.
#![allow(dead_code)]

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

/// One console in one tmux session of a tmux server of the test's own.
pub struct Screen {
    socket: String,
}

fn tmux(socket: &str, args: &[&str]) -> std::process::Output {
    Command::new("tmux")
        .arg("-L")
        .arg(socket)
        .args(args)
        .output()
        .expect("tmux (apt package tmux, installed by scripts/deps.sh)")
}

impl Screen {
    /// Starts `softcca-console --home HOME ARGS…` (the menu when `args` is empty) in a 100×32
    /// terminal; `env` is added to its environment (PCSCLITE_CSOCK_NAME is passed on).
    pub fn start(tag: &str, home: &Path, args: &[&str], env: &[(&str, &str)]) -> Screen {
        let socket = format!("softcca-{tag}-{}", std::process::id());
        let _ = tmux(&socket, &["kill-server"]);
        let mut cmd = vec!["env".to_string()];
        for var in ["PCSCLITE_CSOCK_NAME", "SOFTCCA_CARD_DEADLINE_MS"] {
            if let Ok(v) = std::env::var(var) {
                cmd.push(format!("{var}={v}"));
            }
        }
        for (k, v) in env {
            cmd.push(format!("{k}={v}"));
        }
        cmd.push(super::CONSOLE.to_string());
        cmd.push("--home".into());
        cmd.push(home.display().to_string());
        cmd.extend(args.iter().map(|a| a.to_string()));
        // The pane stays after the program exits, so its last screen can be read.
        let line = cmd
            .iter()
            .map(|w| format!("'{}'", w.replace('\'', r"'\''")))
            .collect::<Vec<_>>()
            .join(" ");
        let o = tmux(
            &socket,
            &[
                "new-session",
                "-d",
                "-s",
                "console",
                "-x",
                "100",
                "-y",
                "32",
                &line,
            ],
        );
        assert!(o.status.success(), "tmux new-session: {o:?}");
        let _ = tmux(
            &socket,
            &["set-option", "-t", "console", "remain-on-exit", "on"],
        );
        let _ = tmux(
            &socket,
            &["set-option", "-t", "console", "history-limit", "5000"],
        );
        Screen { socket }
    }

    /// The process id of the program in the pane (the console: `env` executes it).
    pub fn pid(&self) -> u32 {
        let o = tmux(
            &self.socket,
            &["display", "-p", "-t", "console", "#{pane_pid}"],
        );
        String::from_utf8_lossy(&o.stdout)
            .trim()
            .parse()
            .expect("pane pid")
    }

    /// Sends tmux key names (`Enter`, `Down`, `Escape`, `Tab`, …), one after another.
    pub fn keys(&self, keys: &[&str]) {
        for k in keys {
            let o = tmux(&self.socket, &["send-keys", "-t", "console", k]);
            assert!(o.status.success(), "send-keys {k}: {o:?}");
            std::thread::sleep(Duration::from_millis(60));
        }
    }

    /// Types `text` literally (no key names).
    pub fn type_text(&self, text: &str) {
        let o = tmux(&self.socket, &["send-keys", "-t", "console", "-l", text]);
        assert!(o.status.success(), "send-keys -l: {o:?}");
        std::thread::sleep(Duration::from_millis(60));
    }

    /// The visible screen.
    pub fn capture(&self) -> String {
        let o = tmux(&self.socket, &["capture-pane", "-p", "-t", "console"]);
        String::from_utf8_lossy(&o.stdout).into_owned()
    }

    /// The whole scroll-back and the screen.
    pub fn history(&self) -> String {
        let o = tmux(
            &self.socket,
            &["capture-pane", "-p", "-S", "-", "-E", "-", "-t", "console"],
        );
        String::from_utf8_lossy(&o.stdout).into_owned()
    }

    /// Waits (at most 20 s) until the screen shows `text`; returns the screen.
    pub fn wait_for(&self, text: &str) -> String {
        self.wait_for_any(&[text])
    }

    /// Waits (at most 20 s) until the screen shows one of `texts`.
    pub fn wait_for_any(&self, texts: &[&str]) -> String {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let s = self.capture();
            if texts.iter().any(|t| s.contains(t)) {
                return s;
            }
            assert!(
                Instant::now() < deadline,
                "the screen never showed {texts:?}; it shows:\n{s}"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Whether the console process has exited (the pane is dead).
    pub fn exited(&self) -> bool {
        let o = tmux(
            &self.socket,
            &["display-message", "-p", "-t", "console", "#{pane_dead}"],
        );
        String::from_utf8_lossy(&o.stdout).trim() == "1"
    }
}

impl Drop for Screen {
    fn drop(&mut self) {
        let _ = tmux(&self.socket, &["kill-server"]);
    }
}
