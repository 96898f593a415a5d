// informe: a fast path for reading the Unicode maps (`/ToUnicode` CMaps) of fonts.
//
// adobe-cmap-parser 0.4 reads a CMap with parser combinators (pom): about 4 million instructions
// for one font of the 2021 report, a seventh of reading its pages. This reader lexes the same
// grammar by hand for what ToUnicode CMaps hold (comments at the start of a line, names,
// integers, operators, strings without escapes, hexadecimal strings, arrays and dictionaries of
// those) and then walks the tokens exactly as `adobe_cmap_parser::get_unicode_map` walks its
// values. It gives up (`None`) wherever the published parser would stop early, fail or panic, or
// on anything it does not read: `.` in a number, `#` in a name, escapes or parentheses inside a
// string, an odd hexadecimal digit, NUL or form feed where pom's `multispace` is expected, a
// comment after white space that follows another comment (pom stops there), a range that
// overflows or is longer than `MAX_RANGE` codes. On `None` the
// caller asks adobe-cmap-parser, so every map is what it gives; informe's tests compare the two
// on every ToUnicode stream of its PDF fixtures and on generated CMaps.

use std::collections::HashMap;
use std::convert::TryFrom;

/// Longest `bfrange` (in codes) this reader expands; longer ones go to adobe-cmap-parser.
const MAX_RANGE: u32 = 0xFFFF;

/// Deepest nesting of arrays and dictionaries this reader follows.
const MAX_NESTING: usize = 16;

/// Digits of the longest integer read here (an `i64` holds every 18-digit number).
const MAX_DIGITS: usize = 18;

/// The map from character codes to their Unicode text in UTF-16BE, as
/// `adobe_cmap_parser::get_unicode_map` returns it, or `None` when that parser must read `data`.
pub fn unicode_map(data: &[u8]) -> Option<HashMap<u32, Vec<u8>>> {
    let tokens = Lexer { b: data, i: 0 }.tokens()?;
    walk(&tokens)
}

/// One value of the CMap, as far as the Unicode map needs it.
#[derive(Debug, PartialEq)]
enum Token {
    Integer(i64),
    /// `beginbfchar`, `beginbfrange` or any other operator.
    Operator(Vec<u8>),
    /// A literal or hexadecimal string: its bytes.
    Str(Vec<u8>),
    /// An array: its strings, `None` for an element of another kind.
    Array(Vec<Option<Vec<u8>>>),
    /// A name, a boolean, a dictionary.
    Other,
}

struct Lexer<'a> {
    b: &'a [u8],
    i: usize,
}

/// What pom's `multispace` skips after every value.
fn is_content_space(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\r' | b'\n')
}

/// What adobe-cmap-parser's `space()` skips inside arrays, dictionaries and hexadecimal strings.
fn is_space(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\n' | b'\r' | b'\0' | b'\x0C')
}

/// The bytes that end a name.
fn ends_name(c: u8) -> bool {
    b" \t\n\r\x0C()<>[]{}/%#".contains(&c)
}

fn hex_value(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        b'A'..=b'F' => Some(c - b'A' + 10),
        _ => None,
    }
}

