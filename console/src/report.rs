//! A command's answer, printed as text for people or as one JSON object (`--json`).

use serde_json::Value;

/// What a command prints on success.
#[derive(Debug)]
pub struct Report {
    /// Lines for a person.
    pub text: String,
    /// The same facts for a program; `"ok": true` is added when printed.
    pub json: Value,
}

impl Report {
    /// A report of `text` and `json`.
    /// The text is made safe for a terminal ([`on_screen`]): a report may quote what a card,
    /// a reader, a file or another program wrote.
    pub fn new(text: impl Into<String>, json: Value) -> Self {
        Report {
            text: on_screen(&text.into()),
            json,
        }
    }

    /// Prints it on standard output.
    pub fn print(&self, json: bool) {
        if json {
            let mut v = self.json.clone();
            if let Value::Object(m) = &mut v {
                m.insert("ok".into(), Value::Bool(true));
            } else {
                v = serde_json::json!({ "ok": true, "result": v });
            }
            println!("{v}");
        } else if !self.text.is_empty() {
            println!("{}", self.text.trim_end());
        }
    }
}

/// `text` as it may reach the operator's terminal: every control character but line feed
/// and tab (C0, DEL, the C1 controls such as U+009B CSI) and every bidirectional-override
/// character is shown as `?`, so no text from a card, a reader name, a `run` file, an error or
/// a path can send an escape sequence (retitle the window, hide or rewrite text, write the
/// clipboard with OSC 52) or reorder what the operator reads.
pub fn on_screen(text: &str) -> String {
    text.chars()
        .map(|c| {
            let bidi = matches!(c, '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}');
            if (c.is_control() && c != '\n' && c != '\t') || bidi {
                '?'
            } else {
                c
            }
        })
        .collect()
}

/// `label : value` lines, the labels padded to one width (the Inspect screen's layout).
pub fn table<'a>(rows: impl IntoIterator<Item = (&'a str, String)>) -> String {
    let rows: Vec<(&str, String)> = rows.into_iter().collect();
    let width = rows.iter().map(|(l, _)| l.len()).max().unwrap_or(0);
    rows.iter()
        .map(|(l, v)| format!("{l:<width$} : {v}\n"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_escape_sequence_reaches_the_terminal() {
        let hostile = "a\u{1b}]52;c;cHduZWQ=\u{7}b\u{9b}2Jc\u{202e}d\u{7f}\r\ne\tf";
        assert_eq!(on_screen(hostile), "a?]52;c;cHduZWQ=?b?2Jc?d??\ne\tf");
        assert_eq!(Report::new(hostile, Value::Null).text, on_screen(hostile));
    }
}
