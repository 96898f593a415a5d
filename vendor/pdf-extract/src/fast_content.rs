// informe: a fast path for decoding the content streams of ordinary pages.
//
// lopdf's content parser (nom combinators) was about half of the time of reading a page. This
// decoder reads the same grammar by hand for what ordinary pages hold (numbers, names, strings,
// hexadecimal strings, arrays and dictionaries of those, `true`/`false`/`null`, operators, the
// four content-stream spaces) and gives up (`None`) on anything else: comments, inline images,
// references and keywords inside arrays and dictionaries, form feeds and
// NULs outside strings, a number out of range, a token lopdf would stop at, operands left at the
// end. On `None` the caller uses `Content::decode` on the whole stream, so every stream decodes
// to what lopdf 0.42 gives; informe's tests compare the two on generated and real streams.

use lopdf::content::{Content, Operation};
use lopdf::{Dictionary, Object, StringFormat};

/// Deepest nesting of parentheses in a string, and of arrays, this decoder follows (lopdf's
/// limits are 100; deeper input goes to lopdf).
const MAX_NESTING: usize = 32;

/// The operations of a content stream, or `None` when the stream needs lopdf's parser.
pub fn decode(data: &[u8]) -> Option<Content<Vec<Operation>>> {
    let mut p = Decoder { b: data, i: 0 };
    let mut operations = Vec::new();
    let mut operands = Vec::new();
    p.skip_content_space();
    while let Some(&c) = p.b.get(p.i) {
        if c.is_ascii_alphabetic() || c == b'*' || c == b'\'' || c == b'"' {
            if let Some(keyword) = p.keyword() {
                operands.push(keyword);
            } else {
                let operator = p.operator()?;
                operations.push(Operation {
                    operator,
                    operands: std::mem::take(&mut operands),
                });
            }
        } else {
            operands.push(p.operand(0)?);
        }
        p.skip_content_space();
    }
    operands.is_empty().then_some(Content { operations })
}

struct Decoder<'a> {
    b: &'a [u8],
    i: usize,
}

/// PDF white space: what lopdf skips inside arrays and hexadecimal strings.
fn is_whitespace(c: u8) -> bool {
    b" \t\n\r\0\x0C".contains(&c)
}

fn is_delimiter(c: u8) -> bool {
    b"()<>[]{}/%".contains(&c)
}

fn is_regular(c: u8) -> bool {
    !is_whitespace(c) && !is_delimiter(c)
}

fn hex_value(c: u8) -> Option<u8> {
    (c as char).to_digit(16).map(|d| d as u8)
}

