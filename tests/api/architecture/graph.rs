//! The import graph of a crate's sources: every file's `use` lines and `crate::`/`super::`
//! paths, each resolved to the file that defines what it names (through `pub use` re-exports,
//! globs and the types a macro invocation declares), and the cycles among the files.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// A module: its path from the crate root, `["crate", "db", "repo"]`.
pub type Module = Vec<String>;

pub struct Crate {
    /// Each module's file.
    pub files: BTreeMap<Module, PathBuf>,
    /// Names each module defines (fn, struct, enum, trait, type, const, static, mod, macro).
    items: BTreeMap<Module, BTreeSet<String>>,
    /// `pub use` lines: (module, name it is known by) → the path it stands for.
    reexports: BTreeMap<(Module, String), Vec<String>>,
    /// `pub use x::*` lines: module → the paths of the modules it re-exports whole.
    globs: BTreeMap<Module, Vec<Vec<String>>>,
    /// Every path a module names.
    uses: BTreeMap<Module, Vec<Vec<String>>>,
}

/// The source without comments, and with string and character literals emptied, so that only
/// code is searched. Inside the inline test module, `super` is the file's own module.
fn code_of(src: &str) -> String {
    let chars: Vec<char> = src.chars().collect();
    let (mut out, mut i) = (String::with_capacity(src.len()), 0);
    let ident = |c: char| c.is_alphanumeric() || c == '_';
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied().unwrap_or(' ');
        if c == '/' && next == '/' {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
            continue;
        }
        if c == '/' && next == '*' {
            let (mut depth, mut j) = (1, i + 2);
            while j < chars.len() && depth > 0 {
                match (chars[j], chars.get(j + 1).copied().unwrap_or(' ')) {
                    ('/', '*') => (depth, j) = (depth + 1, j + 2),
                    ('*', '/') => (depth, j) = (depth - 1, j + 2),
                    _ => j += 1,
                }
            }
            i = j;
            continue;
        }
        let before = if i > 0 { chars[i - 1] } else { ' ' };
        if (c == 'r' || c == 'b') && !ident(before) {
            // r"…", r#"…"#, br"…"
            let mut j = i + 1;
            if c == 'b' && chars.get(j) == Some(&'r') {
                j += 1;
            }
            if c == 'r' || j > i + 1 {
                let mut k = j;
                while chars.get(k) == Some(&'#') {
                    k += 1;
                }
                if chars.get(k) == Some(&'"') {
                    let hashes = k - j;
                    let mut e = k + 1;
                    while e < chars.len()
                        && !(chars[e] == '"' && (1..=hashes).all(|h| chars.get(e + h) == Some(&'#')))
                    {
                        e += 1;
                    }
                    out.push_str("\"\"");
                    i = e + 1 + hashes;
                    continue;
                }
            }
        }
        if c == '"' {
            let mut j = i + 1;
            while j < chars.len() && chars[j] != '"' {
                j += if chars[j] == '\\' { 2 } else { 1 };
            }
            out.push_str("\"\"");
            i = j + 1;
            continue;
        }
        if c == '\'' {
            // A character literal ('x', '\n', '\u{..}'), not a lifetime ('a).
            if next == '\\' {
                let mut j = i + 2;
                while j < chars.len() && chars[j] != '\'' {
                    j += 1;
                }
                out.push_str("' '");
                i = j + 1;
                continue;
            }
            if chars.get(i + 2) == Some(&'\'') {
                out.push_str("' '");
                i += 3;
                continue;
            }
        }
        out.push(c);
        i += 1;
    }
    match out.find("#[cfg(test)]\nmod tests") {
        Some(at) => {
            let (code, tests) = out.split_at(at);
            format!("{code}{}", replace_paths(tests, "super::", "self::"))
        }
        None => out,
    }
}

/// `text` with every path segment `from` (not preceded by a word or `::`) replaced by `to`.
fn replace_paths(text: &str, from: &str, to: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find(from) {
        let before = rest[..at].chars().next_back();
        let standalone = !before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == ':');
        out.push_str(&rest[..at]);
        out.push_str(if standalone { to } else { from });
        rest = &rest[at + from.len()..];
    }
    out.push_str(rest);
    out
}

