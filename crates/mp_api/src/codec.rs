//! The model file envelope: versioned, self-describing, checksummed (public for tools that inspect
//! or re-seal files, such as the decoder fuzz test).
//!
//! ```text
//! magic    8 bytes  "MOVPREF\0"
//! version  u32 LE   format version (FORMAT_VERSION)
//! hlen     u32 LE   length of the header
//! header   hlen     UTF-8 JSON: kind, n_features, params, engine version (readable without the engine)
//! blen     u64 LE   length of the body
//! body     blen     postcard-encoded model
//! crc32    u32 LE   CRC-32 (IEEE) of every preceding byte
//! ```
use mp_core::{Error, Result};

const MAGIC: &[u8; 8] = b"MOVPREF\0";

pub fn encode(version: u32, header: &[u8], body: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(28 + header.len() + body.len());
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&version.to_le_bytes());
    out.extend_from_slice(&(header.len() as u32).to_le_bytes());
    out.extend_from_slice(header);
    out.extend_from_slice(&(body.len() as u64).to_le_bytes());
    out.extend_from_slice(body);
    let crc = crc32(&out);
    out.extend_from_slice(&crc.to_le_bytes());
    out
}

/// Returns (version, header, body) after checking magic, lengths and checksum.
pub fn decode(bytes: &[u8]) -> Result<(u32, &[u8], &[u8])> {
    if bytes.len() < 8 || &bytes[..8] != MAGIC {
        return Err(Error::deserialize("not a moviepref model: the file does not start with the MOVPREF magic"));
    }
    if bytes.len() < 8 + 4 + 4 + 8 + 4 {
        return Err(Error::deserialize(format!("model is truncated: {} bytes", bytes.len())));
    }
    let (payload, crc_bytes) = bytes.split_at(bytes.len() - 4);
    let stored = u32::from_le_bytes(crc_bytes.try_into().expect("4 bytes"));
    if crc32(payload) != stored {
        return Err(Error::deserialize("model is corrupt: checksum mismatch (truncated or modified file)"));
    }
    let mut r = Reader { buf: payload, pos: 8 };
    let version = u32::from_le_bytes(r.take(4, "version")?.try_into().expect("4 bytes"));
    let hlen = u32::from_le_bytes(r.take(4, "header length")?.try_into().expect("4 bytes")) as usize;
    let header = r.take(hlen, "header")?;
    let blen = u64::from_le_bytes(r.take(8, "body length")?.try_into().expect("8 bytes"));
    let body = r.take(usize::try_from(blen).map_err(|_| Error::deserialize("body length overflows"))?, "body")?;
    if r.pos != payload.len() {
        return Err(Error::deserialize(format!("{} unexpected trailing bytes", payload.len() - r.pos)));
    }
    Ok((version, header, body))
}

struct Reader<'a> {
    buf: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize, what: &str) -> Result<&'a [u8]> {
        let end = self.pos.checked_add(n).filter(|&e| e <= self.buf.len());
        let end = end.ok_or_else(|| Error::deserialize(format!("model is truncated while reading the {what}")))?;
        let s = &self.buf[self.pos..end];
        self.pos = end;
        Ok(s)
    }
}

/// CRC-32/IEEE (the zlib/PNG polynomial), bitwise over a small table.
pub fn crc32(data: &[u8]) -> u32 {
    const fn table() -> [u32; 256] {
        let mut t = [0u32; 256];
        let mut i = 0;
        while i < 256 {
            let mut c = i as u32;
            let mut k = 0;
            while k < 8 {
                c = if c & 1 != 0 { 0xEDB8_8320 ^ (c >> 1) } else { c >> 1 };
                k += 1;
            }
            t[i] = c;
            i += 1;
        }
        t
    }
    const TABLE: [u32; 256] = table();
    let mut c = !0u32;
    for &b in data {
        c = TABLE[((c ^ b as u32) & 0xFF) as usize] ^ (c >> 8);
    }
    !c
}

#[cfg(test)]
mod tests {
    use super::*;
    use mp_core::ErrorCode;

    #[test]
    fn crc_reference_value() {
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
    }

    #[test]
    fn round_trip_and_every_corruption_is_caught() {
        let bytes = encode(1, br#"{"kind":"x"}"#, &[1, 2, 3, 4]);
        assert_eq!(decode(&bytes).unwrap(), (1, &br#"{"kind":"x"}"#[..], &[1u8, 2, 3, 4][..]));
        for cut in 0..bytes.len() {
            assert_eq!(decode(&bytes[..cut]).unwrap_err().code(), ErrorCode::Deserialize, "cut {cut}");
        }
        for i in 0..bytes.len() {
            let mut b = bytes.clone();
            b[i] ^= 0x40;
            assert_eq!(decode(&b).unwrap_err().code(), ErrorCode::Deserialize, "flip {i}");
        }
    }
}
