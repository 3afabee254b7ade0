//! JSON-RPC over standard input and output, with LSP's `Content-Length` framing.
//!
//! lsp-server's own stdio transport stops reading at the first message that is not valid JSON,
//! which would leave the server deaf. Here a body that does not parse is answered with a parse
//! error (or, for JSON that is no JSON-RPC message, an invalid-request error) and reading goes
//! on with the next message.

use std::io::{self, BufRead, Read, Write};
use std::thread;

use crossbeam_channel::{Receiver, Sender, unbounded};
use lsp_server::{Connection, Message};
use serde_json::{Value, json};

/// What the writer thread writes: messages of the protocol, and error responses without an id
/// (which `lsp_server::Response` cannot express).
enum Outgoing {
    Message(Message),
    Raw(Value),
}

/// The threads that move messages between the channels and standard input and output.
pub struct Threads {
    reader: thread::JoinHandle<()>,
    writer: thread::JoinHandle<()>,
}

impl Threads {
    /// Waits until the writer has flushed everything sent before the connection was dropped.
    /// The reader is not waited for: it may be blocked reading a client that never closes.
    pub fn finish(self) {
        let _ = self.writer.join();
        drop(self.reader);
    }
}

/// A connection over stdin and stdout.
pub fn stdio() -> (Connection, Threads) {
    let (to_server, from_client) = unbounded::<Message>();
    let (to_client, outgoing) = unbounded::<Message>();
    let (raw_tx, raw_rx) = unbounded::<Value>();
    let writer = thread::Builder::new()
        .name("writ-lsp-writer".into())
        .spawn(move || write_loop(outgoing, raw_rx))
        .expect("the writer thread starts");
    let reader = thread::Builder::new()
        .name("writ-lsp-reader".into())
        .spawn(move || {
            let stdin = io::stdin();
            read_loop(&mut stdin.lock(), &to_server, &raw_tx);
        })
        .expect("the reader thread starts");
    (
        Connection {
            sender: to_client,
            receiver: from_client,
        },
        Threads { reader, writer },
    )
}

fn write_loop(messages: Receiver<Message>, raw: Receiver<Value>) {
    let stdout = io::stdout();
    let mut out = stdout.lock();
    loop {
        let next = crossbeam_channel::select! {
            recv(messages) -> m => m.ok().map(Outgoing::Message),
            recv(raw) -> r => r.ok().map(Outgoing::Raw),
        };
        let written = match next {
            // The server dropped its sender: it is exiting.
            None => return,
            Some(Outgoing::Message(m)) => m.write(&mut out),
            Some(Outgoing::Raw(v)) => write_raw(&mut out, &v),
        };
        if written.is_err() {
            // The client closed its end; nothing more can be said.
            return;
        }
    }
}

fn write_raw(out: &mut impl Write, value: &Value) -> io::Result<()> {
    let text = value.to_string();
    write!(out, "Content-Length: {}\r\n\r\n{text}", text.len())?;
    out.flush()
}

/// Reads framed messages until the input ends or the client says `exit`.
pub fn read_loop(input: &mut impl BufRead, to_server: &Sender<Message>, errors: &Sender<Value>) {
    loop {
        let body = match read_frame(input) {
            Ok(Some(Frame::Body(body))) => body,
            Ok(Some(Frame::TooLarge(length))) => {
                let error = json!({"jsonrpc": "2.0", "id": null, "error": {"code": -32600,
                    "message": format!("invalid request: a message of {length} bytes is larger than the {MAX_MESSAGE} bytes accepted")}});
                if errors.send(error).is_err() {
                    return;
                }
                continue;
            }
            Ok(None) | Err(_) => return,
        };
        match parse(&body) {
            Ok(message) => {
                let exit = matches!(&message, Message::Notification(n) if n.method == "exit");
                if to_server.send(message).is_err() || exit {
                    return;
                }
            }
            Err(error) => {
                if errors.send(error).is_err() {
                    return;
                }
            }
        }
    }
}

/// A message, or the error response to send instead.
fn parse(body: &[u8]) -> Result<Message, Value> {
    let error = |id: Value, code: i32, message: String| json!({"jsonrpc": "2.0", "id": id, "error": {"code": code, "message": message}});
    let value: Value = serde_json::from_slice(body)
        .map_err(|e| error(Value::Null, -32700, format!("parse error: {e}")))?;
    let id = value.get("id").cloned().unwrap_or(Value::Null);
    serde_json::from_value::<Message>(value).map_err(|e| {
        error(
            id,
            -32600,
            format!("invalid request: not a JSON-RPC request, response or notification ({e})"),
        )
    })
}

/// The largest message body read: a policy file is kilobytes, and a bogus length must not make
/// the server allocate without bound.
const MAX_MESSAGE: usize = 64 << 20;

enum Frame {
    Body(Vec<u8>),
    /// A body longer than [`MAX_MESSAGE`], skipped.
    TooLarge(usize),
}

/// One message's body. Header lines other than `Content-Length` are ignored, as are
/// malformed ones; `None` at the end of the input.
fn read_frame(input: &mut impl BufRead) -> io::Result<Option<Frame>> {
    let mut length: Option<usize> = None;
    let mut line = String::new();
    loop {
        line.clear();
        if input.read_line(&mut line)? == 0 {
            return Ok(None);
        }
        let header = line.trim_end_matches(['\r', '\n']);
        if header.is_empty() {
            if let Some(length) = length {
                if length > MAX_MESSAGE {
                    io::copy(&mut Read::take(&mut *input, length as u64), &mut io::sink())?;
                    return Ok(Some(Frame::TooLarge(length)));
                }
                let mut body = vec![0; length];
                input.read_exact(&mut body)?;
                return Ok(Some(Frame::Body(body)));
            }
            // A blank line without a length: keep looking for the next header.
            continue;
        }
        if let Some((name, value)) = header.split_once(':')
            && name.trim().eq_ignore_ascii_case("content-length")
        {
            length = value.trim().parse().ok();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frames(parts: &[&str]) -> Vec<u8> {
        parts
            .iter()
            .flat_map(|p| format!("Content-Length: {}\r\n\r\n{p}", p.len()).into_bytes())
            .collect()
    }

    #[test]
    fn bad_messages_are_answered_and_reading_goes_on() {
        let input = frames(&[
            "{not json",
            r#"{"jsonrpc":"2.0","id":7}"#,
            r#"{"jsonrpc":"2.0","id":1,"method":"shutdown"}"#,
        ]);
        let (tx, rx) = unbounded();
        let (etx, erx) = unbounded();
        read_loop(&mut &input[..], &tx, &etx);
        let errors: Vec<Value> = erx.try_iter().collect();
        assert_eq!(errors.len(), 2);
        assert_eq!(errors[0]["error"]["code"], -32700);
        assert_eq!(errors[0]["id"], Value::Null);
        assert_eq!(errors[1]["error"]["code"], -32600);
        assert_eq!(errors[1]["id"], 7);
        let messages: Vec<Message> = rx.try_iter().collect();
        assert!(matches!(&messages[..], [Message::Request(r)] if r.method == "shutdown"));
    }

    #[test]
    fn headers_are_read_leniently() {
        let body = r#"{"jsonrpc":"2.0","method":"initialized","params":{}}"#;
        let input = format!(
            "garbage\r\nContent-Type: x\r\ncontent-length:{}\r\n\r\n{body}",
            body.len()
        );
        let (tx, rx) = unbounded();
        let (etx, _erx) = unbounded();
        read_loop(&mut input.as_bytes(), &tx, &etx);
        assert_eq!(rx.try_iter().count(), 1);
    }
}
