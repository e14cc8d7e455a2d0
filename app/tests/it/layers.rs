//! The import graph of `app/src`: no module imports (directly or round about) a module that
//! imports it, and no layer reaches above itself (../shared/ARCHITECTURE.md "Data flows one
//! way"). Read from the source, so a new file cannot slip past.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// What each top-level module may import besides itself; the crate root may import anything.
const MAY_IMPORT: &[(&str, &[&str])] = &[
    ("error", &[]),
    ("domain", &["error"]),
    ("store", &["domain", "error"]),
    ("service", &["domain", "error", "store"]),
    ("client_address", &[]),
    ("state", &["client_address", "store"]),
    ("cookies", &["state"]),
    ("caller", &["cookies", "error", "service", "state"]),
    (
        "api",
        &[
            "caller",
            "client_address",
            "cookies",
            "domain",
            "error",
            "service",
            "state",
        ],
    ),
    ("components", &["api", "domain", "error"]),
    ("pages", &["api", "components", "domain", "error"]),
];

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// `service/members.rs` → `["service", "members"]`; `service/mod.rs` → `["service"]`.
fn module_of(root: &Path, file: &Path) -> Vec<String> {
    let rel = file.strip_prefix(root).unwrap().with_extension("");
    let mut parts: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    if matches!(parts.last().map(String::as_str), Some("mod" | "lib")) {
        parts.pop();
    }
    parts
}

/// The source without comments and string literals (so doc links and URLs are not imports).
fn code_only(source: &str) -> String {
    let mut out = String::with_capacity(source.len());
    let mut chars = source.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '/' if chars.peek() == Some(&'/') => {
                for c in chars.by_ref() {
                    if c == '\n' {
                        out.push('\n');
                        break;
                    }
                }
            }
            '"' => {
                let mut escaped = false;
                for c in chars.by_ref() {
                    if escaped {
                        escaped = false;
                    } else if c == '\\' {
                        escaped = true;
                    } else if c == '"' {
                        break;
                    }
                }
                out.push_str("\"\"");
            }
            '\'' => {
                // A char literal ('x', '\n') or a lifetime ('a): skip only the literal.
                let rest: String = chars.clone().take(3).collect();
                if rest.starts_with('\\') {
                    for c in chars.by_ref() {
                        if c == '\'' {
                            break;
                        }
                    }
                } else if rest.chars().nth(1) == Some('\'') {
                    chars.next();
                    chars.next();
                }
                out.push(' ');
            }
            _ => out.push(c),
        }
    }
    out
}

/// Every path a file names: the leaves of its `use` trees and every `crate::…`, `super::…`
/// or `self::…` path in its code.
fn named_paths(code: &str) -> Vec<String> {
    let mut paths = Vec::new();
    let mut rest = code;
    while let Some(at) = rest.find("use ") {
        let before_ok = at == 0
            || !rest[..at]
                .chars()
                .last()
                .is_some_and(|c| c.is_alphanumeric() || c == '_');
        let tail = &rest[at + 4..];
        let Some(end) = tail.find(';') else { break };
        if before_ok {
            expand("", &tail[..end], &mut paths);
        }
        rest = &tail[end..];
    }
    let bytes: Vec<char> = code.chars().collect();
    let mut i = 0;
    while i < bytes.len() {
        let starts_word = i == 0 || !(bytes[i - 1].is_alphanumeric() || bytes[i - 1] == '_');
        if starts_word && bytes[i].is_alphabetic() {
            let mut j = i;
            while j < bytes.len()
                && (bytes[j].is_alphanumeric()
                    || bytes[j] == '_'
                    || (bytes[j] == ':' && bytes.get(j + 1) == Some(&':'))
                    || (bytes[j] == ':' && j > 0 && bytes[j - 1] == ':'))
            {
                j += 1;
            }
            let word: String = bytes[i..j].iter().collect();
            let word = word.trim_end_matches(':').to_string();
            if ["crate::", "super::", "self::"]
                .iter()
                .any(|p| word.starts_with(p))
            {
                paths.push(word);
            }
            i = j.max(i + 1);
        } else {
            i += 1;
        }
    }
    paths
}

/// Expands a `use` tree (`a::{b, c::{d, e as f}}`) under `prefix` into full paths.
fn expand(prefix: &str, tree: &str, out: &mut Vec<String>) {
    let tree = tree.trim();
    let join = |p: &str, s: &str| {
        if p.is_empty() {
            s.to_string()
        } else {
            format!("{p}::{s}")
        }
    };
    if let Some(open) = tree.find('{') {
        let head = tree[..open].trim().trim_end_matches("::");
        let inner = &tree[open + 1..tree.rfind('}').unwrap_or(tree.len())];
        let base = join(prefix, head);
        let mut depth = 0;
        let mut start = 0;
        for (k, c) in inner.char_indices() {
            match c {
                '{' => depth += 1,
                '}' => depth -= 1,
                ',' if depth == 0 => {
                    expand(&base, &inner[start..k], out);
                    start = k + 1;
                }
                _ => {}
            }
        }
        expand(&base, &inner[start..], out);
    } else if !tree.is_empty() {
        let leaf = tree.split(" as ").next().unwrap_or(tree).trim();
        if leaf == "self" {
            out.push(prefix.to_string());
        } else {
            out.push(join(prefix, leaf));
        }
    }
}