/// The paths a use tree names: `a::{b, c::{d, e as f}, self}` → `a::b`, `a::c::d`, `a::c::e`, `a`,
/// each with the name it is known by.
fn expand(prefix: &[String], tree: &str) -> Vec<(Vec<String>, String)> {
    let tree = tree.trim();
    if let Some(open) = tree.find('{')
        && tree.ends_with('}')
    {
        let mut base = prefix.to_vec();
        base.extend(tree[..open].split("::").map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned));
        let inner = &tree[open + 1..tree.len() - 1];
        let (mut depth, mut start, mut out) = (0, 0, Vec::new());
        for (i, c) in inner.char_indices() {
            match c {
                '{' => depth += 1,
                '}' => depth -= 1,
                ',' if depth == 0 => {
                    out.extend(expand(&base, &inner[start..i]));
                    start = i + 1;
                }
                _ => {}
            }
        }
        out.extend(expand(&base, &inner[start..]));
        return out;
    }
    if tree.is_empty() {
        return Vec::new();
    }
    let (path, alias) = match tree.split_once(" as ") {
        Some((path, alias)) => (path.trim(), Some(alias.trim().to_owned())),
        None => (tree, None),
    };
    let mut segments = prefix.to_vec();
    segments.extend(path.split("::").map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned));
    if segments.last().is_some_and(|s| s == "self") {
        segments.pop();
    }
    let name = alias.unwrap_or_else(|| segments.last().cloned().unwrap_or_default());
    vec![(segments, name)]
}

fn module_of(relative: &Path) -> Module {
    let mut parts: Vec<String> = relative
        .with_extension("")
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    match parts.as_slice() {
        [only] if only == "lib" => return vec!["crate".into()],
        [only] if only == "main" => return vec!["main".into()],
        _ => {}
    }
    if parts.last().is_some_and(|p| p == "mod") {
        parts.pop();
    }
    std::iter::once("crate".to_owned()).chain(parts).collect()
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("a source folder") {
        let path = entry.expect("a folder entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// Words of `text` that follow `keyword` and a space: `fn name`, `struct Name`.
fn names_after<'t>(text: &'t str, keyword: &str) -> impl Iterator<Item = &'t str> {
    text.match_indices(keyword).filter_map(move |(at, _)| {
        let before = text[..at].chars().next_back();
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
            return None;
        }
        let rest = &text[at + keyword.len()..];
        let name = rest.split(|c: char| !(c.is_alphanumeric() || c == '_')).next()?;
        (!name.is_empty()).then_some(name)
    })
}

/// Types that a macro invocation at the top of a file declares: in `coded_enum!(… Theme { … })`,
/// each line that is a capitalised name and an opening brace.
fn macro_items(code: &str) -> Vec<String> {
    let (mut inside, mut out) = (false, Vec::new());
    for line in code.lines() {
        let head: String = line.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
        let after = line[head.len()..].trim_start();
        if !head.is_empty()
            && head != "macro_rules"
            && (after.starts_with("!(") || after.starts_with("!{") || after.starts_with("! {"))
        {
            inside = true;
        } else if inside && (line.starts_with(')') || line.starts_with('}')) {
            inside = false;
        } else if inside
            && let Some(name) = line.trim().strip_suffix('{').map(str::trim)
            && name.chars().next().is_some_and(|c| c.is_ascii_uppercase())
            && name.chars().all(|c| c.is_alphanumeric() || c == '_')
        {
            out.push(name.to_owned());
        }
    }
    out
}

/// Paths in code that start at `crate`, `super` or `self`: `crate::db::Db`.
fn inline_paths(code: &str, roots: &[&str]) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    for root in roots {
        for (at, _) in code.match_indices(&format!("{root}::")) {
            let before = code[..at].chars().next_back();
            if before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == ':') {
                continue;
            }
            let path: String =
                code[at..].chars().take_while(|c| c.is_alphanumeric() || *c == '_' || *c == ':').collect();
            out.push(path.split("::").filter(|s| !s.is_empty()).map(str::to_owned).collect());
        }
    }
    out
}

