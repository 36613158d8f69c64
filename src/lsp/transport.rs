//! JSON-RPC framing over standard input and output. lsp-server's own stdio transport stops the
//! server at the first payload that is not JSON and allocates whatever `Content-Length` says;
//! this one answers a bad payload with a JSON-RPC error and goes on, skips bodies over
//! [`MAX_BODY`] without holding them, and ends only when the header stream itself is broken or
//! the client has gone.

use std::io::{self, BufRead, Read, Write};
use std::thread;

use crossbeam_channel::{unbounded, Receiver, Sender};
use lsp_server::{ErrorCode, Message};

/// The largest message body read: a 1 MiB policy (the language's limit) escaped as JSON, with
/// room to spare. Larger bodies are skipped and answered with an error.
pub const MAX_BODY: usize = 16 * 1024 * 1024;

/// What the reader hands the server: a message, or a body it could not use (answered by the
/// server, which owns the writer).
pub enum Incoming {
    Message(Message),
    /// A JSON-RPC error to send back with a null id: parse error or invalid request.
    Invalid(ErrorCode, String),
}

/// Start the reader and writer threads on `input` and `output`. The receiver disconnects when
/// the input ends or its framing breaks; the writer thread ends when every sender is dropped
/// (join it to flush) or the output is closed.
pub fn start<R, W>(input: R, output: W) -> (Receiver<Incoming>, Sender<serde_json::Value>, thread::JoinHandle<()>)
where
    R: Read + Send + 'static,
    W: Write + Send + 'static,
{
    let (in_tx, in_rx) = unbounded();
    let (out_tx, out_rx) = unbounded::<serde_json::Value>();
    thread::spawn(move || {
        let mut input = io::BufReader::new(input);
        while let Ok(Some(incoming)) = read_one(&mut input) {
            if in_tx.send(incoming).is_err() {
                break;
            }
        }
    });
    let writer = thread::spawn(move || {
        let mut output = io::BufWriter::new(output);
        for message in out_rx {
            // A closed output means the client has gone: nothing more to write to.
            if write_one(&mut output, &message).is_err() {
                break;
            }
        }
    });
    (in_rx, out_tx, writer)
}

/// One framed message. `Ok(None)` at the end of input; `Err` when the headers cannot be read,
/// after which the stream cannot be trusted to find the next message.
fn read_one(input: &mut impl BufRead) -> io::Result<Option<Incoming>> {
    let mut length: Option<usize> = None;
    let mut line = Vec::new();
    let mut first = true;
    loop {
        line.clear();
        // A header line longer than this is not a header.
        let n = input.by_ref().take(8 * 1024).read_until(b'\n', &mut line)?;
        if n == 0 {
            return if first {
                Ok(None)
            } else {
                Err(broken("the input ended inside a header"))
            };
        }
        first = false;
        let text = String::from_utf8_lossy(&line);
        let text = text.trim_end_matches(['\r', '\n']);
        if text.is_empty() {
            break;
        }
        let Some((name, value)) = text.split_once(':') else {
            return Err(broken("a header line without `:`"));
        };
        if name.trim().eq_ignore_ascii_case("content-length") {
            length = Some(
                value
                    .trim()
                    .parse()
                    .map_err(|_| broken("a Content-Length that is not a number"))?,
            );
        }
    }
    let Some(length) = length else {
        return Err(broken("a message without Content-Length"));
    };
    if length > MAX_BODY {
        io::copy(&mut input.by_ref().take(length as u64), &mut io::sink())?;
        return Ok(Some(Incoming::Invalid(
            ErrorCode::InvalidRequest,
            format!("a message of {length} bytes is over the server's limit of {MAX_BODY}"),
        )));
    }
    let mut body = vec![0; length];
    input.read_exact(&mut body)?;
    let value: serde_json::Value = match serde_json::from_slice(&body) {
        Ok(value) => value,
        Err(e) => return Ok(Some(Incoming::Invalid(ErrorCode::ParseError, format!("not JSON: {e}")))),
    };
    Ok(Some(match serde_json::from_value::<Message>(value) {
        Ok(message) => Incoming::Message(message),
        Err(e) => Incoming::Invalid(ErrorCode::InvalidRequest, format!("not a JSON-RPC message: {e}")),
    }))
}

fn write_one(output: &mut impl Write, message: &serde_json::Value) -> io::Result<()> {
    let body = serde_json::to_string(message)?;
    write!(output, "Content-Length: {}\r\n\r\n{body}", body.len())?;
    output.flush()
}

/// A message as JSON-RPC 2.0 puts it on the wire.
pub fn to_json(message: &Message) -> serde_json::Value {
    let mut value = serde_json::to_value(message).unwrap_or(serde_json::Value::Null);
    if let Some(object) = value.as_object_mut() {
        object.insert("jsonrpc".to_owned(), "2.0".into());
    }
    value
}

fn broken(what: &str) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, what.to_owned())
}

/// The response to an unusable message: JSON-RPC's error with a null id.
pub fn invalid_response(code: ErrorCode, message: String) -> serde_json::Value {
    // Built by hand: lsp-server's ids cannot be `null`, which JSON-RPC asks for when the
    // request's id could not be read.
    serde_json::json!({"jsonrpc": "2.0", "id": null, "error": {"code": code as i32, "message": message}})
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_all(bytes: &[u8]) -> Vec<String> {
        let mut input = io::Cursor::new(bytes.to_vec());
        let mut out = Vec::new();
        loop {
            match read_one(&mut input) {
                Ok(Some(Incoming::Message(m))) => out.push(format!("{m:?}").chars().take(20).collect()),
                Ok(Some(Incoming::Invalid(code, _))) => out.push(format!("invalid {}", code as i32)),
                Ok(None) => break,
                Err(e) => {
                    out.push(format!("broken: {e}"));
                    break;
                }
            }
        }
        out
    }

    #[test]
    fn bad_payloads_are_answered_and_reading_goes_on() {
        let ok = r#"{"jsonrpc":"2.0","method":"exit"}"#;
        let stream = format!(
            "Content-Length: 5\r\n\r\n{{bad}}Content-Length: 2\r\n\r\n{{}}Content-Length: {}\r\n\r\n{ok}",
            ok.len()
        );
        let got = read_all(stream.as_bytes());
        assert_eq!(got.len(), 3, "{got:?}");
        assert_eq!(got[0], "invalid -32700");
        assert_eq!(got[1], "invalid -32600");
        assert!(got[2].starts_with("Notification"), "{got:?}");
    }

    #[test]
    fn huge_lengths_are_not_allocated() {
        let got = read_all(b"Content-Length: 99999999999\r\n\r\nshort");
        assert_eq!(got, ["invalid -32600"]);
        let got = read_all(b"Content-Length: abc\r\n\r\n");
        assert!(got[0].starts_with("broken"), "{got:?}");
    }
}
