//! The documentation stands alone and covers every verb (issue 12):
//!
//! * every verb `include/softcca.h` exports has a reference page `docs/<VERB>.md` in IBM's
//!   layout (CSNEPCU shares CSNBPCU's), and docs/README.md lists every page of `docs/`;
//! * no file of the repository's docs, sources, header, examples or tests (this one included)
//!   cites a file outside the repository: the research's decision list, its specification or
//!   its peers' notes (the patterns are [`OUTSIDE`]);
//! * every decision row cited as `docs/decisions.md Fn` / `Dn` exists, and every `docs/<page>.md`
//!   cited exists.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn read(rel: &str) -> String {
    fs::read_to_string(root().join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

/// The verbs the header exports, from its `void CSxxxxx(` prototypes.
fn exported_verbs() -> Vec<String> {
    read("include/softcca.h")
        .lines()
        .filter_map(|l| l.strip_prefix("void "))
        .filter_map(|l| l.split('(').next())
        .filter(|n| n.starts_with("CS"))
        .map(str::to_string)
        .collect()
}

/// The page that documents `verb`.
fn page_of(verb: &str) -> String {
    match verb {
        "CSNEPCU" => "CSNBPCU".into(),
        v => v.into(),
    }
}

/// Text files under `dir` (recursively), as paths relative to the repository root.
fn files_under(dir: &str, out: &mut Vec<String>) {
    let Ok(entries) = fs::read_dir(root().join(dir)) else {
        return;
    };
    for e in entries.flatten() {
        let rel = format!("{dir}/{}", e.file_name().to_string_lossy());
        let p = e.path();
        if p.is_dir() {
            files_under(&rel, out);
        } else if fs::read_to_string(&p).is_ok() {
            out.push(rel);
        }
    }
}

fn repository_texts() -> Vec<String> {
    let mut files = vec!["README.md".to_string(), "Makefile".to_string()];
    for d in ["docs", "src", "include", "examples", "c-tests", "tests"] {
        files_under(d, &mut files);
    }
    files
}

/// Citations of files outside the repository, spelt in pieces so that this file does not
/// match them itself.
/// (The decision list's name alone, so that a citation broken across two comment lines is
/// caught too.)
const OUTSIDE: [&str; 4] = [
    concat!("DECI", "SIONS"),
    concat!("shared", "/spec"),
    concat!("peers", ".md"),
    concat!("cca", "-spec"),
];

#[test]
fn every_exported_verb_has_a_reference_page_in_ibms_layout() {
    let verbs = exported_verbs();
    assert!(verbs.len() >= 20, "header parse found only {verbs:?}");
    let index = read("docs/README.md");
    for verb in &verbs {
        let page = page_of(verb);
        let text = read(&format!("docs/{page}.md"));
        assert!(
            text.contains(&format!("`{verb}`")),
            "docs/{page}.md does not name {verb}"
        );
        for heading in ["## Format", "## Parameters", "## Return and reason codes"] {
            assert!(text.contains(heading), "docs/{page}.md lacks {heading:?}");
        }
        assert!(
            text.contains("## Thread safety"),
            "docs/{page}.md: thread safety"
        );
        assert!(
            text.contains("Rule-array keywords"),
            "docs/{page}.md: keywords"
        );
        assert!(text.contains("```c\nvoid "), "docs/{page}.md: C prototype");
        assert!(
            text.contains(&format!("CALL '{page}'")),
            "docs/{page}.md: COBOL CALL"
        );
        for heading in ["## Access control points", "differs from IBM"] {
            let found = text.contains(heading)
                || (heading == "differs from IBM" && text.contains("## Decisions where IBM"));
            assert!(found, "docs/{page}.md lacks {heading:?}");
        }
        assert!(
            index.contains(&format!("({page}.md)")),
            "docs/README.md does not list {page}.md"
        );
    }
}

#[test]
fn the_index_lists_every_page() {
    let index = read("docs/README.md");
    for e in fs::read_dir(root().join("docs")).unwrap().flatten() {
        let name = e.file_name().to_string_lossy().to_string();
        if name.ends_with(".md") && name != "README.md" {
            assert!(
                index.contains(&format!("({name})")),
                "docs/README.md misses {name}"
            );
        }
    }
}

#[test]
fn nothing_cites_a_file_outside_the_repository() {
    let mut bad = Vec::new();
    for f in repository_texts() {
        for (i, line) in read(&f).lines().enumerate() {
            if OUTSIDE.iter().any(|o| line.contains(o)) || names_a_seed_file(line) {
                bad.push(format!("{f}:{}: {line}", i + 1));
            }
        }
    }
    assert!(
        bad.is_empty(),
        "citations of files outside the repository:\n{}",
        bad.join("\n")
    );
}

/// Whether `line` names one of the research's seed files (three digits, `_`, 16 hex digits,
/// `.txt`), which are not in the repository.
fn names_a_seed_file(line: &str) -> bool {
    line.match_indices(".txt").any(|(pos, _)| {
        let name = &line.as_bytes()[..pos];
        name.len() >= 20 && {
            let name = &name[name.len() - 20..];
            name[..3].iter().all(u8::is_ascii_digit)
                && name[3] == b'_'
                && name[4..].iter().all(u8::is_ascii_hexdigit)
        }
    })
}

/// The decision rows `docs/decisions.md` defines (`| F6 |`, `| D18 |`).
fn decision_rows() -> BTreeSet<String> {
    read("docs/decisions.md")
        .lines()
        .filter_map(|l| l.strip_prefix("| "))
        .filter_map(|l| l.split(' ').next())
        .filter(|id| {
            id.len() >= 2
                && (id.starts_with('F') || id.starts_with('D'))
                && id[1..].chars().all(|c| c.is_ascii_digit())
        })
        .map(str::to_string)
        .collect()
}

#[test]
fn cited_decisions_and_pages_exist() {
    let rows = decision_rows();
    assert!(rows.contains("F1") && rows.contains("F24") && rows.contains("D1"));
    let mut bad = Vec::new();
    for f in repository_texts() {
        let text = read(&f);
        // `docs/decisions.md F6, F7/F8 and D18`: the ids right after a citation.
        for (pos, _) in text.match_indices("decisions.md ") {
            let tail: String = text[pos + 13..].chars().take(60).collect();
            for word in tail.split([' ', ',', '/', ';', ')', '.', ':']) {
                if word.is_empty() || word == "and" || word == "rows" || word == "row" {
                    continue;
                }
                let is_id = word.len() >= 2
                    && (word.starts_with('F') || word.starts_with('D'))
                    && word[1..].chars().all(|c| c.is_ascii_digit());
                if !is_id {
                    break;
                }
                if !rows.contains(word) {
                    bad.push(format!(
                        "{f}: decision {word} is not a row of docs/decisions.md"
                    ));
                }
            }
        }
        for (pos, _) in text.match_indices("docs/") {
            let name: String = text[pos + 5..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_' || *c == '.')
                .collect();
            let name = name.trim_end_matches('.');
            if name.ends_with(".md") && !Path::new(&root().join("docs").join(name)).exists() {
                bad.push(format!("{f}: docs/{name} does not exist"));
            }
        }
    }
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}

/// The (return code, reason code) pairs of docs/codes.md's tables.
fn documented_codes() -> BTreeSet<(u32, u32)> {
    read("docs/codes.md")
        .lines()
        .filter_map(|l| {
            let cells: Vec<&str> = l.split('|').map(str::trim).collect();
            let rc = cells.get(1)?.parse().ok()?;
            let rs = cells.get(2)?.split(' ').next()?.parse().ok()?;
            Some((rc, rs))
        })
        .collect()
}

/// The reason codes of one table cell: decimal numbers outside parentheses (the hex in
/// parentheses repeats them) and `X'hhhh'` values.
fn reasons_in(cell: &str) -> Vec<u32> {
    let mut plain = String::new();
    let mut depth = 0;
    for c in cell.chars() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            _ if depth == 0 => plain.push(c),
            _ => {}
        }
    }
    let mut out = Vec::new();
    for part in plain.split("X'").skip(1) {
        if let Some(hex) = part.split('\'').next() {
            out.push(u32::from_str_radix(hex, 16).unwrap());
        }
    }
    let decimal: String = plain
        .split("X'")
        .enumerate()
        .map(|(i, p)| {
            if i == 0 {
                p
            } else {
                p.split_once('\'').map_or("", |x| x.1)
            }
        })
        .collect::<Vec<_>>()
        .join(" ");
    for word in decimal.split(|c: char| !c.is_ascii_digit()) {
        if let Ok(n) = word.parse() {
            out.push(n);
        }
    }
    out
}

