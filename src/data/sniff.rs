//! Guessing a file's dialect from its first lines: the delimiter (comma, semicolon, tab, pipe)
//! and whether numbers use a decimal comma, as spreadsheets in many European locales export.

use super::number;

/// How a file is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Dialect {
    pub delimiter: u8,
    pub decimal_comma: bool,
}

impl Default for Dialect {
    fn default() -> Self {
        Dialect { delimiter: b',', decimal_comma: false }
    }
}

const CANDIDATES: [u8; 4] = [b',', b';', b'\t', b'|'];
const SAMPLE_BYTES: usize = 64 * 1024;
const SAMPLE_LINES: usize = 64;

/// Guesses the dialect. The delimiter is the candidate that splits the sampled lines into the
/// same number (more than one) of fields most often, preferring more fields on a tie; quotes are
/// respected. A decimal comma is assumed when the delimiter is not a comma and the sample holds
/// more numbers written with a comma than with a point.
pub fn sniff(bytes: &[u8]) -> Dialect {
    let sample = &bytes[..bytes.len().min(SAMPLE_BYTES)];
    let lines = split_lines(sample);
    let mut best: Option<(usize, usize, u8)> = None; // (lines agreeing, fields, delimiter)
    for &d in &CANDIDATES {
        let counts: Vec<usize> = lines.iter().map(|l| split_fields(l, d).len()).collect();
        let Some(&first) = counts.first() else { continue };
        if first < 2 {
            continue;
        }
        let agreeing = counts.iter().filter(|&&c| c == first).count();
        let score = (agreeing, first, d);
        if best.is_none_or(|b| (score.0, score.1) > (b.0, b.1)) {
            best = Some(score);
        }
    }
    let delimiter = best.map_or(b',', |b| b.2);
    let decimal_comma = delimiter != b',' && comma_numbers_dominate(&lines, delimiter);
    Dialect { delimiter, decimal_comma }
}

fn comma_numbers_dominate(lines: &[&[u8]], delimiter: u8) -> bool {
    let (mut comma, mut point) = (0usize, 0usize);
    for line in lines.iter().skip(1) {
        for field in split_fields(line, delimiter) {
            let field = field.trim_ascii();
            let has_comma = field.contains(&b',');
            let has_point = field.contains(&b'.');
            if has_comma && number::parse(field, true).is_some() {
                comma += 1;
            } else if has_point && !has_comma && number::parse(field, false).is_some() {
                point += 1;
            }
        }
    }
    comma > point
}

/// Up to SAMPLE_LINES non-blank lines, not splitting inside quotes. The last line is dropped when
/// the sample was cut short of the file, since it may be partial.
fn split_lines(sample: &[u8]) -> Vec<&[u8]> {
    let sample = sample.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(sample);
    let mut lines = Vec::new();
    let (mut start, mut quoted) = (0, false);
    for (i, &b) in sample.iter().enumerate() {
        match b {
            b'"' => quoted = !quoted,
            b'\n' if !quoted => {
                let line = sample[start..i].strip_suffix(b"\r").unwrap_or(&sample[start..i]);
                if !line.trim_ascii().is_empty() {
                    lines.push(line);
                }
                start = i + 1;
                if lines.len() == SAMPLE_LINES {
                    return lines;
                }
            }
            _ => {}
        }
    }
    let tail = &sample[start..];
    if !tail.trim_ascii().is_empty() && (lines.is_empty() || sample.len() < SAMPLE_BYTES) {
        lines.push(tail);
    }
    lines
}

/// The fields of one line, outside quotes.
fn split_fields(line: &[u8], delimiter: u8) -> Vec<&[u8]> {
    let mut fields = Vec::new();
    let (mut start, mut quoted) = (0, false);
    for (i, &b) in line.iter().enumerate() {
        if b == b'"' {
            quoted = !quoted;
        } else if b == delimiter && !quoted {
            fields.push(&line[start..i]);
            start = i + 1;
        }
    }
    fields.push(&line[start..]);
    fields
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dialect(text: &str) -> (char, bool) {
        let d = sniff(text.as_bytes());
        (d.delimiter as char, d.decimal_comma)
    }

    #[test]
    fn delimiters() {
        assert_eq!(dialect("a,b,c\n1,2,3\n"), (',', false));
        assert_eq!(dialect("a;b\n1,5;2,25\n3;4\n"), (';', true));
        assert_eq!(dialect("a;b\n1.5;2.25\n"), (';', false));
        assert_eq!(dialect("a\tb\n1\t2\n"), ('\t', false));
        assert_eq!(dialect("a|b|c\n1|2|3\n"), ('|', false));
        assert_eq!(dialect("\u{feff}x;y\r\n1;2\r\n"), (';', false));
        assert_eq!(dialect("only\n1\n2\n"), (',', false));
        // A comma inside quotes does not count.
        assert_eq!(dialect("name;note\n\"a, b\";1\n\"c, d\";2\n"), (';', false));
    }
}