/// The module a path names (the longest known module it starts with), from module `at`.
fn resolve(at: &[String], path: &str, modules: &BTreeSet<Vec<String>>) -> Option<Vec<String>> {
    let mut segments = path.split("::").map(str::to_string).peekable();
    let mut full: Vec<String> = match segments.peek().map(String::as_str) {
        Some("crate") => {
            segments.next();
            Vec::new()
        }
        Some("self") => {
            segments.next();
            at.to_vec()
        }
        Some("super") => {
            let mut base = at.to_vec();
            while segments.peek().map(String::as_str) == Some("super") {
                segments.next();
                base.pop();
            }
            base
        }
        _ => return None,
    };
    full.extend(segments);
    (1..=full.len())
        .rev()
        .map(|n| full[..n].to_vec())
        .find(|m| modules.contains(m))
}

fn graph() -> BTreeMap<Vec<String>, BTreeSet<Vec<String>>> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&root, &mut files);
    let modules: BTreeSet<Vec<String>> = files.iter().map(|f| module_of(&root, f)).collect();
    let mut edges = BTreeMap::new();
    for file in &files {
        let at = module_of(&root, file);
        let code = code_only(&std::fs::read_to_string(file).unwrap());
        let targets: BTreeSet<Vec<String>> = named_paths(&code)
            .iter()
            .filter_map(|p| resolve(&at, p, &modules))
            // A parent module only declares its children; naming it is not a dependency loop.
            .filter(|t| *t != at && !at.starts_with(t))
            .collect();
        edges.insert(at, targets);
    }
    edges
}

fn name(module: &[String]) -> String {
    if module.is_empty() {
        "crate".into()
    } else {
        module.join("::")
    }
}

#[test]
fn no_module_imports_a_module_that_imports_it() {
    let edges = graph();
    assert!(edges.len() > 50, "the source tree was not found");
    // Depth-first search: a back edge closes a circle.
    fn visit(
        node: &Vec<String>,
        edges: &BTreeMap<Vec<String>, BTreeSet<Vec<String>>>,
        path: &mut Vec<Vec<String>>,
        done: &mut BTreeSet<Vec<String>>,
        circles: &mut Vec<String>,
    ) {
        if let Some(at) = path.iter().position(|n| n == node) {
            let mut circle: Vec<String> = path[at..].iter().map(|m| name(m)).collect();
            circle.push(name(node));
            circles.push(circle.join(" → "));
            return;
        }
        if !done.insert(node.clone()) {
            return;
        }
        path.push(node.clone());
        for next in edges.get(node).into_iter().flatten() {
            visit(next, edges, path, done, circles);
        }
        path.pop();
    }
    let mut circles = Vec::new();
    let mut done = BTreeSet::new();
    for node in edges.keys() {
        visit(node, &edges, &mut Vec::new(), &mut done, &mut circles);
    }
    assert!(
        circles.is_empty(),
        "import circles:\n{}",
        circles.join("\n")
    );
}

#[test]
fn no_layer_imports_one_above_it() {
    let rules: BTreeMap<&str, &[&str]> = MAY_IMPORT.iter().copied().collect();
    let mut wrong = Vec::new();
    for (from, targets) in graph() {
        let Some(layer) = from.first() else { continue };
        let allowed = rules
            .get(layer.as_str())
            .unwrap_or_else(|| panic!("{layer} is a new top-level module: add it to MAY_IMPORT"));
        for to in targets {
            let Some(target) = to.first() else { continue };
            if target != layer && !allowed.contains(&target.as_str()) {
                wrong.push(format!("{} → {}", name(&from), name(&to)));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "imports against the layering:\n{}",
        wrong.join("\n")
    );
}

#[test]
fn the_import_reader_sees_use_trees_paths_and_not_comments() {
    let code = code_only(
        "use super::{a, b::{c, d as e}, self};\n// crate::commented\nlet x = crate::f::g(\"crate::in_string\");\nuse crate::h;",
    );
    let paths = named_paths(&code);
    for expected in [
        "super::a",
        "super::b::c",
        "super::b::d",
        "super",
        "crate::f::g",
        "crate::h",
    ] {
        assert!(
            paths.contains(&expected.to_string()),
            "{expected} in {paths:?}"
        );
    }
    assert!(
        !paths
            .iter()
            .any(|p| p.contains("commented") || p.contains("in_string"))
    );
}

/// A rights check's proof (`store::rights::RightsSeen`) is built only by the rulebook
/// (`service/rulebook.rs`) in shipped code, so every guarded write carries what a real check
/// saw: no other file names its constructor.
#[test]
fn only_the_rulebook_builds_a_rights_proof() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&root, &mut files);
    let builders: Vec<String> = files
        .iter()
        .filter(|file| {
            let code = code_only(&std::fs::read_to_string(file).unwrap());
            code.contains("RightsSeen::new") || code.contains("RightsSeen {")
        })
        .map(|file| name(&module_of(&root, file)))
        .collect();
    assert_eq!(
        builders,
        ["service::rulebook", "store::rights"],
        "files that build a RightsSeen"
    );
}

/// The instance rights check's proof (`store::instance_rights::InstanceSeen`) is built only by
/// the instance rulebook (`service/instance_rulebook.rs`) in shipped code.
#[test]
fn only_the_instance_rulebook_builds_an_instance_rights_proof() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&root, &mut files);
    let builders: Vec<String> = files
        .iter()
        .filter(|file| {
            let code = code_only(&std::fs::read_to_string(file).unwrap());
            code.contains("InstanceSeen::new") || code.contains("InstanceSeen {")
        })
        .map(|file| name(&module_of(&root, file)))
        .collect();
    assert_eq!(
        builders,
        ["service::instance_rulebook", "store::instance_rights"],
        "files that build an InstanceSeen"
    );
}
