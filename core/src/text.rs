//! Messages built from pieces. The wasm build carries no `core::fmt` (its
//! float and integer formatting alone is most of a small client), so every
//! message in the core is written with [`text!`](crate::text!) instead of `format!`.

/// Something that can be appended to a message.
pub trait Piece {
    /// Appends itself to `out`.
    fn put(&self, out: &mut String);
}

impl Piece for str {
    fn put(&self, out: &mut String) {
        out.push_str(self);
    }
}

impl Piece for String {
    fn put(&self, out: &mut String) {
        out.push_str(self);
    }
}

impl<T: Piece + ?Sized> Piece for &T {
    fn put(&self, out: &mut String) {
        (**self).put(out);
    }
}

impl Piece for u16 {
    fn put(&self, out: &mut String) {
        put_u64(u64::from(*self), out);
    }
}

impl Piece for u32 {
    fn put(&self, out: &mut String) {
        put_u64(u64::from(*self), out);
    }
}

impl Piece for usize {
    fn put(&self, out: &mut String) {
        put_u64(*self as u64, out);
    }
}

impl Piece for u64 {
    fn put(&self, out: &mut String) {
        put_u64(*self, out);
    }
}

/// A JS number, written as JavaScript would for the values messages show.
impl Piece for f64 {
    fn put(&self, out: &mut String) {
        put_number(*self, out);
    }
}

/// Builds a `String` from pieces: `text!("width must be ", 1u32, " or more")`.
/// One shared function does the work, so a message costs its call site little.
#[macro_export]
macro_rules! text {
    ($($piece:expr),* $(,)?) => {
        $crate::text::join(&[$(&$piece as &dyn $crate::text::Piece),*])
    };
}

/// The pieces, one after another.
pub fn join(pieces: &[&dyn Piece]) -> String {
    let mut out = String::new();
    for piece in pieces {
        piece.put(&mut out);
    }
    out
}

/// The decimal digits, as strings: pushing a `&str` needs no UTF-8 encoding.
const DIGITS: [&str; 10] = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"];

/// Appends `n` in decimal.
pub fn put_u64(mut n: u64, out: &mut String) {
    let mut digits = [0u8; 20];
    let mut start = digits.len();
    loop {
        start -= 1;
        digits[start] = (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    for &digit in &digits[start..] {
        out.push_str(DIGITS[usize::from(digit)]);
    }
}

/// Appends `byte` as two uppercase hex digits.
pub fn put_hex(byte: u8, out: &mut String) {
    const HEX: &str = "0123456789ABCDEF";
    for nibble in [byte >> 4, byte & 0xf] {
        let at = usize::from(nibble);
        out.push_str(HEX.get(at..at + 1).unwrap_or_default());
    }
}

/// The value of `text` when it is one or more ASCII digits and nothing else,
/// summed by hand (no integer or float parsing in the wasm). An f64, exact up
/// to 15 digits; a longer number is only as large as it reads (even infinite).
pub fn ascii_decimal(text: &str) -> Option<f64> {
    if text.is_empty() {
        return None;
    }
    let mut number = 0f64;
    for byte in text.bytes() {
        if !byte.is_ascii_digit() {
            return None;
        }
        number = number * 10.0 + f64::from(byte - b'0');
    }
    Some(number)
}

/// Splits `text` at each `separator`, an ASCII byte, so every piece is valid
/// UTF-8. (Byte work keeps `str`'s char searching out of the wasm.)
pub fn split_ascii(text: &str, separator: u8) -> SplitAscii<'_> {
    SplitAscii { rest: Some(text), separator }
}

/// The pieces of [`split_ascii`].
pub struct SplitAscii<'a> {
    rest: Option<&'a str>,
    separator: u8,
}

impl<'a> Iterator for SplitAscii<'a> {
    type Item = &'a str;