impl Lexer<'_> {
    fn peek(&self) -> Option<u8> {
        self.b.get(self.i).copied()
    }

    /// Every value of the file: `(comment* content_space value content_space)+` to the end.
    fn tokens(mut self) -> Option<Vec<Token>> {
        let mut out = Vec::new();
        while self.i < self.b.len() {
            self.comments()?;
            self.skip(is_content_space);
            if self.i == self.b.len() {
                break;
            }
            out.push(self.value(0)?);
        }
        (!out.is_empty()).then_some(out)
    }

    /// Comments that start right here, each ended by an end of line.
    fn comments(&mut self) -> Option<()> {
        while self.peek() == Some(b'%') {
            let end = self.b[self.i..]
                .iter()
                .position(|&c| c == b'\r' || c == b'\n')?;
            self.i += end;
            if self.b[self.i..].starts_with(b"\r\n") {
                self.i += 2;
            } else {
                self.i += 1;
            }
        }
        Some(())
    }

    fn skip(&mut self, what: fn(u8) -> bool) {
        while self.peek().is_some_and(what) {
            self.i += 1;
        }
    }

    /// One value and the content space after it.
    fn value(&mut self, depth: usize) -> Option<Token> {
        let rest = &self.b[self.i..];
        let c = *rest.first()?;
        let token = if rest.starts_with(b"true") {
            self.i += 4;
            Token::Other
        } else if rest.starts_with(b"false") {
            self.i += 5;
            Token::Other
        } else if c.is_ascii_digit() || c == b'+' || c == b'-' {
            Token::Integer(self.integer()?)
        } else if c == b'/' {
            self.i += 1;
            self.skip(|c| !ends_name(c));
            if self.peek() == Some(b'#') {
                return None;
            }
            Token::Other
        } else if c.is_ascii_alphabetic() || matches!(c, b'*' | b'\'' | b'"') {
            let start = self.i;
            self.skip(|c| c.is_ascii_alphabetic() || matches!(c, b'*' | b'\'' | b'"'));
            Token::Operator(self.b[start..self.i].to_vec())
        } else if c == b'(' {
            self.i += 1;
            let len = self.b[self.i..].iter().position(|&c| c == b')')?;
            let inner = &self.b[self.i..self.i + len];
            if inner.iter().any(|&c| c == b'\\' || c == b'(') {
                return None;
            }
            self.i += len + 1;
            Token::Str(inner.to_vec())
        } else if rest.starts_with(b"<<") {
            self.dictionary(depth)?
        } else if c == b'<' {
            Token::Str(self.hex_string()?)
        } else if c == b'[' {
            self.array(depth)?
        } else {
            return None;
        };
        self.skip(is_content_space);
        Some(token)
    }

    /// `[+-]?[0-9]+`, not followed by `.` (which adobe-cmap-parser reads as a second number).
    fn integer(&mut self) -> Option<i64> {
        let start = self.i;
        if matches!(self.peek(), Some(b'+' | b'-')) {
            self.i += 1;
        }
        let digits = self.i;
        self.skip(|c| c.is_ascii_digit());
        let n = self.i - digits;
        if n == 0 || n > MAX_DIGITS || self.peek() == Some(b'.') {
            return None;
        }
        std::str::from_utf8(&self.b[start..self.i]).ok()?.parse().ok()
    }

    /// `<` (space* two hex digits)* space* `>`.
    fn hex_string(&mut self) -> Option<Vec<u8>> {
        self.i += 1;
        let mut bytes = Vec::new();
        loop {
            self.skip(is_space);
            match self.peek()? {
                b'>' => {
                    self.i += 1;
                    return Some(bytes);
                }
                c => {
                    let hi = hex_value(c)?;
                    let lo = hex_value(*self.b.get(self.i + 1)?)?;
                    bytes.push(hi << 4 | lo);
                    self.i += 2;
                }
            }
        }
    }

    /// `[` space* value* `]`.
    fn array(&mut self, depth: usize) -> Option<Token> {
        if depth >= MAX_NESTING {
            return None;
        }
        self.i += 1;
        self.skip(is_space);
        let mut items = Vec::new();
        while self.peek()? != b']' {
            items.push(match self.value(depth + 1)? {
                Token::Str(s) => Some(s),
                _ => None,
            });
        }
        self.i += 1;
        Some(Token::Array(items))
    }

    /// `<<` space* (name space* value)* `>>`.
    fn dictionary(&mut self, depth: usize) -> Option<Token> {
        if depth >= MAX_NESTING {
            return None;
        }
        self.i += 2;
        self.skip(is_space);
        while !self.b[self.i..].starts_with(b">>") {
            if self.peek()? != b'/' {
                return None;
            }
            self.i += 1;
            self.skip(|c| !ends_name(c));
            if self.peek() == Some(b'#') {
                return None;
            }
            self.skip(is_space);
            self.value(depth + 1)?;
        }
        self.i += 2;
        Some(Token::Other)
    }
}

/// adobe-cmap-parser's `as_code`: the bytes as one big-endian number (high bits dropped).
fn as_code(bytes: &[u8]) -> u32 {
    bytes.iter().fold(0u32, |code, &c| (code << 8) | u32::from(c))
}

/// `adobe_cmap_parser::get_unicode_map`'s walk over the values, `None` wherever it returns an
/// error or panics (a missing count, a value of the wrong kind, a start string of another length
/// than 2 or 4 bytes, an array of the wrong length), or a range would overflow or exceed
/// `MAX_RANGE`.
fn walk(tokens: &[Token]) -> Option<HashMap<u32, Vec<u8>>> {
    let string = |i: usize| match tokens.get(i)? {
        Token::Str(s) => Some(s),
        _ => None,
    };
    let mut map = HashMap::new();
    let mut i = 0;
    while i < tokens.len() {
        let Token::Operator(op) = &tokens[i] else {
            i += 1;
            continue;
        };
        let bfchar = op.as_slice() == b"beginbfchar";
        if !bfchar && op.as_slice() != b"beginbfrange" {
            i += 1;
            continue;
        }
        let Token::Integer(count) = tokens.get(i.checked_sub(1)?)? else {
            return None;
        };
        i += 1;
        for _ in 0..*count {
            if bfchar {
                let code = as_code(string(i)?);
                map.insert(code, string(i + 1)?.clone());
                i += 2;
            } else {
                let lower = as_code(string(i)?);
                let upper = as_code(string(i + 1)?);
                match tokens.get(i + 2)? {
                    Token::Str(start) => insert_range(&mut map, lower, upper, start)?,
                    Token::Array(codes) => {
                        if upper < lower || (upper - lower) as usize + 1 != codes.len() {
                            return None;
                        }
                        for (c, s) in (lower..=upper).zip(codes) {
                            map.insert(c, s.clone()?);
                        }
                    }
                    _ => return None,
                }
                i += 3;
            }
        }
        // Like the published parser, skip the token after the entries unread.
        i += 1;
    }
    Some(map)
}