impl Decoder<'_> {
    fn peek(&self, ahead: usize) -> Option<u8> {
        self.b.get(self.i + ahead).copied()
    }

    /// Between operands and operators lopdf skips only these four.
    fn skip_content_space(&mut self) {
        while self.peek(0).is_some_and(|c| b" \t\r\n".contains(&c)) {
            self.i += 1;
        }
    }

    fn skip_whitespace(&mut self) {
        while self.peek(0).is_some_and(is_whitespace) {
            self.i += 1;
        }
    }

    /// `null`, `true` and `false` at the start of a word: lopdf tries them before operators, as
    /// prefixes.
    fn keyword(&mut self) -> Option<Object> {
        let rest = &self.b[self.i..];
        let (object, len) = if rest.starts_with(b"null") {
            (Object::Null, 4)
        } else if rest.starts_with(b"true") {
            (Object::Boolean(true), 4)
        } else if rest.starts_with(b"false") {
            (Object::Boolean(false), 5)
        } else {
            return None;
        };
        self.i += len;
        Some(object)
    }

    /// A run of letters, `*`, `'` and `"`; an inline image (`BI`) goes to lopdf.
    fn operator(&mut self) -> Option<String> {
        let start = self.i;
        while self
            .peek(0)
            .is_some_and(|c| c.is_ascii_alphabetic() || b"*'\"".contains(&c))
        {
            self.i += 1;
        }
        let op = &self.b[start..self.i];
        if op.starts_with(b"BI") {
            return None;
        }
        String::from_utf8(op.to_vec()).ok()
    }

    fn operand(&mut self, depth: usize) -> Option<Object> {
        match self.peek(0)? {
            b'/' => Some(Object::Name(self.name())),
            b'(' => Some(Object::String(self.literal(0)?, StringFormat::Literal)),
            b'<' if self.peek(1) == Some(b'<') => self.dictionary(depth),
            b'<' => Some(Object::String(self.hexadecimal()?, StringFormat::Hexadecimal)),
            b'[' => self.array(depth),
            b'0'..=b'9' | b'+' | b'-' | b'.' => self.number(),
            _ => None,
        }
    }

    /// lopdf's grammar: a real is `[+-]?(\d+\.\d*|\.\d+)` (tried first), an integer `[+-]?\d+`.
    fn number(&mut self) -> Option<Object> {
        let start = self.i;
        let mut j = self.i;
        if matches!(self.b.get(j), Some(b'+' | b'-')) {
            j += 1;
        }
        let digits_start = j;
        while self.b.get(j).is_some_and(u8::is_ascii_digit) {
            j += 1;
        }
        let has_digits = j > digits_start;
        let dot = self.b.get(j) == Some(&b'.');
        let digit_after_dot = self.b.get(j + 1).is_some_and(u8::is_ascii_digit);
        let object = if dot && (has_digits || digit_after_dot) {
            j += 1;
            while self.b.get(j).is_some_and(u8::is_ascii_digit) {
                j += 1;
            }
            Object::Real(std::str::from_utf8(&self.b[start..j]).ok()?.parse().ok()?)
        } else if has_digits {
            Object::Integer(std::str::from_utf8(&self.b[start..j]).ok()?.parse().ok()?)
        } else {
            return None;
        };
        self.i = j;
        Some(object)
    }

    /// `/Name`, with `#xx` escapes; a `#` not followed by two hex digits ends it (and the next
    /// token, starting with `#`, sends the stream to lopdf).
    fn name(&mut self) -> Vec<u8> {
        self.i += 1;
        let mut out = Vec::new();
        while let Some(c) = self.peek(0) {
            if c == b'#' {
                match (self.peek(1).and_then(hex_value), self.peek(2).and_then(hex_value)) {
                    (Some(h), Some(l)) => {
                        out.push(h << 4 | l);
                        self.i += 3;
                    }
                    _ => break,
                }
            } else if is_regular(c) {
                out.push(c);
                self.i += 1;
            } else {
                break;
            }
        }
        out
    }

    /// `(…)`: nested parentheses kept, escapes resolved, line ends kept as written.
    fn literal(&mut self, depth: usize) -> Option<Vec<u8>> {
        if depth > MAX_NESTING {
            return None;
        }
        self.i += 1;
        // Most strings hold no escape and no parenthesis: copied whole, not byte by byte.
        let rest = &self.b[self.i..];
        if let Some(k) = rest.iter().position(|&c| matches!(c, b')' | b'(' | b'\\')) {
            if rest[k] == b')' {
                let out = rest[..k].to_vec();
                self.i += k + 1;
                return Some(out);
            }
        }
        let mut out = Vec::with_capacity(rest.len().min(64));
        loop {
            match self.peek(0)? {
                b')' => {
                    self.i += 1;
                    return Some(out);
                }
                b'(' => {
                    let inner = self.literal(depth + 1)?;
                    out.push(b'(');
                    out.extend_from_slice(&inner);
                    out.push(b')');
                }
                b'\\' => {
                    self.i += 1;
                    self.escape(&mut out)?;
                }
                c => {
                    out.push(c);
                    self.i += 1;
                }
            }
        }
    }

    /// After a backslash: up to three octal digits (overflow ignored), a line end (nothing), a
    /// letter of `nrtbf`, or any other byte as itself.
    fn escape(&mut self, out: &mut Vec<u8>) -> Option<()> {
        let c = self.peek(0)?;
        match c {
            b'0'..=b'7' => {
                let mut value: u16 = 0;
                let mut n = 0;
                while n < 3 && self.peek(0).is_some_and(|d| (b'0'..=b'7').contains(&d)) {
                    value = value * 8 + u16::from(self.b[self.i] - b'0');
                    self.i += 1;
                    n += 1;
                }
                out.push(value as u8);
            }
            b'\r' => {
                self.i += if self.peek(1) == Some(b'\n') { 2 } else { 1 };
            }
            b'\n' => self.i += 1,
            _ => {
                out.push(match c {
                    b'n' => b'\n',
                    b'r' => b'\r',
                    b't' => b'\t',
                    b'b' => b'\x08',
                    b'f' => b'\x0C',
                    other => other,
                });
                self.i += 1;
            }
        }
        Some(())
    }

    /// `<…>`: hex digits between white space; an odd last digit is the high half of a byte.
    fn hexadecimal(&mut self) -> Option<Vec<u8>> {
        self.i += 1;
        // Two digits a byte, up to the closing `>`.
        let digits = self.b[self.i..].iter().position(|&c| c == b'>').unwrap_or(0);
        let mut out = Vec::with_capacity(digits / 2 + 1);
        let mut high = true;
        loop {
            self.skip_whitespace();
            let Some(v) = self.peek(0).and_then(hex_value) else {
                break;
            };
            if high {
                out.push(v << 4);
            } else if let Some(last) = out.last_mut() {
                *last |= v;
            }
            high = !high;
            self.i += 1;
        }
        (self.peek(0)? == b'>').then(|| {
            self.i += 1;
            out
        })
    }

    /// `<< /Key value … >>` (marked content's properties): values as in arrays; a key given twice
    /// keeps its first place and its last value, as lopdf's `Dictionary::set` does.
    fn dictionary(&mut self, depth: usize) -> Option<Object> {
        if depth > MAX_NESTING {
            return None;
        }
        self.i += 2;
        let mut dict = Dictionary::new();
        loop {
            self.skip_whitespace();
            match self.peek(0)? {
                b'>' if self.peek(1) == Some(b'>') => {
                    self.i += 2;
                    return Some(Object::Dictionary(dict));
                }
                b'/' => {
                    let key = self.name();
                    self.skip_whitespace();
                    let value = self.item(depth)?;
                    dict.set(key, value);
                }
                _ => return None,
            }
        }
    }

    /// An element of an array or a value of a dictionary: a word there (a reference `1 0 R`, a
    /// keyword) or a comment goes to lopdf.
    fn item(&mut self, depth: usize) -> Option<Object> {
        match self.peek(0)? {
            b'%' => None,
            c if c.is_ascii_alphabetic() => None,
            _ => self.operand(depth + 1),
        }
    }

    /// `[…]` of numbers, strings, names, arrays and dictionaries.
    fn array(&mut self, depth: usize) -> Option<Object> {
        if depth > MAX_NESTING {
            return None;
        }
        self.i += 1;
        let mut items = Vec::new();
        loop {
            self.skip_whitespace();
            match self.peek(0)? {
                b']' => {
                    self.i += 1;
                    return Some(Object::Array(items));
                }
                _ => items.push(self.item(depth)?),
            }
        }
    }
}