    fn next(&mut self) -> Option<&'a str> {
        let rest = self.rest?;
        match rest.bytes().position(|b| b == self.separator) {
            Some(at) => {
                self.rest = rest.get(at + 1..);
                rest.get(..at)
            }
            None => {
                self.rest = None;
                Some(rest)
            }
        }
    }
}

/// Appends a JS number: whole numbers whole, fractions to six places with
/// trailing zeros dropped, from 1e19 on (past a u64) as `1e+19`. Good for
/// messages, not a full `Number.prototype.toString`.
pub fn put_number(value: f64, out: &mut String) {
    if value.is_nan() {
        return out.push_str("NaN");
    }
    if value < 0.0 {
        out.push_str("-");
    }
    let value = value.abs();
    if value.is_infinite() {
        return out.push_str("Infinity");
    }
    if value >= 1e19 {
        // The leading digit and the exponent, as JS writes from 1e21 on.
        let (mut mantissa, mut exponent) = (value, 0u64);
        while mantissa >= 10.0 {
            mantissa /= 10.0;
            exponent += 1;
        }
        put_u64(mantissa as u64, out);
        out.push_str("e+");
        return put_u64(exponent, out);
    }
    if value >= 1e12 {
        // Six decimals would overflow a u64 here; such numbers are whole in messages.
        return put_u64((value + 0.5) as u64, out);
    }
    // Rounded half up (the value is not negative here).
    let micros = (value * 1e6 + 0.5) as u64;
    put_u64(micros / 1_000_000, out);
    let mut fraction = micros % 1_000_000;
    if fraction == 0 {
        return;
    }
    out.push_str(".");
    let mut scale = 100_000;
    while fraction > 0 {
        out.push_str(DIGITS[(fraction / scale) as usize % 10]);
        fraction %= scale;
        scale /= 10;
    }
}

#[cfg(test)]
mod tests {

    #[test]
    fn ascii_decimals_are_digits_only() {
        assert_eq!(super::ascii_decimal("0"), Some(0.0));
        assert_eq!(super::ascii_decimal("0255"), Some(255.0));
        assert_eq!(super::ascii_decimal("120"), Some(120.0));
        for text in ["", " 1", "1 ", "-1", "+1", "1.5", "1e3", "١"] {
            assert_eq!(super::ascii_decimal(text), None, "{text:?}");
        }
        assert_eq!(super::ascii_decimal(&"9".repeat(400)), Some(f64::INFINITY));
    }

    #[test]
    fn pieces_join_without_fmt() {
        let name = String::from("width");
        assert_eq!(text!(name, " must be ", 1u32, "–", 16_384u32, ", not ", 1.5f64), "width must be 1–16384, not 1.5");
        assert_eq!(text!(0u16, u64::MAX), "018446744073709551615");
    }

    #[test]
    fn splits_at_ascii_bytes() {
        let pieces: Vec<&str> = super::split_ascii("a,,é,", b',').collect();
        assert_eq!(pieces, ["a", "", "é", ""]);
        assert_eq!(super::split_ascii("", b',').collect::<Vec<_>>(), [""]);
    }

    #[test]
    fn numbers_as_javascript_shows_them() {
        let show = |value: f64| text!(value);
        for (value, shown) in [
            (0.0, "0"),
            (1.5, "1.5"),
            (-2.25, "-2.25"),
            (16385.0, "16385"),
            (0.1, "0.1"),
            (0.000_05, "0.00005"),
            (1e-9, "0"),
            (f64::NAN, "NaN"),
            (f64::NEG_INFINITY, "-Infinity"),
            (f64::INFINITY, "Infinity"),
            (1e21, "1e+21"),
            (123_456_789_012_345.0, "123456789012345"),
            (5e13 + 0.5, "50000000000001"),
            (1e20, "1e+20"),
            (1.8e19, "1e+19"),
            (9e18, "9000000000000000000"),
        ] {
            assert_eq!(show(value), shown, "{value}");
        }
    }
}
