//! The repository stands on its own: no tracked file names a path outside it, and every section-sign
//! citation points at a section that exists in `docs/`.
//!
//! Run by `cargo test --workspace` (so by `make test` and CI). Fails with the file, line and
//! pattern, and says what to do instead.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// Paths that lie outside the repository. Built with `concat!` so this file does not match
/// itself.
const OUTSIDE: &[&str] = &[
    concat!("/wo", "rk/"),
    concat!("../sha", "red"),
    concat!("shared", "/reference"),
    concat!("shared", "/fixtures"),
    concat!("/ho", "me/"),
    concat!("/ro", "ot/"),
    concat!("/Us", "ers/"),
    concat!("C:", "\\Users"),
];

/// Tracked files not checked: generated, and full of registry paths.
const SKIP: &[&str] = &["Cargo.lock"];

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the workspace root above fitbit_sim")
        .to_path_buf()
}

/// The files under version control (`git ls-files`), or, without git (a source tarball), every
/// file except build output and local environments.
fn tracked_files(root: &Path) -> Vec<PathBuf> {
    let out = std::process::Command::new("git")
        .arg("-C")
        .arg(root)
        .args(["ls-files", "-z"])
        .output();
    if let Ok(out) = out
        && out.status.success()
    {
        return out
            .stdout
            .split(|b| *b == 0)
            .filter(|p| !p.is_empty())
            .map(|p| PathBuf::from(String::from_utf8_lossy(p).into_owned()))
            .collect();
    }
    let mut files = Vec::new();
    walk(root, Path::new(""), &mut files);
    files
}

fn walk(root: &Path, rel: &Path, files: &mut Vec<PathBuf>) {
    const LOCAL: &[&str] = &[
        ".git",
        "target",
        ".venv",
        "output",
        ".evcxr",
        "__pycache__",
        ".ipynb_checkpoints",
    ];
    let Ok(entries) = std::fs::read_dir(root.join(rel)) else {
        return;
    };
    for e in entries.flatten() {
        let name = e.file_name();
        let path = rel.join(&name);
        match e.file_type() {
            Ok(t) if t.is_dir() => {
                if !LOCAL.contains(&name.to_string_lossy().as_ref()) {
                    walk(root, &path, files);
                }
            }
            Ok(_) => files.push(path),
            Err(_) => {}
        }
    }
}

/// One problem: `file:line: what`.
fn problem(file: &str, text: &str, at: usize, what: String) -> String {
    let line = text[..at].matches('\n').count() + 1;
    format!("{file}:{line}: {what}")
}

/// Every place in `text` that names a path outside the repository.
fn outside_paths(file: &str, text: &str) -> Vec<String> {
    let mut found = Vec::new();
    for pat in OUTSIDE {
        for (at, _) in text.match_indices(pat) {
            found.push(problem(
                file,
                text,
                at,
                format!(
                    "names `{pat}`, outside the repository: copy what is needed into the \
                     repository (fixtures into fitbit_core/tests/fixtures, facts into docs/) \
                     and refer to it relative to CARGO_MANIFEST_DIR or as docs/<file>.md \u{a7}N"
                ),
            ));
        }
    }
    found
}

/// The section numbers (`3`, `3.2`) of a Markdown file's numbered headings (`## 3. Title`,
/// `### 3.2 Title`).
fn sections(markdown: &str) -> BTreeSet<String> {
    markdown
        .lines()
        .filter_map(|l| l.strip_prefix('#'))
        .map(|l| l.trim_start_matches('#').trim_start())
        .filter_map(|l| l.split_whitespace().next())
        .map(|n| n.trim_end_matches('.'))
        .filter(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit() || c == '.'))
        .map(str::to_owned)
        .collect()
}