#[test]
fn every_code_a_verb_page_lists_is_a_row_of_docs_codes() {
    let known = documented_codes();
    assert!(known.contains(&(8, 184)) && known.contains(&(0, 0)));
    let mut bad = Vec::new();
    for verb in exported_verbs() {
        let page = page_of(&verb);
        let text = read(&format!("docs/{page}.md"));
        let section = text
            .split("## Return and reason codes")
            .nth(1)
            .and_then(|s| s.split("\n## ").next())
            .unwrap_or("");
        let mut rows = 0;
        for line in section.lines() {
            let cells: Vec<&str> = line.split('|').map(str::trim).collect();
            let Some(rc) = cells.get(1).and_then(|c| c.parse::<u32>().ok()) else {
                continue;
            };
            rows += 1;
            let cell = cells.get(2).copied().unwrap_or("");
            for rs in reasons_in(cell) {
                if !known.contains(&(rc, rs)) {
                    bad.push(format!(
                        "docs/{page}.md lists {rc}/{rs}, not in docs/codes.md"
                    ));
                }
                // IBM prints reason codes in decimal and hex: `442 (1BA)`, `61697 (F101)`.
                let width = if rs < 0x1000 { 3 } else { 4 };
                let both = format!("{rs} ({rs:0width$X})");
                if !cell.contains(&both) {
                    bad.push(format!(
                        "docs/{page}.md: {rc}/{rs} without its hex, want `{both}`"
                    ));
                }
            }
        }
        assert!(rows > 0, "docs/{page}.md: no return-code rows");
    }
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}
