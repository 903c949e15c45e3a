//! What the compiler reads off a rule file's text beyond its parsed values: the line of a
//! top-level key and the text of the `when` block, for lint positions and `explain`.

/// The 1-based line of a top-level key.
pub(super) fn key_line(text: &str, key: &str) -> Option<u32> {
    let at = text
        .lines()
        .position(|l| l.strip_prefix(key).is_some_and(|r| r.starts_with(':')))?;
    u32::try_from(at + 1).ok()
}

/// The text of a top-level YAML block (`when:` and what is indented under it).
pub(super) fn yaml_block(text: &str, key: &str) -> String {
    let mut out = Vec::new();
    let mut inside = false;
    for line in text.lines() {
        if inside {
            if line.starts_with(' ') || line.starts_with('-') || line.trim().is_empty() {
                out.push(line);
                continue;
            }
            break;
        }
        if line.starts_with(&format!("{key}:")) {
            inside = true;
            out.push(line);
        }
    }
    while out.last().is_some_and(|l| l.trim().is_empty()) {
        out.pop();
    }
    out.join("\n")
}
