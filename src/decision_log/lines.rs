//! Reading a log line by line without holding the file in memory.

use std::io::BufRead;

/// One line of a log file.
pub struct Line {
    /// 1-based.
    pub number: u64,
    /// Byte offset of the line's start.
    pub offset: u64,
    /// The line without its `\n`.
    pub bytes: Vec<u8>,
    /// Whether the line ended with `\n`. Every entry is written with one, so only a write cut
    /// short (a crash, a full disk, or someone cutting the file) leaves a last line without.
    pub complete: bool,
}

/// The lines of a log, in order. I/O errors end the iteration with an `Err`.
pub struct Lines<R> {
    reader: R,
    number: u64,
    offset: u64,
    failed: bool,
}

impl<R: BufRead> Lines<R> {
    pub fn new(reader: R) -> Lines<R> {
        Lines {
            reader,
            number: 0,
            offset: 0,
            failed: false,
        }
    }
}

impl<R: BufRead> Iterator for Lines<R> {
    type Item = std::io::Result<Line>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.failed {
            return None;
        }
        let mut bytes = Vec::new();
        match self.reader.read_until(b'\n', &mut bytes) {
            Ok(0) => None,
            Ok(n) => {
                let complete = bytes.last() == Some(&b'\n');
                if complete {
                    bytes.pop();
                }
                self.number += 1;
                let line = Line {
                    number: self.number,
                    offset: self.offset,
                    bytes,
                    complete,
                };
                self.offset += n as u64;
                Some(Ok(line))
            }
            Err(e) => {
                self.failed = true;
                Some(Err(e))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_know_their_numbers_offsets_and_whether_they_were_finished() {
        let lines: Vec<Line> = Lines::new(&b"ab\n\ncd"[..]).map(|l| l.unwrap()).collect();
        assert_eq!(lines.len(), 3);
        assert_eq!((lines[0].number, lines[0].offset), (1, 0));
        assert_eq!(lines[0].bytes, b"ab");
        assert!(lines[0].complete);
        assert_eq!((lines[1].offset, lines[1].bytes.len()), (3, 0));
        assert_eq!((lines[2].number, lines[2].offset), (3, 4));
        assert!(!lines[2].complete);
    }
}