/// A `bfrange` whose destination is a start string: consecutive codes from `start`, in 2 or 4
/// bytes as `start` has.
fn insert_range(
    map: &mut HashMap<u32, Vec<u8>>,
    lower: u32,
    upper: u32,
    start: &[u8],
) -> Option<()> {
    // The published parser looks at the start string's length first (and panics on another).
    if start.len() != 2 && start.len() != 4 {
        return None;
    }
    if upper < lower {
        return Some(());
    }
    let span = upper - lower;
    if span > MAX_RANGE {
        return None;
    }
    let first = as_code(start);
    match start.len() {
        4 => {
            first.checked_add(span)?;
            for (k, c) in (lower..=upper).enumerate() {
                map.insert(c, (first + k as u32).to_be_bytes().to_vec());
            }
        }
        2 => {
            let first = first as u16;
            first.checked_add(u16::try_from(span).ok()?)?;
            for (k, c) in (lower..=upper).enumerate() {
                map.insert(c, (first + k as u16).to_be_bytes().to_vec());
            }
        }
        _ => return None,
    }
    Some(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map(data: &str) -> Option<Vec<(u32, Vec<u8>)>> {
        let mut m: Vec<_> = unicode_map(data.as_bytes())?.into_iter().collect();
        m.sort();
        Some(m)
    }

    #[test]
    fn reads_chars_and_both_kinds_of_range() {
        let cmap = "%!PS-Adobe-3.0 Resource-CMap\n%%Title: x\n/CIDInit /ProcSet findresource begin\n\
            12 dict begin\nbegincmap\n/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n\
            1 begincodespacerange\n<00> <FF>\nendcodespacerange\n\
            2 beginbfchar\n<03> <0020>\n<11><00F3>\nendbfchar\n\
            2 beginbfrange\n<20> <21> <0041>\n<30> <31> [<0061> <D835DC00>]\nendbfrange\n\
            endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n";
        assert_eq!(
            map(cmap),
            Some(vec![
                (0x03, vec![0, 0x20]),
                (0x11, vec![0, 0xF3]),
                (0x20, vec![0, 0x41]),
                (0x21, vec![0, 0x42]),
                (0x30, vec![0, 0x61]),
                (0x31, vec![0xD8, 0x35, 0xDC, 0x00]),
            ])
        );
    }

    #[test]
    fn gives_up_where_the_published_parser_stops_or_fails() {
        // A number with a point, a name with `#`, an escape, an odd digit, a comment after the
        // white space that follows another comment.
        for cmap in [
            "1 beginbfchar <01> <0041> endbfchar 1.5 def",
            "/A#20B def 1 beginbfchar <01> <0041> endbfchar",
            "(a\\)b) 1 beginbfchar <01> <0041> endbfchar",
            "1 beginbfchar <01> <041> endbfchar",
            "% a\n  % b\n1 beginbfchar <01> <0041> endbfchar",
            // No count before the operator, a count past the end, a start of 3 bytes.
            "beginbfchar <01> <0041> endbfchar",
            "2 beginbfchar <01> <0041>",
            "1 beginbfrange <01> <02> <004100> endbfrange",
            // A 2-byte destination that overflows, an array of the wrong length.
            "1 beginbfrange <01> <02> <FFFF> endbfrange",
            "1 beginbfrange <01> <03> [<0041> <0042>] endbfrange",
        ] {
            assert_eq!(map(cmap), None, "{cmap}");
        }
    }

    #[test]
    fn a_range_that_runs_backwards_maps_nothing() {
        assert_eq!(map("1 beginbfrange <05> <01> <0041> endbfrange"), Some(vec![]));
        // ... unless its start has another length, which the published parser panics on.
        assert_eq!(map("1 beginbfrange <05> <01> <004100> endbfrange"), None);
    }

    #[test]
    fn a_comment_may_follow_a_value_on_its_own_line() {
        assert_eq!(
            map("1 beginbfchar\n  % note\n<01> <0041> endbfchar"),
            Some(vec![(1, vec![0, 0x41])])
        );
    }
}