/// The name of a `docs/` file (`fitbit-web-api`) that `prefix` ends with, as in
/// `docs/fitbit-web-api.md `; inside `docs/` the `docs/` part may be left out.
fn cited_doc(prefix: &str, in_docs: bool) -> Option<String> {
    let p = prefix.strip_suffix(".md ")?;
    let start = p
        .rfind(|c: char| !(c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'))
        .map_or(0, |i| i + 1);
    let name = &p[start..];
    if name.is_empty() {
        return None;
    }
    (p[..start].ends_with("docs/") || in_docs).then(|| name.to_owned())
}

/// `RFC 7636 section 4.6` and the like: sections of external standards.
fn is_rfc(prefix: &str) -> bool {
    let Some(p) = prefix.strip_suffix(' ') else {
        return false;
    };
    let digits = p.trim_end_matches(|c: char| c.is_ascii_digit());
    digits.len() < p.len() && digits.ends_with("RFC ")
}

/// Every section-sign in `text` that does not resolve to a numbered section of a file in `docs/`
/// (`docs` maps a doc name to its sections). `self_doc` is the file's own doc name when it is
/// in `docs/` (a bare `section 3` there means its own section 3).
fn bad_citations(
    file: &str,
    text: &str,
    self_doc: Option<&str>,
    docs: &dyn Fn(&str) -> Option<BTreeSet<String>>,
) -> Vec<String> {
    let mut found = Vec::new();
    // The doc of the previous citation, for lists such as "docs/x.md (sign)3.2, (sign)4.1 and (sign)6".
    let mut last: Option<(String, usize)> = None;
    for (at, _) in text.match_indices('\u{a7}') {
        let prefix = &text[..at];
        let number: String = text[at + '\u{a7}'.len_utf8()..]
            .chars()
            .take_while(|c| c.is_ascii_digit() || *c == '.')
            .collect();
        let number = number.trim_end_matches('.');
        if is_rfc(prefix) {
            last = None;
            continue;
        }
        let listed = [", ", " and ", ", and "]
            .iter()
            .any(|sep| prefix.ends_with(sep))
            .then(|| last.clone())
            .flatten()
            .filter(|(_, end)| at - end < 12)
            .map(|(d, _)| d);
        let doc = cited_doc(prefix, self_doc.is_some())
            .or(listed)
            .or_else(|| self_doc.map(str::to_owned));
        let Some(doc) = doc else {
            found.push(problem(
                file,
                text,
                at,
                "a `\u{a7}` citation without its file: write `docs/<file>.md \u{a7}N` (see docs/)"
                    .to_owned(),
            ));
            last = None;
            continue;
        };
        match docs(&doc) {
            None => found.push(problem(
                file,
                text,
                at,
                format!("cites docs/{doc}.md, which does not exist"),
            )),
            Some(s) if number.is_empty() || !s.contains(number) => found.push(problem(
                file,
                text,
                at,
                format!(
                    "cites docs/{doc}.md \u{a7}{number}, which has no such section (it has {})",
                    s.into_iter().collect::<Vec<_>>().join(", ")
                ),
            )),
            Some(_) => {}
        }
        last = Some((doc, at + '\u{a7}'.len_utf8() + number.len()));
    }
    found
}

fn docs_in(root: &Path) -> impl Fn(&str) -> Option<BTreeSet<String>> + use<> {
    let dir = root.join("docs");
    move |name: &str| {
        std::fs::read_to_string(dir.join(format!("{name}.md")))
            .ok()
            .map(|t| sections(&t))
    }
}

#[test]
fn no_tracked_file_names_a_path_outside_the_repository() {
    let root = root();
    let files = tracked_files(&root);
    assert!(
        files.iter().any(|f| f.ends_with("Cargo.toml")),
        "no files found under {}",
        root.display()
    );
    let mut problems = Vec::new();
    for f in &files {
        let name = f.to_string_lossy();
        if SKIP.contains(&name.as_ref()) {
            continue;
        }
        // Unreadable (deleted in the work tree) or binary files cannot name paths as text.
        let Ok(bytes) = std::fs::read(root.join(f)) else {
            continue;
        };
        problems.extend(outside_paths(&name, &String::from_utf8_lossy(&bytes)));
    }
    assert!(problems.is_empty(), "\n{}", problems.join("\n"));
}

#[test]
fn every_section_citation_points_at_a_section_of_docs() {
    let root = root();
    let docs = docs_in(&root);
    let mut problems = Vec::new();
    let mut cited = 0;
    for f in tracked_files(&root) {
        let name = f.to_string_lossy().into_owned();
        let checked = name.ends_with(".rs") || name.ends_with(".md") || name.ends_with(".ipynb");
        if !checked {
            continue;
        }
        let Ok(text) = std::fs::read_to_string(root.join(&f)) else {
            continue;
        };
        let self_doc = name
            .strip_prefix("docs/")
            .and_then(|n| n.strip_suffix(".md"))
            .filter(|n| !n.contains('/'));
        cited += text.matches('\u{a7}').count();
        problems.extend(bad_citations(&name, &text, self_doc, &docs));
    }
    assert!(cited > 0, "no citations found: is the file list empty?");
    assert!(problems.is_empty(), "\n{}", problems.join("\n"));
}

#[test]
fn the_docs_have_the_sections_the_code_relies_on() {
    let docs = docs_in(&root());
    for (doc, want) in [
        (
            "fitbit-web-api",
            &["1", "2.6", "3.4", "5.1", "5.2", "7", "8"][..],
        ),
        (
            "google-health-api",
            &["2.3", "3.4", "4.4", "5.1", "6", "9"][..],
        ),
        ("takeout-export", &["2", "3", "4", "5"][..]),
    ] {
        let have = docs(doc).unwrap_or_else(|| panic!("docs/{doc}.md is missing"));
        for n in want {
            assert!(
                have.contains(*n),
                "docs/{doc}.md \u{a7}{n} missing: {have:?}"
            );
        }
    }
}

/// The checks themselves: what the repository looked like before, and citations that must pass.
#[test]
fn the_checks_catch_the_old_references() {
    let old_fixture = concat!(
        "    let path = format!(\"/wo",
        "rk/shared",
        "/fixtures/{name}\");\n"
    );
    let found = outside_paths("common/mod.rs", old_fixture);
    assert_eq!(found.len(), 2, "{found:?}");
    assert!(
        found[0].starts_with(concat!("common/mod.rs:1: names `/wo", "rk/`")),
        "{found:?}"
    );
    let old_readme = concat!("built from\n(`shared", "/reference/`), never");
    let found = outside_paths("README.md", old_readme);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(found[0].starts_with("README.md:2:"), "{found:?}");
    assert!(outside_paths("x.rs", "join(\"../fitbit_core/tests/fixtures\")").is_empty());

    let docs = |name: &str| {
        (name == "fitbit-web-api")
            .then(|| sections("# T\n## 2. OAuth\n### 2.4 Access\n## 6. Other\n"))
    };
    let check = |text: &str| bad_citations("x.rs", text, None, &docs);
    assert!(check("(docs/fitbit-web-api.md \u{a7}2.4)").is_empty());
    assert!(check("(docs/fitbit-web-api.md \u{a7}2, \u{a7}2.4 and \u{a7}6)").is_empty());
    assert!(check("(RFC 7636 \u{a7}4.6)").is_empty());
    assert_eq!(
        check("(fitbit-api.md \u{a7}2.4)").len(),
        1,
        "old file name, no docs/"
    );
    assert_eq!(check("Swagger (\u{a7}1.3)").len(), 1, "bare \u{a7}");
    let found = check("(docs/fitbit-web-api.md \u{a7}3.1)");
    assert!(
        found[0].contains("no such section (it has 2, 2.4, 6)"),
        "{found:?}"
    );
    let found = check("(docs/google-health-api.md \u{a7}1)");
    assert!(found[0].contains("does not exist"), "{found:?}");
    let in_doc = bad_citations(
        "docs/fitbit-web-api.md",
        "see \u{a7}6 and \u{a7}9",
        Some("fitbit-web-api"),
        &docs,
    );
    assert_eq!(in_doc.len(), 1, "{in_doc:?}");
    assert!(in_doc[0].contains("\u{a7}9"), "{in_doc:?}");
}
