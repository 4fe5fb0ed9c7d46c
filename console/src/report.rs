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
    pub fn new(text: impl Into<String>, json: Value) -> Self {
        Report {
            text: text.into(),
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

/// `label : value` lines, the labels padded to one width (the Inspect screen's layout).
pub fn table<'a>(rows: impl IntoIterator<Item = (&'a str, String)>) -> String {
    let rows: Vec<(&str, String)> = rows.into_iter().collect();
    let width = rows.iter().map(|(l, _)| l.len()).max().unwrap_or(0);
    rows.iter()
        .map(|(l, v)| format!("{l:<width$} : {v}\n"))
        .collect()
}
