//! What the compiler reads off a rule file's text beyond its parsed values: the line of a
//! top-level key and the text of the `when` block, for lint positions and `explain`.

use crate::rules::schema::Span;

/// The 1-based line of a top-level key.
pub(super) fn key_line(text: &str, key: &str) -> Option<u32> {
    let at = text
        .lines()
        .position(|l| l.strip_prefix(key).is_some_and(|r| r.starts_with(':')))?;
    u32::try_from(at + 1).ok()
}

/// The text of a top-level key and its value, as written, for `explain`: a flow value
/// (`{ … }` or `[ … ]`, on one line or many, even in a flow-style document) is taken from
/// where the parser says it starts to its closing bracket; a block value is the key's line
/// and what is indented under it.
pub(super) fn key_text(text: &str, key: &str, value: Span) -> String {
    match flow_value(text, value) {
        Some(flow) => format!("{key}: {flow}"),
        None => yaml_block(text, key),
    }
}

/// The flow collection starting at `at`, up to its matching bracket (quotes respected).
fn flow_value(text: &str, at: Span) -> Option<&str> {
    let line_start: usize = text
        .split_inclusive('\n')
        .take((at.line as usize).checked_sub(1)?)
        .map(str::len)
        .sum();
    let line = text.get(line_start..)?.lines().next()?;
    let col: usize = line
        .chars()
        .take((at.column as usize).saturating_sub(1))
        .map(char::len_utf8)
        .sum();
    let rest = text.get(line_start + col..)?;
    if !rest.starts_with(['{', '[']) {
        return None;
    }
    let (mut depth, mut quote) = (0usize, None::<char>);
    for (i, c) in rest.char_indices() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') => quote = Some(c),
            (None, '{' | '[') => depth += 1,
            (None, '}' | ']') => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return rest.get(..i + 1);
                }
            }
            _ => {}
        }
    }
    None
}

/// The text of a top-level YAML block (`when:` and what is indented under it).
fn yaml_block(text: &str, key: &str) -> String {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn block_and_flow_values() {
        let block = "id: X1\nwhen:\n  all:\n    - present: line.units\nmessage: m\n";
        assert_eq!(
            key_text(block, "when", Span::new(3, 3)),
            "when:\n  all:\n    - present: line.units"
        );
        let one_line = "id: X1\nwhen: { present: line.units }\nmessage: m\n";
        assert_eq!(
            key_text(one_line, "when", Span::new(2, 7)),
            "when: { present: line.units }"
        );
        // A flow value whose lines start at column 1, and a flow-style document.
        let wrapped = "id: X1\nwhen: {\nall: [present: line.units, \"}\": 1]\n}\nmessage: m\n";
        assert_eq!(
            key_text(wrapped, "when", Span::new(2, 7)),
            "when: {\nall: [present: line.units, \"}\": 1]\n}"
        );
        let flow_doc = "{id: X1, when: {present: line.units}, message: m}";
        assert_eq!(
            key_text(flow_doc, "when", Span::new(1, 16)),
            "when: {present: line.units}"
        );
    }
}