impl Crate {
    pub fn read(src: &Path, lib_name: &str) -> Self {
        let mut paths = Vec::new();
        rust_files(src, &mut paths);
        let mut krate = Crate {
            files: BTreeMap::new(),
            items: BTreeMap::new(),
            reexports: BTreeMap::new(),
            globs: BTreeMap::new(),
            uses: BTreeMap::new(),
        };
        for path in paths {
            let module = module_of(path.strip_prefix(src).expect("inside the folder"));
            let code = code_of(&std::fs::read_to_string(&path).expect("a readable source file"));
            let mut items = BTreeSet::new();
            for keyword in
                ["fn ", "struct ", "enum ", "trait ", "type ", "const ", "static ", "mod ", "union "]
            {
                items.extend(names_after(&code, keyword).map(str::to_owned));
            }
            items.extend(names_after(&code, "macro_rules! ").map(str::to_owned));
            items.extend(macro_items(&code));
            let mut uses = Vec::new();
            for (at, _) in code.match_indices("use ") {
                let line_start = code[..at].rfind('\n').map_or(0, |n| n + 1);
                let lead = code[line_start..at].trim();
                if !(lead.is_empty() || lead.starts_with("pub")) {
                    continue;
                }
                let Some(end) = code[at..].find(';') else { continue };
                let public = lead.starts_with("pub");
                for (segments, name) in expand(&[], &code[at + 4..at + end]) {
                    if public && name == "*" {
                        krate.globs.entry(module.clone()).or_default().push(segments.clone());
                    } else if public {
                        krate.reexports.insert((module.clone(), name), segments.clone());
                    }
                    uses.push(segments);
                }
            }
            uses.extend(inline_paths(&code, &["crate", "super", "self"]));
            if module == ["main"] {
                uses.extend(inline_paths(&code, &[lib_name]).into_iter().map(|mut p| {
                    p[0] = "crate".into();
                    p
                }));
                uses.iter_mut()
                    .filter(|p| p.first().is_some_and(|s| s == lib_name))
                    .for_each(|p| p[0] = "crate".into());
            }
            krate.items.insert(module.clone(), items);
            krate.uses.insert(module.clone(), uses);
            krate.files.insert(module, path);
        }
        krate
    }

    /// `segments` as a path from the crate root, seen from `module`.
    fn absolute(&self, module: &Module, segments: &[String]) -> Option<Vec<String>> {
        let first = segments.first()?;
        if first == "crate" {
            return Some(segments.to_vec());
        }
        let mut base = module.clone();
        let mut rest = segments;
        if first == "self" || first == "super" {
            while let Some(head) = rest.first().filter(|s| *s == "self" || *s == "super") {
                if head == "super" {
                    base.pop();
                }
                rest = &rest[1..];
            }
            base.extend(rest.iter().cloned());
            return Some(base);
        }
        // A path that starts with a child module of this one.
        let mut child = base.clone();
        child.push(first.clone());
        self.files.contains_key(&child).then(|| base.into_iter().chain(segments.iter().cloned()).collect())
    }

    fn defines(&self, module: &Module, name: &str, depth: usize) -> bool {
        if depth > 10 || !self.files.contains_key(module) {
            return false;
        }
        if self.items[module].contains(name)
            || self.reexports.contains_key(&(module.clone(), name.to_owned()))
        {
            return true;
        }
        self.globs(module).any(|target| self.defines(&target, name, depth + 1))
    }

    /// The modules `module` re-exports whole (`pub use x::*`).
    fn globs<'s>(&'s self, module: &'s Module) -> impl Iterator<Item = Module> + 's {
        self.globs
            .get(module)
            .into_iter()
            .flatten()
            .filter_map(move |segments| self.absolute(module, &segments[..segments.len() - 1]))
    }

