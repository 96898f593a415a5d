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

//
// The operations borrow from the stream what they can (operators, names and strings without
// escapes): `Op` and `Operand` rather than lopdf's `Operation` and `Object`, which own every
// operator, name and string (about 100,000 allocations to read the 2021 report, and as many
// frees). Streams lopdf decodes are lent to the same types (`Op::from_operation`).

use std::borrow::Cow;

use lopdf::content::{Content, Operation};
use lopdf::{Dictionary, Object, StringFormat};
use smallvec::SmallVec;

/// Bytes of a hexadecimal string kept inline, without an allocation (the glyph codes a `TJ`
/// shows are mostly a few bytes each).
pub type HexBytes = SmallVec<[u8; 16]>;

/// One operation of a content stream: its operator and its operands.
#[derive(Debug, Clone, PartialEq)]
pub struct Op<'a> {
    pub operator: Cow<'a, str>,
    pub operands: Vec<Operand<'a>>,
}

/// An operand, borrowing its bytes from the stream (or from lopdf's decoding) where it can.
// 40 bytes on 64-bit targets (a lopdf `Object` is 120): a `Vec` of them is what a `TJ` holds.
#[derive(Debug, Clone, PartialEq)]
pub enum Operand<'a> {
    Null,
    Boolean(bool),
    Integer(i64),
    Real(f32),
    Name(Cow<'a, [u8]>),
    String(Cow<'a, [u8]>, StringFormat),
    /// A hexadecimal string this decoder read (lopdf's are `String`s).
    HexString(HexBytes),
    Array(Vec<Operand<'a>>),
    /// Anything else (a dictionary of marked content, or what lopdf reads that this decoder
    /// does not: a reference…), as lopdf has it (boxed: an `Object` is five times the size of
    /// the other operands, and rare in a content stream).
    Other(Box<Cow<'a, Object>>),
}

impl<'a> Operand<'a> {
    /// The operand lent from a lopdf object.
    pub fn from_object(o: &'a Object) -> Operand<'a> {
        match o {
            Object::Null => Operand::Null,
            Object::Boolean(b) => Operand::Boolean(*b),
            Object::Integer(i) => Operand::Integer(*i),
            Object::Real(r) => Operand::Real(*r),
            Object::Name(n) => Operand::Name(Cow::Borrowed(n)),
            Object::String(s, f) => Operand::String(Cow::Borrowed(s), f.clone()),
            Object::Array(items) => Operand::Array(items.iter().map(Operand::from_object).collect()),
            other => Operand::Other(Box::new(Cow::Borrowed(other))),
        }
    }

    /// The lopdf object it stands for.
    pub fn to_object(&self) -> Object {
        match self {
            Operand::Null => Object::Null,
            Operand::Boolean(b) => Object::Boolean(*b),
            Operand::Integer(i) => Object::Integer(*i),
            Operand::Real(r) => Object::Real(*r),
            Operand::Name(n) => Object::Name(n.to_vec()),
            Operand::String(s, f) => Object::String(s.to_vec(), f.clone()),
            Operand::HexString(s) => Object::String(s.to_vec(), StringFormat::Hexadecimal),
            Operand::Array(items) => Object::Array(items.iter().map(Operand::to_object).collect()),
            Operand::Other(o) => o.as_ref().as_ref().clone(),
        }
    }

    /// The name, when it is one (as lopdf's `Object::as_name`).
    pub fn as_name(&self) -> Option<&[u8]> {
        match self {
            Operand::Name(n) => Some(n),
            Operand::Other(o) => o.as_name().ok(),
            _ => None,
        }
    }
}

impl<'a> Op<'a> {
    /// The operation lent from a lopdf operation.
    pub fn from_operation(o: &'a Operation) -> Op<'a> {
        Op {
            operator: Cow::Borrowed(&o.operator),
            operands: o.operands.iter().map(Operand::from_object).collect(),
        }
    }

    /// The lopdf operation it stands for.
    pub fn to_operation(&self) -> Operation {
        Operation {
            operator: self.operator.to_string(),
            operands: self.operands.iter().map(Operand::to_object).collect(),
        }
    }
}

/// Deepest nesting of parentheses in a string, and of arrays, this decoder follows (lopdf's
/// limits are 100; deeper input goes to lopdf).
const MAX_NESTING: usize = 32;

/// The operations of a content stream as lopdf's, or `None` when the stream needs lopdf's parser
/// ([`decode_borrowed`], made owned).
pub fn decode(data: &[u8]) -> Option<Content<Vec<Operation>>> {
    let operations = decode_borrowed(data)?.iter().map(Op::to_operation).collect();
    Some(Content { operations })
}

/// The operations of a content stream, borrowing from it, or `None` when the stream needs
/// lopdf's parser.
pub fn decode_borrowed(data: &[u8]) -> Option<Vec<Op<'_>>> {
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
                operations.push(Op {
                    operator,
                    operands: std::mem::take(&mut operands),
                });
            }
        } else {
            operands.push(p.operand(0)?);
        }
        p.skip_content_space();
    }
    operands.is_empty().then_some(operations)
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

impl<'a> Decoder<'a> {
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
    fn keyword(&mut self) -> Option<Operand<'a>> {
        let rest = &self.b[self.i..];
        let (object, len) = if rest.starts_with(b"null") {
            (Operand::Null, 4)
        } else if rest.starts_with(b"true") {
            (Operand::Boolean(true), 4)
        } else if rest.starts_with(b"false") {
            (Operand::Boolean(false), 5)
        } else {
            return None;
        };
        self.i += len;
        Some(object)
    }

    /// A run of letters, `*`, `'` and `"`; an inline image (`BI`) goes to lopdf.
    fn operator(&mut self) -> Option<Cow<'a, str>> {
        let start = self.i;
        while self
            .peek(0)
            .is_some_and(|c| c.is_ascii_alphabetic() || b"*'\"".contains(&c))
        {
            self.i += 1;
        }
        let b: &'a [u8] = self.b;
        let op = &b[start..self.i];
        if op.starts_with(b"BI") {
            return None;
        }
        std::str::from_utf8(op).ok().map(Cow::Borrowed)
    }

    fn operand(&mut self, depth: usize) -> Option<Operand<'a>> {
        match self.peek(0)? {
            b'/' => Some(Operand::Name(self.name())),
            b'(' => Some(Operand::String(self.literal(0)?, StringFormat::Literal)),
            b'<' if self.peek(1) == Some(b'<') => self.dictionary(depth),
            b'<' => Some(Operand::HexString(self.hexadecimal()?)),
            b'[' => self.array(depth),
            b'0'..=b'9' | b'+' | b'-' | b'.' => self.number(),
            _ => None,
        }
    }

    /// lopdf's grammar: a real is `[+-]?(\d+\.\d*|\.\d+)` (tried first), an integer `[+-]?\d+`.
    fn number(&mut self) -> Option<Operand<'a>> {
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
            Operand::Real(std::str::from_utf8(&self.b[start..j]).ok()?.parse().ok()?)
        } else if has_digits {
            Operand::Integer(std::str::from_utf8(&self.b[start..j]).ok()?.parse().ok()?)
        } else {
            return None;
        };
        self.i = j;
        Some(object)
    }

    /// `/Name`, with `#xx` escapes; a `#` not followed by two hex digits ends it (and the next
    /// token, starting with `#`, sends the stream to lopdf).
    fn name(&mut self) -> Cow<'a, [u8]> {
        self.i += 1;
        // Most names have no escape: borrowed whole.
        let b: &'a [u8] = self.b;
        let plain = b[self.i..]
            .iter()
            .position(|&c| c == b'#' || !is_regular(c))
            .unwrap_or(b.len() - self.i);
        if b.get(self.i + plain) != Some(&b'#') {
            let name = &b[self.i..self.i + plain];
            self.i += plain;
            return Cow::Borrowed(name);
        }
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
        Cow::Owned(out)
    }

    /// `(…)`: nested parentheses kept, escapes resolved, line ends kept as written.
    fn literal(&mut self, depth: usize) -> Option<Cow<'a, [u8]>> {
        if depth > MAX_NESTING {
            return None;
        }
        self.i += 1;
        // Most strings hold no escape and no parenthesis: borrowed whole.
        let b: &'a [u8] = self.b;
        let rest = &b[self.i..];
        if let Some(k) = rest.iter().position(|&c| matches!(c, b')' | b'(' | b'\\')) {
            if rest[k] == b')' {
                self.i += k + 1;
                return Some(Cow::Borrowed(&rest[..k]));
            }
        }
        let mut out = Vec::with_capacity(rest.len().min(64));
        loop {
            match self.peek(0)? {
                b')' => {
                    self.i += 1;
                    return Some(Cow::Owned(out));
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
    fn hexadecimal(&mut self) -> Option<HexBytes> {
        self.i += 1;
        // Two digits a byte, up to the closing `>`.
        let digits = self.b[self.i..].iter().position(|&c| c == b'>').unwrap_or(0);
        let mut out = HexBytes::with_capacity(digits / 2 + 1);
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
    fn dictionary(&mut self, depth: usize) -> Option<Operand<'a>> {
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
                    return Some(Operand::Other(Box::new(Cow::Owned(Object::Dictionary(dict)))));
                }
                b'/' => {
                    let key = self.name().into_owned();
                    self.skip_whitespace();
                    let value = self.item(depth)?.to_object();
                    dict.set(key, value);
                }
                _ => return None,
            }
        }
    }

    /// An element of an array or a value of a dictionary: a word there (a reference `1 0 R`, a
    /// keyword) or a comment goes to lopdf.
    fn item(&mut self, depth: usize) -> Option<Operand<'a>> {
        match self.peek(0)? {
            b'%' => None,
            c if c.is_ascii_alphabetic() => None,
            _ => self.operand(depth + 1),
        }
    }

    /// `[…]` of numbers, strings, names, arrays and dictionaries.
    fn array(&mut self, depth: usize) -> Option<Operand<'a>> {
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
                    return Some(Operand::Array(items));
                }
                _ => items.push(self.item(depth)?),
            }
        }
    }
}
