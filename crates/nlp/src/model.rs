//! The binary model file: a magic + version header, then little-endian sections.
//!
//! Every read is bounds-checked, so a truncated or foreign file is an error, never a panic.

use crate::{Error, Result};

/// Appends little-endian values to a byte buffer.
#[derive(Default)]
pub struct Writer {
    pub buf: Vec<u8>,
}

impl Writer {
    /// Starts a file with its 8-byte magic and format version.
    pub fn new(magic: &[u8; 8], version: u32) -> Writer {
        let mut w = Writer { buf: Vec::new() };
        w.buf.extend_from_slice(magic);
        w.u32(version);
        w
    }

    pub fn u8(&mut self, v: u8) {
        self.buf.push(v);
    }

    pub fn u32(&mut self, v: u32) {
        self.buf.extend_from_slice(&v.to_le_bytes());
    }

    pub fn u64(&mut self, v: u64) {
        self.buf.extend_from_slice(&v.to_le_bytes());
    }

    pub fn i16(&mut self, v: i16) {
        self.buf.extend_from_slice(&v.to_le_bytes());
    }

    pub fn f32(&mut self, v: f32) {
        self.buf.extend_from_slice(&v.to_le_bytes());
    }

    pub fn str(&mut self, s: &str) {
        self.u32(s.len() as u32);
        self.buf.extend_from_slice(s.as_bytes());
    }

    pub fn strs(&mut self, v: &[String]) {
        self.u32(v.len() as u32);
        for s in v {
            self.str(s);
        }
    }
}

/// Reads what a [`Writer`] wrote.
pub struct Reader<'a> {
    data: &'a [u8],
    pos: usize,
    what: &'static str,
}

impl<'a> Reader<'a> {
    /// Checks the magic and version; `what` names the model in errors.
    pub fn new(data: &'a [u8], magic: &[u8; 8], version: u32, what: &'static str) -> Result<Reader<'a>> {
        let mut r = Reader { data, pos: 0, what };
        if r.take(8)? != magic {
            return Err(r.err("not a dyad model of this kind (bad magic)".into()));
        }
        let v = r.u32()?;
        if v != version {
            return Err(r.err(format!(
                "format version {v}, this dyad reads version {version}; retrain with `dyad train`"
            )));
        }
        Ok(r)
    }

    pub fn err(&self, message: String) -> Error {
        Error::Model { what: self.what, message }
    }

    pub fn take(&mut self, n: usize) -> Result<&'a [u8]> {
        let end = self.pos.checked_add(n).filter(|&e| e <= self.data.len());
        match end {
            Some(end) => {
                let s = &self.data[self.pos..end];
                self.pos = end;
                Ok(s)
            }
            None => Err(self.err(format!("truncated at byte {}", self.pos))),
        }
    }

    fn array<const N: usize>(&mut self) -> Result<[u8; N]> {
        let mut a = [0u8; N];
        a.copy_from_slice(self.take(N)?);
        Ok(a)
    }

    pub fn u8(&mut self) -> Result<u8> {
        Ok(self.take(1)?[0])
    }

    pub fn u32(&mut self) -> Result<u32> {
        Ok(u32::from_le_bytes(self.array()?))
    }

    pub fn u64(&mut self) -> Result<u64> {
        Ok(u64::from_le_bytes(self.array()?))
    }

    pub fn i16(&mut self) -> Result<i16> {
        Ok(i16::from_le_bytes(self.array()?))
    }

    pub fn f32(&mut self) -> Result<f32> {
        Ok(f32::from_le_bytes(self.array()?))
    }

    /// A length read from the file, refused when larger than what is left of it.
    pub fn len(&mut self, unit: usize) -> Result<usize> {
        let n = self.u32()? as usize;
        if n.saturating_mul(unit.max(1)) > self.data.len() - self.pos {
            return Err(self.err(format!("length {n} at byte {} runs past the end", self.pos - 4)));
        }
        Ok(n)
    }

    pub fn str(&mut self) -> Result<&'a str> {
        let n = self.len(1)?;
        let pos = self.pos;
        std::str::from_utf8(self.take(n)?).map_err(|_| self.err(format!("invalid UTF-8 at byte {pos}")))
    }

    pub fn strs(&mut self) -> Result<Vec<String>> {
        let n = self.len(4)?;
        (0..n).map(|_| self.str().map(str::to_string)).collect()
    }

    /// Fails unless the whole file was read.
    pub fn finish(self) -> Result<()> {
        if self.pos != self.data.len() {
            return Err(self.err(format!("{} unexpected bytes at the end", self.data.len() - self.pos)));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_truncation() {
        let mut w = Writer::new(b"DYADTEST", 3);
        w.u32(7);
        w.str("héllo");
        w.i16(-5);
        w.f32(1.5);
        let buf = w.buf;
        let mut r = Reader::new(&buf, b"DYADTEST", 3, "test").unwrap();
        assert_eq!(r.u32().unwrap(), 7);
        assert_eq!(r.str().unwrap(), "héllo");
        assert_eq!(r.i16().unwrap(), -5);
        assert_eq!(r.f32().unwrap(), 1.5);
        r.finish().unwrap();
        for cut in 0..buf.len() {
            let r = Reader::new(&buf[..cut], b"DYADTEST", 3, "test");
            let ok = r.and_then(|mut r| {
                r.u32()?;
                r.str()?;
                r.i16()?;
                r.f32()?;
                r.finish()
            });
            assert!(ok.is_err(), "cut at {cut}");
        }
        assert!(Reader::new(&buf, b"DYADTEST", 4, "test").is_err());
        assert!(Reader::new(&buf, b"DYADXXXX", 3, "test").is_err());
    }
}