    /// The file module that defines what `path` names.
    fn resolve(&self, path: &[String], depth: usize) -> Option<Module> {
        if depth > 10 {
            return None;
        }
        for i in (1..=path.len()).rev() {
            let module = path[..i].to_vec();
            if !self.files.contains_key(&module) {
                continue;
            }
            let Some(name) = path.get(i) else { return Some(module) };
            if name == "*" || self.items[&module].contains(name) {
                return Some(module);
            }
            if let Some(target) = self.reexports.get(&(module.clone(), name.clone()))
                && let Some(mut target) = self.absolute(&module, target)
            {
                target.extend(path[i + 1..].iter().cloned());
                return self.resolve(&target, depth + 1).or(Some(module));
            }
            for glob in self.globs(&module).collect::<Vec<_>>() {
                if self.defines(&glob, name, 0) {
                    let target: Vec<String> = glob.iter().chain(&path[i..]).cloned().collect();
                    return self.resolve(&target, depth + 1).or(Some(module));
                }
            }
            return Some(module);
        }
        None
    }

    /// Which modules each module imports.
    pub fn edges(&self) -> BTreeMap<Module, BTreeSet<Module>> {
        let mut edges: BTreeMap<Module, BTreeSet<Module>> = BTreeMap::new();
        for (module, paths) in &self.uses {
            for path in paths {
                let Some(path) = self.absolute(module, path) else { continue };
                if let Some(target) = self.resolve(&path, 0).filter(|t| t != module) {
                    edges.entry(module.clone()).or_default().insert(target);
                }
            }
        }
        edges
    }
}

/// The sets of modules that import each other round a cycle (Tarjan's strongly connected
/// components of more than one module), each with its edges, as text.
pub fn cycles(src: &Path, lib_name: &str) -> Vec<String> {
    let krate = Crate::read(src, lib_name);
    let edges = krate.edges();
    let nodes: Vec<&Module> = krate.files.keys().collect();
    struct State<'a> {
        edges: &'a BTreeMap<Module, BTreeSet<Module>>,
        index: BTreeMap<&'a Module, usize>,
        low: BTreeMap<&'a Module, usize>,
        stack: Vec<&'a Module>,
        on_stack: BTreeSet<&'a Module>,
        components: Vec<Vec<&'a Module>>,
    }
    fn visit<'a>(s: &mut State<'a>, v: &'a Module) {
        let n = s.index.len();
        s.index.insert(v, n);
        s.low.insert(v, n);
        s.stack.push(v);
        s.on_stack.insert(v);
        if let Some(targets) = s.edges.get(v) {
            for w in targets {
                if !s.index.contains_key(w) {
                    visit(s, w);
                    let low = s.low[v].min(s.low[w]);
                    s.low.insert(v, low);
                } else if s.on_stack.contains(w) {
                    let low = s.low[v].min(s.index[w]);
                    s.low.insert(v, low);
                }
            }
        }
        if s.low[v] == s.index[v] {
            let mut component = Vec::new();
            while let Some(w) = s.stack.pop() {
                s.on_stack.remove(w);
                component.push(w);
                if w == v {
                    break;
                }
            }
            s.components.push(component);
        }
    }
    let mut state = State {
        edges: &edges,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on_stack: BTreeSet::new(),
        components: Vec::new(),
    };
    for node in nodes {
        if !state.index.contains_key(node) {
            visit(&mut state, node);
        }
    }
    let name = |m: &Module| if m.len() == 1 { m[0].clone() } else { m[1..].join("::") };
    state
        .components
        .into_iter()
        .filter(|c| c.len() > 1)
        .map(|component| {
            let members: BTreeSet<&Module> = component.iter().copied().collect();
            let lines: Vec<String> = members
                .iter()
                .map(|m| {
                    let targets: Vec<String> =
                        edges[*m].iter().filter(|t| members.contains(t)).map(name).collect();
                    format!("  {} -> {}", name(m), targets.join(", "))
                })
                .collect();
            format!("{} modules import each other:\n{}", members.len(), lines.join("\n"))
        })
        .collect()
}
